"""`nnstudio.special`: torch.special's functions, generated from the elementwise table (`ops/pointwise.py`).

Each row with a `special` name is here: rows that are also Tensor methods call the method (`special.erf(x)` is
`x.erf()`), the others (`ndtr`, `i1e`, `bessel_j0`, ...) call the row directly. Values come from `scipy.special`
(`cupyx.scipy.special` on a GPU); gradients from the table's derivative formulas. The few that are not
elementwise rows (`polygamma(n, input)`, `multigammaln`, `softmax`, `log_softmax`, `logsumexp`) follow.
"""

from __future__ import annotations

import math

from ._tensor.base import TensorBase, as_tensor
from ._tensor.elementwise import TABLE_CALLS
from ._tensor.functions import function_from_method, write_out
from .ops.pointwise import TABLE


def _from_row(name: str, doc: str):
    call = TABLE_CALLS[name]

    def fn(input, *args, out=None, **kwargs):
        t = input if isinstance(input, TensorBase) else as_tensor(input)
        result = call(t, *args, **kwargs)
        return result if out is None else write_out(result, out, f"special.{name}")

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"torch.special.{name}: {doc}."
    return fn


_FUNCTIONS = {op.special: (function_from_method(op.name, f"torch.special.{op.special}: {op.doc}.")
                           if op.method else _from_row(op.name, op.doc))
              for op in TABLE if op.special}
globals().update(_FUNCTIONS)

gammaln = function_from_method("gammaln", "torch.special.gammaln: log |Gamma(input)|.", method="lgamma")
psi = function_from_method("psi", "torch.special.psi: digamma.", method="digamma")


def polygamma(n: int, input, *, out=None):
    """The n-th derivative of digamma at `input` (n >= 0): polygamma(0, x) is digamma(x)."""
    if int(n) != n or n < 0:
        raise RuntimeError(f"polygamma(n, x) does not support negative n, got n={n}")
    result = as_tensor(input).polygamma(int(n))
    return result if out is None else write_out(result, out, "special.polygamma")


def multigammaln(input, p: int, *, out=None):
    """log of the multivariate gamma function of dimension p: p(p-1)/4 log(pi) + sum_j lgamma(input - j/2).
    Every element must exceed (p - 1) / 2."""
    x = as_tensor(input)
    if p < 1:
        raise RuntimeError(f"multigammaln: p has to be greater than or equal to 1, got {p}")
    if bool((x <= (p - 1) / 2).any()):
        raise RuntimeError(f"All elements must be greater than (p-1)/2 (= {(p - 1) / 2})")
    result = sum((x - j / 2).lgamma() for j in range(p)) + p * (p - 1) / 4 * math.log(math.pi)
    return result if out is None else write_out(result, out, "special.multigammaln")


def softmax(input, dim: int, *, dtype=None):
    """softmax along `dim` (as Tensor.softmax)."""
    return as_tensor(input).softmax(dim, dtype=dtype)


def log_softmax(input, dim: int, *, dtype=None):
    """log of softmax along `dim` (as Tensor.log_softmax)."""
    return as_tensor(input).log_softmax(dim, dtype=dtype)


def logsumexp(input, dim, keepdim: bool = False, *, out=None):
    """log(sum(exp(input))) over `dim`, stable."""
    result = as_tensor(input).logsumexp(dim, keepdim)
    return result if out is None else write_out(result, out, "special.logsumexp")


__all__ = [*_FUNCTIONS, "gammaln", "psi", "polygamma", "multigammaln", "softmax", "log_softmax", "logsumexp"]
