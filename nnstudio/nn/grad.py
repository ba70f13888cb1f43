"""`torch.nn.grad`: the gradients of a convolution with respect to its input and its weight, as functions.

`conv{1,2,3}d_input(input_size, weight, grad_output, ...)` is d<grad_output, conv(x, weight)>/dx for an x of
shape `input_size`; `conv{1,2,3}d_weight(input, weight_size, grad_output, ...)` the same with respect to a weight
of shape `weight_size`. A convolution is linear in each argument, so each is one backward pass of the
convolution at a zero argument (the adjoint primitives of nnstudio/ops). The result carries a graph when the
tensors it is made from require grad (so a custom Function's backward built on these has a second derivative).
"""

from __future__ import annotations

from ..autograd.functional_grad import grad as _grad
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from . import functional as F

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input", "conv3d_weight"]


def _zeros(size, like):
    from .. import zeros

    return zeros(tuple(size), dtype=like.dtype, device=like.device).requires_grad_(True)


def _check(kind: str, size, n: int) -> tuple:
    size = tuple(int(s) for s in size)
    if len(size) != n + 2:
        raise RuntimeError(f"conv{n}d: {kind} must have {n + 2} dimensions (batch, channels and {n} spatial), got "
                           f"{list(size)}")
    return size


def _input_grad(conv, n: int, input_size, weight, grad_output, stride, padding, dilation, groups):
    x = _zeros(_check("input_size", input_size, n), grad_output)
    graph = is_grad_enabled() and (weight.requires_grad or grad_output.requires_grad)
    with enable_grad():
        out = conv(x, weight, None, stride, padding, dilation, groups)
        return _grad(out, x, grad_output, create_graph=graph)[0]


def _weight_grad(conv, n: int, input, weight_size, grad_output, stride, padding, dilation, groups):
    w = _zeros(_check("weight_size", weight_size, n), grad_output)
    graph = is_grad_enabled() and (input.requires_grad or grad_output.requires_grad)
    with enable_grad():
        out = conv(input, w, None, stride, padding, dilation, groups)
        return _grad(out, w, grad_output, create_graph=graph)[0]


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv1d with respect to its input, shaped `input_size` (N, C_in, L)."""
    return _input_grad(F.conv1d, 1, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv1d with respect to its weight, shaped `weight_size` (C_out, C_in / groups, K)."""
    return _weight_grad(F.conv1d, 1, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv2d with respect to its input, shaped `input_size` (N, C_in, H, W)."""
    return _input_grad(F.conv2d, 2, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv2d with respect to its weight, shaped `weight_size` (C_out, C_in / groups, kH, kW)."""
    return _weight_grad(F.conv2d, 2, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv3d with respect to its input, shaped `input_size` (N, C_in, D, H, W)."""
    return _input_grad(F.conv3d, 3, input_size, weight, grad_output, stride, padding, dilation, groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """Gradient of conv3d with respect to its weight, shaped `weight_size` (C_out, C_in / groups, kD, kH, kW)."""
    return _weight_grad(F.conv3d, 3, input, weight_size, grad_output, stride, padding, dilation, groups)
