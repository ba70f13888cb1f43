"""Helpers shared by the distributions (torch.distributions.utils): broadcasting parameters, logits <-> probs,
clamping probabilities, lazily computed properties, and the package's random draws."""

from __future__ import annotations

import numbers

import numpy as np

from ..tensor import Tensor

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs", "probs_to_logits"]


def _pkg():
    import nnstudio

    return nnstudio


def broadcast_all(*values):
    """Tensors and numbers -> tensors of one broadcast shape (numbers take the first tensor's dtype/device, or
    the default float dtype)."""
    torch = _pkg()
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number or torch.Tensor.")
    like = next((v for v in values if isinstance(v, Tensor)), None)
    if like is None:
        out = [torch.tensor(float(v), dtype=torch.get_default_dtype()) for v in values]
    else:
        dtype = like.dtype if like.is_floating_point() else torch.get_default_dtype()
        out = [v if isinstance(v, Tensor) else torch.tensor(float(v), dtype=dtype, device=like.device)
               for v in values]
    shape = np.broadcast_shapes(*[tuple(v.shape) for v in out])
    return tuple(v.expand(shape) for v in out)


def clamp_probs(probs: Tensor) -> Tensor:
    """probs clamped to [eps, 1 - eps] (eps the dtype's machine epsilon)."""
    eps = float(np.finfo(probs.detach().cpu().numpy().dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """log p (categorical) or log p - log1p(-p) (binary), on clamped probabilities."""
    ps = clamp_probs(probs)
    if is_binary:
        return ps.log() - (-ps).log1p()
    return ps.log()


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """sigmoid (binary) or softmax over the last dim."""
    if is_binary:
        return logits.sigmoid()
    return logits.softmax(-1)


class lazy_property:
    """A property computed on first access and then stored on the instance (torch's `lazy_property`)."""

    def __init__(self, wrapped) -> None:
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def rng():
    """nnstudio's global NumPy generator (`manual_seed` seeds it)."""
    from .._random import generator

    return generator()


def draw(shape, like: Tensor, fn) -> Tensor:
    """A tensor of `shape` with `like`'s dtype and device, filled by `fn(rng, shape)` (a NumPy draw)."""
    values = np.asarray(fn(rng(), tuple(shape)))
    dtype = like.detach().cpu().numpy().dtype if like.is_floating_point() else np.float32
    return Tensor._wrap(values.astype(dtype, copy=False), None).to(like.device)


def _float_dtype(like: Tensor) -> np.dtype:
    return like.detach().cpu().numpy().dtype if like.is_floating_point() else np.dtype(np.float32)


def filled(shape, like: Tensor, method: str) -> Tensor:
    """torch's `like.new(shape).<method>()`: an empty tensor of `like`'s float dtype filled in place by the draw
    `method` ("exponential_", "cauchy_" ...), so its numbers are torch's."""
    from .. import _dtype, empty

    out = empty(*tuple(shape), dtype=_dtype.from_numpy_dtype(_float_dtype(like)))
    return getattr(out, method)().to(like.device)


def standard_normal(shape, like: Tensor) -> Tensor:
    """N(0, 1) draws in `like`'s dtype (torch's `empty(shape, dtype=like.dtype).normal_()`: its numbers)."""
    return draw(shape, like, lambda g, s: g.standard_normal(s, dtype=_float_dtype(like)))


def uniform(shape, like: Tensor) -> Tensor:
    """Uniform draws in [0, 1)."""
    return draw(shape, like, lambda g, s: g.random(s, dtype=_float_dtype(like)))  # torch's rand(dtype=like's)


def tiny(t: Tensor) -> float:
    return float(np.finfo(t.detach().cpu().numpy().dtype).tiny)


def eps(t: Tensor) -> float:
    return float(np.finfo(t.detach().cpu().numpy().dtype).eps)


def expand_params(dist, cls, batch_shape, _instance, names, event_shape=()) -> object:
    """`dist.expand(batch_shape)` for a distribution whose parameters `names` have shape
    batch_shape + event_shape (the usual case): a new instance with the parameters expanded."""
    from ..tensor import Size
    from .distribution import Distribution

    new = dist._get_checked_instance(cls, _instance)
    batch_shape = Size(tuple(batch_shape))
    for name in names:
        if name in dist.__dict__:
            setattr(new, name, dist.__dict__[name].expand(tuple(batch_shape) + tuple(event_shape)))
    if "_param" in dist.__dict__:
        new._param = new.__dict__["probs" if "probs" in dist.__dict__ else "logits"]
    Distribution.__init__(new, batch_shape, dist.event_shape, validate_args=False)
    new._validate_args = dist._validate_args
    return new


class BinaryParams:
    """Mixin for distributions of a binary event given by `probs` or `logits` (Bernoulli, Binomial, Geometric,
    NegativeBinomial, LogitRelaxedBernoulli): the one given is stored, the other computed on first use."""

    def _set_binary_param(self, probs, logits, *others):
        """Store `probs` or `logits` (exactly one) broadcast with `others`; return (others as tensors, whether
        the parameter was a plain number)."""
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        name, value = ("probs", probs) if probs is not None else ("logits", logits)
        tensors = broadcast_all(*others, value)
        setattr(self, name, tensors[-1])
        self._param = tensors[-1]
        return tensors[:-1], isinstance(value, numbers.Number)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.shape

#: the Euler-Mascheroni constant (means and entropies of Gumbel, Weibull, Kumaraswamy)
_EULER = 0.57721566490153286060
