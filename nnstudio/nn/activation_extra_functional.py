"""`prelu`, `hardswish`, `hardsigmoid` and `logsigmoid`, composed from differentiable tensor ops (torch 2.13's
formulas and gradients)."""

from __future__ import annotations

from ..tensor import Tensor, where


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else a x, with a = weight (1,) shared, or (C,) one per channel (dim 1; input of fewer than 2
    dims has 1 channel). input (*) -> (*)."""
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise RuntimeError(f"prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{weight.numel()} and channel size = {channels} (input shape {tuple(input.shape)}, "
                           f"weight shape {tuple(weight.shape)})")
    a = weight.reshape(()) if weight.numel() == 1 else weight.reshape((1, -1) + (1,) * (input.ndim - 2))
    return where(input > 0, input, a * input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear in between. (*) -> (*)."""
    from .functional import _maybe_inplace

    return _maybe_inplace(input, inplace, lambda x: (x + 3).clamp(0, 6) / 6)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6 (MobileNetV3). (*) -> (*)."""
    from .functional import _maybe_inplace

    return _maybe_inplace(input, inplace, lambda x: x * (x + 3).clamp(0, 6) / 6)


def logsigmoid(input: Tensor) -> Tensor:
    """log(1 / (1 + e^-x)), computed as -(log1p(e^-|x|) + max(-x, 0)) without overflow. (*) -> (*)."""
    return -(input.abs().neg().exp().log1p() + (-input).relu())
