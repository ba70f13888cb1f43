"""`conv1d`, `conv2d`, `conv3d`: torch's functional convolutions, checked, on the `ConvNd` primitive."""

from __future__ import annotations

from ..autograd import apply
from ..ops.conv import ConvNd
from ..tensor import Tensor


def ntuple(value, n: int, name: str, who: str) -> tuple:
    """An int or a sequence of n ints as an n-tuple (torch's `_ntuple`), with an error naming the field."""
    if isinstance(value, (list, tuple)):
        if len(value) != n or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ValueError(f"{who}: {name} must be an int or a tuple of {n} ints, got {value!r}")
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{who}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    return (value,) * n


def check_channels(who: str, in_channels: int, out_channels: int, groups: int) -> None:
    """The channel and group counts of a (transposed) convolution layer: ints, groups dividing both."""
    for field, value in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{who}: {field} must be an int, got {value!r}")
    if groups <= 0:
        raise ValueError(f"{who}: groups must be a positive integer, got {groups}")
    if in_channels % groups:
        raise ValueError(f"{who}: in_channels ({in_channels}) must be divisible by groups ({groups})")
    if out_channels % groups:
        raise ValueError(f"{who}: out_channels ({out_channels}) must be divisible by groups ({groups})")


def conv_padding(padding, kernel: tuple, stride: tuple, dilation: tuple, who: str) -> tuple:
    """Padding as ((lo, hi), ...) per spatial dim; 'same' pads dilation*(k-1) split with the extra on the right."""
    n = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{who}: padding='same' is not supported for strided convolutions")
            total = tuple(d * (k - 1) for k, d in zip(kernel, dilation))
            return tuple((t // 2, t - t // 2) for t in total)
        raise ValueError(f"{who}: invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
    pads = ntuple(padding, n, "padding", who)
    if any(p < 0 for p in pads):
        raise RuntimeError(f"{who}: negative padding is not supported, got {padding!r}")
    return tuple((p, p) for p in pads)


def conv_nd(input: Tensor, weight: Tensor, bias: Tensor | None, stride, padding, dilation, groups: int,
            nd: int, who: str | None = None) -> Tensor:
    """Checked N-d convolution. input (N, C, *S) or unbatched (C, *S); weight (O, C/groups, *K); -> (N, O, *out).

    `who` names the caller in error messages (a layer's repr, or the function name).
    """
    fname = f"conv{nd}d"
    who = who or fname
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{who}: expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input, got input of "
                           f"shape {tuple(input.shape)}")
    if weight.ndim != nd + 2:
        raise RuntimeError(f"{who}: expected a {nd + 2}D weight (out_channels, in_channels/groups, *kernel), "
                           f"got shape {tuple(weight.shape)}")
    batched = input.ndim == nd + 2
    x = input if batched else input.unsqueeze(0)
    kernel = tuple(weight.shape[2:])
    stride = ntuple(stride, nd, "stride", who)
    dilation = ntuple(dilation, nd, "dilation", who)
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{who}: stride must be positive, got {stride}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{who}: dilation must be positive, got {dilation}")
    if groups <= 0 or weight.shape[0] % groups:
        raise RuntimeError(f"{who}: out_channels {weight.shape[0]} must be divisible by groups={groups}")
    pads = conv_padding(padding, kernel, stride, dilation, who)
    expected = weight.shape[1] * groups
    if x.shape[1] != expected:
        raise RuntimeError(f"{who}: expected {expected} input channels, got {x.shape[1]} (input shape "
                           f"{tuple(input.shape)})")
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads))
    effective = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(e > p for e, p in zip(effective, padded)):
        raise RuntimeError(f"{who}: kernel size {kernel} (dilated {effective}) can't be greater than the padded "
                           f"input size {padded} (input shape {tuple(input.shape)})")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"{who}: input dtype {input.dtype} does not match weight dtype {weight.dtype}")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise RuntimeError(f"{who}: expected bias of shape ({weight.shape[0]},), got {tuple(bias.shape)}")
    opts = dict(stride=stride, padding=pads, dilation=dilation, groups=groups)
    y = apply(ConvNd, x, weight, **opts) if bias is None else apply(ConvNd, x, weight, bias, **opts)
    return y if batched else y.squeeze(0)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """1-D convolution. input (N, C_in, L) or (C_in, L); weight (C_out, C_in/groups, K) -> (N, C_out, L_out)."""
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """2-D convolution. input (N, C_in, H, W) or (C_in, H, W); weight (C_out, C_in/groups, kH, kW)
    -> (N, C_out, H_out, W_out) with H_out = (H + pads - dilation (kH - 1) - 1) // stride + 1."""
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """3-D convolution. input (N, C_in, D, H, W) or unbatched; weight (C_out, C_in/groups, kD, kH, kW)."""
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 3)
