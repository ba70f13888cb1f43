"""More activations of `nn.functional` (celu, selu, glu, the shrinks, softsign, threshold, rrelu) and the
alpha dropouts, composed from differentiable tensor ops with torch 2.13's formulas."""

from __future__ import annotations

from ..tensor import Tensor, where

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _inplace(input: Tensor, inplace: bool, fn) -> Tensor:
    from .functional import _maybe_inplace

    return _maybe_inplace(input, inplace, fn)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1)). (*) -> (*)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: celu: alpha must not be 0")
    return _inplace(input, inplace, lambda x: where(x > 0, x, alpha * ((x / alpha).clamp(max=0).exp() - 1)))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale (max(0, x) + min(0, alpha (exp(x) - 1))), the self-normalising constants. (*) -> (*)."""
    return _inplace(input, inplace,
                    lambda x: _SELU_SCALE * where(x > 0, x, _SELU_ALPHA * (x.clamp(max=0).exp() - 1)))


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b) where a, b are the halves of `input` along `dim` (its size must be even)."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.ndim} is size {size}")
    a, b = input.split(size // 2, dim)
    return a * b.sigmoid()


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    return where(input.abs() > lambd, input, input * 0)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, 0 in between."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return where(input > lambd, input - lambd, where(input < -lambd, input + lambd, input * 0))


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - input.tanh()


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    return _inplace(input, inplace, lambda x: where(x > threshold, x, x * 0 + value))


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Leaky ReLU with slope (lower + upper) / 2 in eval; a slope drawn from U(lower, upper) per element when
    training (from nnstudio's seed)."""
    if not training:
        slope = (lower + upper) / 2
        return _inplace(input, inplace, lambda x: where(x >= 0, x, x * slope))
    from .. import rand_like

    def f(x):
        a = rand_like(x.detach()) * (upper - lower) + lower
        return where(x >= 0, x, x * a)

    return _inplace(input, inplace, f)


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
