"""`conv1d/2d/3d` and `conv_transpose1d/2d/3d` of `nn.functional` and their shared argument checks."""

from __future__ import annotations

from ...autograd import apply
from ...ops.conv import ConvNd
from ...ops.conv_transpose import ConvTransposeNd, transposed_out_size
from ...tensor import Tensor


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
    kernel = tuple(weight._data.shape[2:])
    stride = ntuple(stride, nd, "stride", who)
    dilation = ntuple(dilation, nd, "dilation", who)
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{who}: stride must be positive, got {stride}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{who}: dilation must be positive, got {dilation}")
    if groups <= 0 or weight._data.shape[0] % groups:
        raise RuntimeError(f"{who}: out_channels {weight.shape[0]} must be divisible by groups={groups}")
    pads = conv_padding(padding, kernel, stride, dilation, who)
    expected = weight._data.shape[1] * groups
    if x._data.shape[1] != expected:
        raise RuntimeError(f"{who}: expected {expected} input channels, got {x.shape[1]} (input shape "
                           f"{tuple(input.shape)})")
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(x._data.shape[2:], pads))
    effective = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(e > p for e, p in zip(effective, padded)):
        raise RuntimeError(f"{who}: kernel size {kernel} (dilated {effective}) can't be greater than the padded "
                           f"input size {padded} (input shape {tuple(input.shape)})")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"{who}: input dtype {input.dtype} does not match weight dtype {weight.dtype}")
    if bias is not None and tuple(bias.shape) != (weight._data.shape[0],):
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


__all__ = [
    "ntuple", "check_channels", "conv_padding", "conv_nd", "conv1d", "conv2d", "conv3d", "conv_transpose_nd",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
]
