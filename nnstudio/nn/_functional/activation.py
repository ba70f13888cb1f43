"""The activations of `nn.functional` (torch 2.13's formulas and gradients, composed from differentiable tensor
ops or ops/activation.py), their in-place forms (`relu_`, ...) and `gumbel_softmax`."""

from __future__ import annotations

import warnings

from ...autograd import apply
from ...ops import activation as A
from ...tensor import Tensor, where


def _maybe_inplace(input: Tensor, inplace: bool, fn) -> Tensor:
    """fn(input), or with `inplace=True` written into `input` itself (torch's semantics: the caller may ignore the
    return value). The graph sees the old value through an alias, so gradients stay correct."""
    return input._inplace(fn) if inplace else fn(input)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: apply(A.Relu, x))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """clamp(x, min_val, max_val), with torch's gradient: 0 at both ends. (*) -> (*)."""
    return _maybe_inplace(input, inplace, lambda x: apply(A.Hardtanh, x, min_val=min_val, max_val=max_val))


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: apply(A.LeakyRelu, x, slope=negative_slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: apply(A.Elu, x, alpha=alpha))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return apply(A.Gelu, input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: x * x.sigmoid())


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: x * softplus(x).tanh())


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: F811
    return apply(A.Softplus, input, beta=beta, threshold=threshold)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """torch's deprecated implicit dim (0 for 0-, 1- and 3-dim input, else 1), with torch's warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as "
                  "an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return input.softmax(_softmax_dim("softmax", input.ndim, _stacklevel) if dim is None else dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return input.log_softmax(_softmax_dim("log_softmax", input.ndim, _stacklevel) if dim is None else dim,
                             dtype=dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return softmax(-input, _softmax_dim("softmin", input.ndim, _stacklevel) if dim is None else dim, dtype=dtype)


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
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear in between, with torch's gradient (1/6 strictly inside,
    0 at -3 and 3). (*) -> (*)."""
    return _maybe_inplace(input, inplace, lambda x: apply(A.Hardsigmoid, x))


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6 (MobileNetV3). (*) -> (*)."""
    return _maybe_inplace(input, inplace, lambda x: apply(A.Hardswish, x))


def logsigmoid(input: Tensor) -> Tensor:
    """log(1 / (1 + e^-x)) = min(x, 0) - log1p(e^-|x|) without overflow, with torch's gradient (1/2 at 0).
    (*) -> (*)."""
    return apply(A.LogSigmoid, input)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (exp(x / alpha) - 1)). (*) -> (*)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: celu: alpha must not be 0")
    return _maybe_inplace(input, inplace, lambda x: where(x > 0, x, alpha * ((x / alpha).clamp(max=0).exp() - 1)))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale (max(0, x) + min(0, alpha (exp(x) - 1))), the self-normalising constants. (*) -> (*)."""
    return _maybe_inplace(input, inplace,
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
    return _maybe_inplace(input, inplace, lambda x: where(x > threshold, x, x * 0 + value))


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Leaky ReLU with slope (lower + upper) / 2 in eval; a slope drawn from U(lower, upper) per element when
    training (from nnstudio's seed)."""
    if not training:
        slope = (lower + upper) / 2
        return _maybe_inplace(input, inplace, lambda x: where(x >= 0, x, x * slope))
    import numpy as np

    from ..._backend import to_device, to_numpy
    from ..._random import generator

    def f(x):  # torch's: a float64 U(lower, upper) for each element <= 0, in order (the bounds first rounded to
        data = to_numpy(x.detach()._data)  # the input's dtype, as its kernel's opmath); the others keep slope 1
        slopes = np.ones_like(data)
        negative = data <= 0
        lo, hi = float(data.dtype.type(lower)), float(data.dtype.type(upper))
        slopes[negative] = generator().uniform_array((int(negative.sum()),), np.float64, lo, hi)
        return x * Tensor._wrap(to_device(slopes, x.device), None)

    return _maybe_inplace(input, inplace, f)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:
    return selu(input, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return threshold(input, threshold, value, inplace=True)


def gumbel_softmax(logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """softmax((logits + g) / tau) with g ~ Gumbel(0, 1) (from nnstudio's seed); `hard` returns one-hot vectors
    whose gradient is the soft sample's (straight-through)."""
    from ... import empty_like

    gumbels = -empty_like(logits.detach()).exponential_().log()  # torch's draw: -log(Exp(1)), so its numbers
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    from ... import zeros_like

    y_hard = zeros_like(logits).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


__all__ = [
    "relu", "relu6", "hardtanh", "leaky_relu", "elu", "gelu", "silu", "mish", "softplus", "sigmoid", "tanh",
    "softmax", "log_softmax", "softmin", "prelu", "hardsigmoid", "hardswish", "logsigmoid", "celu", "selu", "glu",
    "hardshrink", "softshrink", "softsign", "tanhshrink", "threshold", "rrelu", "relu_", "elu_", "celu_", "selu_",
    "leaky_relu_", "hardtanh_", "rrelu_", "threshold_", "gumbel_softmax",
]
