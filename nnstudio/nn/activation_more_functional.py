"""More activations of `nn.functional` (celu, selu, glu, the shrinks, softsign, threshold, rrelu) and the
alpha dropouts, composed from differentiable tensor ops with torch 2.13's formulas."""

from __future__ import annotations

from ..tensor import Tensor
from ._functional.activation import _SELU_ALPHA, _SELU_SCALE


def _alpha_dropout(input: Tensor, p: float, training: bool, feature: bool) -> Tensor:
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    from .. import rand

    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    a = ((1 - p) * (1 + p * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * p
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
    keep = (rand(*shape, device=input.device) >= p).to(input.dtype)
    return (input * keep + alpha_p * (1 - keep)) * a + b


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's self-normalisation: dropped units are set to -alpha*scale, then affine-corrected."""
    return _alpha_dropout(input, p, training, feature=False)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """alpha_dropout of whole channels (dim 1) of input (N, C, *)."""
    return _alpha_dropout(input, p, training, feature=True)
