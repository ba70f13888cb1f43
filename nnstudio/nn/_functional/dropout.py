"""The dropouts of `nn.functional`: `dropout`, the channel-wise `dropout1d/2d/3d` (and torch's `feature_dropout`),
`alpha_dropout` and `feature_alpha_dropout` (SELU's self-normalising dropout)."""

from __future__ import annotations

import math
import warnings

from ...autograd import apply
from ...ops import dropout as D
from ...tensor import Tensor
from .activation import (
    _maybe_inplace,
)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1 / (1 - p) (identity when not training)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _maybe_inplace(input, inplace, lambda x: x * 0.0)
    return _maybe_inplace(input, inplace, lambda x: apply(D.Dropout, x, p=p))


def feature_dropout(input: Tensor, p: float, training: bool, batched: bool) -> Tensor:
    """Zero whole channels (dim 1 of a batched input, dim 0 of an unbatched one) with probability p and scale
    the rest by 1 / (1 - p). The mask has shape (N, C, 1, ...)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    x = input if batched else input.unsqueeze(0)
    shape = tuple(x.shape[:2]) + (1,) * (x.ndim - 2)
    if p == 1.0:
        y = x * 0.0
    else:
        y = apply(D.Dropout, x, p=p, mask_shape=shape)
    return y if batched else y.squeeze(0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel-wise dropout. input (N, C, L) or (C, L)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: expected 2D or 3D input, got input of shape {tuple(input.shape)}")
    return feature_dropout(input, p, training, input.ndim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel-wise dropout. input (N, C, H, W); a 3-D input is read as (N, C, L), as torch does today."""
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: received a {input.ndim}-D input; dropout2d expects 3-D or 4-D input",
                      stacklevel=2)
    return feature_dropout(input, p, training, True)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel-wise dropout. input (N, C, D, H, W) or (C, D, H, W)."""
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: received a {input.ndim}-D input; dropout3d expects 4-D or 5-D input",
                      stacklevel=2)
    return feature_dropout(input, p, training, input.ndim == 5)


def _alpha_dropout(input: Tensor, p: float, training: bool, feature: bool) -> Tensor:
    if p < 0 or p > 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    from ... import empty

    # torch's arithmetic: noise ~ Bernoulli(1 - p) (its draw), b = (noise - 1) * alpha a + alpha a p, noise *= a,
    # input * noise + b, with alpha = 1.7580993408473766 (= -alpha' of the paper) and a = 1 / sqrt((alpha^2 p + 1)
    # (1 - p))
    alpha = 1.7580993408473766
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
    noise = empty(*shape, dtype=input.dtype, device=input.device).bernoulli_(1 - p)
    b = (noise - 1) * (alpha * a) + alpha * a * p
    return input * (noise * a) + b


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's self-normalisation: dropped units are set to -alpha*scale, then affine-corrected."""
    return _alpha_dropout(input, p, training, feature=False)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """alpha_dropout of whole channels (dim 1) of input (N, C, *)."""
    return _alpha_dropout(input, p, training, feature=True)


__all__ = [
    "dropout", "feature_dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
]
