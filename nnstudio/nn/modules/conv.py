"""Convolutions: `Conv1d/2d/3d` (every padding mode) and `ConvTranspose1d/2d/3d`, torch's arguments, parameters
and initialisation; their lazy forms `LazyConv1d/2d/3d`, `LazyConvTranspose1d/2d/3d` (in_channels from the first
input)."""

from __future__ import annotations

import math

from ...autograd import no_grad
from ...tensor import Tensor
from .. import init
from .._functional.conv import check_channels, conv_nd, conv_padding, conv_transpose_nd, ntuple
from .._functional.padding import pad
from ..parameter import UninitializedParameter, empty_param
from .lazy import LazyModuleMixin
from .module import Module

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """Shared body of Conv1d/2d/3d. Subclasses set `_nd`."""

    _nd = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__()
        name, nd = type(self).__name__, self._nd
        check_channels(name, in_channels, out_channels, groups)
        self.kernel_size = ntuple(kernel_size, nd, "kernel_size", name)
        self.stride = ntuple(stride, nd, "stride", name)
        self.dilation = ntuple(dilation, nd, "dilation", name)
        if any(k <= 0 for k in self.kernel_size) or any(s <= 0 for s in self.stride) or any(
                d <= 0 for d in self.dilation):
            raise ValueError(f"{name}: kernel_size, stride and dilation must be positive, got "
                             f"{self.kernel_size}, {self.stride}, {self.dilation}")
        conv_padding(padding, self.kernel_size, self.stride, self.dilation, name)  # validates
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.padding = padding if isinstance(padding, str) else ntuple(padding, nd, "padding", name)
        self.padding_mode = padding_mode
        self.output_padding = (0,) * nd
        self.transposed = False
        self.weight = empty_param((out_channels, in_channels // groups) + self.kernel_size, device, dtype)
        if bias:
            self.bias = empty_param((out_channels,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's init: W by kaiming_uniform_(a=sqrt(5)), i.e. U(+-1/sqrt(fan_in)); b ~ U(+-1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            b = init.bias_bound(self.weight)
            init.uniform_(self.bias, -b, b)

    def forward(self, input: Tensor) -> Tensor:
        who = f"{type(self).__name__}({self.extra_repr()})"
        padding = self.padding
        if self.padding_mode != "zeros":  # torch: pad with the mode first (last dim first), then a valid conv
            pads = conv_padding(padding, self.kernel_size, self.stride, self.dilation, who)
            if any(lo or hi for lo, hi in pads):
                flat = tuple(v for lo, hi in reversed(pads) for v in (lo, hi))
                input = pad(input, flat, mode=self.padding_mode)
            padding = 0
        return conv_nd(input, self.weight, self.bias, self.stride, padding, self.dilation, self.groups,
                       self._nd, who)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self._nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._nd:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """1-D convolution. Shapes: input (N, C_in, L) or (C_in, L) -> (N, C_out, L_out),
    L_out = (L + 2 padding - dilation (kernel_size - 1) - 1) // stride + 1. weight (C_out, C_in/groups, k)."""

    _nd = 1


class Conv2d(_ConvNd):
    """2-D convolution. Shapes: input (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out),
    H_out = (H + 2 padding[0] - dilation[0] (kernel_size[0] - 1) - 1) // stride[0] + 1 (W likewise).
    weight (C_out, C_in/groups, kH, kW), bias (C_out,). padding: int, tuple, 'valid' or 'same'."""

    _nd = 2


class Conv3d(_ConvNd):
    """3-D convolution. Shapes: input (N, C_in, D, H, W) or (C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out).
    weight (C_out, C_in/groups, kD, kH, kW)."""

    _nd = 3


class _ConvTransposeNd(Module):
    """Shared body of ConvTranspose1d/2d/3d. Subclasses set `_nd`."""

    _nd = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None,
                 dtype=None):
        super().__init__()
        name, nd = type(self).__name__, self._nd
        check_channels(name, in_channels, out_channels, groups)
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {name} (got {padding_mode!r})')
        if isinstance(padding, str):
            raise TypeError(f"{name}: padding must be an int or a tuple of {nd} ints, not {padding!r} "
                            "(transposed convolutions take no 'same' or 'valid' padding)")
        self.kernel_size = ntuple(kernel_size, nd, "kernel_size", name)
        self.stride = ntuple(stride, nd, "stride", name)
        self.padding = ntuple(padding, nd, "padding", name)
        self.output_padding = ntuple(output_padding, nd, "output_padding", name)
        self.dilation = ntuple(dilation, nd, "dilation", name)
        if any(k <= 0 for k in self.kernel_size) or any(s <= 0 for s in self.stride) or any(
                d <= 0 for d in self.dilation):
            raise ValueError(f"{name}: kernel_size, stride and dilation must be positive, got "
                             f"{self.kernel_size}, {self.stride}, {self.dilation}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.padding_mode = padding_mode
        self.transposed = True
        self.weight = empty_param((in_channels, out_channels // groups) + self.kernel_size, device, dtype)
        if bias:
            self.bias = empty_param((out_channels,), device, dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's init: W by kaiming_uniform_(a=sqrt(5)) with fan_in = (out_channels/groups) prod(kernel_size)
        (dim 1 of the transposed weight), i.e. U(+-1/sqrt(fan_in)); b ~ U(+-1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            b = init.bias_bound(self.weight)
            init.uniform_(self.bias, -b, b)

    def _output_padding(self, input: Tensor, output_size) -> tuple:
        """output_padding reaching `output_size` (torch's rule: each size within [min, min + stride - 1])."""
        if output_size is None:
            return self.output_padding
        nd, name = self._nd, type(self).__name__
        size = [int(s) for s in output_size]
        batched = input.ndim == nd + 2
        if len(size) == input.ndim:
            size = size[-nd:]
        if len(size) != nd:
            full = nd + 2 if batched else nd + 1
            raise ValueError(f"{name}: for {input.ndim}D input, output_size must have {nd} or {full} elements "
                             f"(got {len(output_size)})")
        spatial = tuple(input.shape[-nd:])
        lo = [(s - 1) * st - 2 * p + d * (k - 1) + 1
              for s, st, p, d, k in zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        hi = [m + st - 1 for m, st in zip(lo, self.stride)]
        if any(not a <= s <= b for s, a, b in zip(size, lo, hi)):
            raise ValueError(f"{name}: requested an output size of {tuple(size)}, but valid sizes range from "
                             f"{lo} to {hi} (for an input of spatial size {spatial})")
        return tuple(s - m for s, m in zip(size, lo))

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        """input (N, C_in, *S) or (C_in, *S) -> (N, C_out, *out); `output_size` picks output_padding."""
        who = f"{type(self).__name__}({self.extra_repr()})"
        output_padding = self._output_padding(input, output_size)
        return conv_transpose_nd(input, self.weight, self.bias, self.stride, self.padding, output_padding,
                                 self.groups, self.dilation, self._nd, who)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self._nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution. input (N, C_in, L) or (C_in, L) -> (N, C_out, L_out),
    L_out = (L - 1) stride - 2 padding + dilation (kernel_size - 1) + output_padding + 1.
    weight (C_in, C_out/groups, k), bias (C_out,)."""

    _nd = 1


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution. input (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out),
    H_out = (H - 1) stride[0] - 2 padding[0] + dilation[0] (kernel_size[0] - 1) + output_padding[0] + 1
    (W likewise). weight (C_in, C_out/groups, kH, kW), bias (C_out,)."""

    _nd = 2


class ConvTranspose3d(_ConvTransposeNd):
    """3-D transposed convolution. input (N, C_in, D, H, W) or (C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out).
    weight (C_in, C_out/groups, kD, kH, kW)."""

    _nd = 3


class _LazyConvXdMixin(LazyModuleMixin):
    """in_channels = input.shape[1] (batched) or input.shape[0] (unbatched) at the first forward; weight and
    bias are then materialised with the convolution's own shapes and init."""

    def _lazy_placeholders(self, out_channels: int, bias: bool, device, dtype) -> None:
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            with no_grad():
                if self.transposed:
                    shape = (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
                else:
                    shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
                self.weight.materialize(shape)
                if self.bias is not None:
                    self.bias.materialize((self.out_channels,))
                self.reset_parameters()

    def _get_in_channels(self, input: Tensor) -> int:
        unbatched = self._nd + 1
        if input.ndim not in (unbatched, unbatched + 1):
            raise RuntimeError(f"Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.ndim == unbatched + 1 else input.shape[0]


class _LazyConv(_LazyConvXdMixin):
    """The lazy Conv1d/2d/3d constructor: Conv's arguments without in_channels."""

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        self._lazy_placeholders(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvXdMixin):
    """The lazy ConvTranspose1d/2d/3d constructor: ConvTranspose's arguments without in_channels."""

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0, groups: int = 1,
                 bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode,
                         device, dtype)
        self._lazy_placeholders(out_channels, bias, device, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """A Conv1d with in_channels inferred from the first input; becomes a Conv1d."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """A Conv2d with in_channels inferred from the first input; becomes a Conv2d."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """A Conv3d with in_channels inferred from the first input; becomes a Conv3d."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """A ConvTranspose1d with in_channels inferred from the first input; becomes a ConvTranspose1d."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """A ConvTranspose2d with in_channels inferred from the first input; becomes a ConvTranspose2d."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """A ConvTranspose3d with in_channels inferred from the first input; becomes a ConvTranspose3d."""

    cls_to_become = ConvTranspose3d


__all__ = [
    "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
    "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
]
