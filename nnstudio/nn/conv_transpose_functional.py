"""`conv_transpose1d/2d/3d`: torch's functional transposed convolutions, checked, on `ConvTransposeNd`."""

from __future__ import annotations

from ..autograd import apply
from ..ops.conv_transpose import ConvTransposeNd, transposed_out_size
from ..tensor import Tensor
from .conv_functional import ntuple

_AXES = ("depth", "height", "width")


def _int_tuple(value, n: int, name: str, who: str) -> tuple:
    if isinstance(value, str):
        raise TypeError(f"{who}: argument '{name}' must be an int or a tuple of {n} ints, not str ({value!r}); "
                        "transposed convolutions take no 'same' or 'valid' padding")
    return ntuple(value, n, name, who)


def _named(values: tuple, what: str) -> str:
    axes = _AXES[-len(values):] if len(values) > 1 else ("",)
    return " ".join(f"{what}_{a}: {v}" if a else f"{what}: {v}" for a, v in zip(axes, values))


def conv_transpose_nd(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, output_padding,
                      groups: int, dilation, nd: int, who: str | None = None) -> Tensor:
    """Checked N-d transposed convolution. input (N, C_in, *S) or unbatched (C_in, *S); weight
    (C_in, C_out/groups, *K) -> (N, C_out, *out), out = (S - 1) stride - 2 padding + dilation (K - 1)
    + output_padding + 1. `who` names the caller in error messages."""
    who = who or f"conv_transpose{nd}d"
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{who}: expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input, got input of "
                           f"shape {tuple(input.shape)}")
    if weight.ndim != nd + 2:
        raise RuntimeError(f"{who}: expected a {nd + 2}D weight (in_channels, out_channels/groups, *kernel), got "
                           f"shape {tuple(weight.shape)}")
    batched = input.ndim == nd + 2
    x = input if batched else input.unsqueeze(0)
    kernel = tuple(weight.shape[2:])
    stride = _int_tuple(stride, nd, "stride", who)
    padding = _int_tuple(padding, nd, "padding", who)
    output_padding = _int_tuple(output_padding, nd, "output_padding", who)
    dilation = _int_tuple(dilation, nd, "dilation", who)
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{who}: stride must be positive, got {stride}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{who}: dilation must be positive, got {dilation}")
    if any(p < 0 for p in padding) or any(q < 0 for q in output_padding):
        raise RuntimeError(f"{who}: negative padding is not supported, got padding={padding}, "
                           f"output_padding={output_padding}")
    if any(q >= max(s, d) for q, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(f"{who}: output padding must be smaller than either stride or dilation, but got "
                           f"{_named(output_padding, 'output_padding')} {_named(stride, 'stride')} "
                           f"{_named(dilation, 'dilation')}")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0:
        raise RuntimeError(f"{who}: groups must be a positive integer, got {groups!r}")
    if weight.shape[0] % groups:
        raise RuntimeError(f"{who}: weight's in_channels {weight.shape[0]} (dim 0 of weight shape "
                           f"{tuple(weight.shape)}) must be divisible by groups={groups}")
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"{who}: weight of shape {tuple(weight.shape)} (in_channels, out_channels/groups, "
                           f"*kernel) expects {weight.shape[0]} input channels, got {x.shape[1]} (input shape "
                           f"{tuple(input.shape)})")
    spatial = tuple(x.shape[2:])
    out = tuple(transposed_out_size(*a) for a in zip(spatial, kernel, stride, padding, output_padding, dilation))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"{who}: given input size per channel {spatial}, the calculated output size per "
                           f"channel {out} is too small (kernel {kernel}, stride {stride}, padding {padding}, "
                           f"dilation {dilation})")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"{who}: input dtype {input.dtype} does not match weight dtype {weight.dtype}")
    cout = weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (cout,):
        raise RuntimeError(f"{who}: expected bias of shape ({cout},), got {tuple(bias.shape)}")
    opts = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups)
    args = (x, weight) if bias is None else (x, weight, bias)
    y = apply(ConvTransposeNd, *args, **opts)
    return y if batched else y.squeeze(0)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """1-D transposed convolution. input (N, C_in, L) or (C_in, L); weight (C_in, C_out/groups, K)
    -> (N, C_out, L_out), L_out = (L - 1) stride - 2 padding + dilation (K - 1) + output_padding + 1."""
    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """2-D transposed convolution ("deconvolution"). input (N, C_in, H, W) or (C_in, H, W); weight
    (C_in, C_out/groups, kH, kW) -> (N, C_out, H_out, W_out), H_out = (H - 1) stride[0] - 2 padding[0]
    + dilation[0] (kH - 1) + output_padding[0] + 1 (W likewise)."""
    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """3-D transposed convolution. input (N, C_in, D, H, W) or unbatched; weight (C_in, C_out/groups, kD, kH, kW)
    -> (N, C_out, D_out, H_out, W_out)."""
    return conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups, dilation, 3)
