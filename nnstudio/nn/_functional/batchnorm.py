"""`batch_norm` of `nn.functional` (running statistics updated in place, as torch)."""

from __future__ import annotations

from ...autograd import apply, no_grad
from ...ops import normalization as N
from ...tensor import Tensor
from .normalization import _check_param, _params


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) of input (N, C, *) by batch or running statistics, then scale and shift.

    training=True: statistics of this batch (biased variance) normalise the input, and the running buffers,
    when given, are updated in place: r = (1 - momentum) r + momentum s (the variance unbiased, as torch).
    training=False: the running statistics normalise (they must be given).
    running_mean, running_var, weight, bias: (C,). Output: same shape as input.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected input of shape (N, C, *), got shape {tuple(input.shape)}")
    if training and not eps > 0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if not eps >= 0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        _check_param("batch_norm", name, t, c, f"one per channel of input {tuple(input.shape)}")
    x = input._data
    param_shape = (1, c) + (1,) * (input.ndim - 2)
    if training:
        axes = (0,) + tuple(range(2, input.ndim))
        count = x.size // c if c else 0
        if count == 0:  # an empty batch: an empty output, running statistics untouched (as torch)
            out = input * 1
            if weight is not None:
                out = out * weight.reshape(param_shape)
            return out if bias is None else out + bias.reshape(param_shape)
        if count == 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, got input of "
                             f"shape {tuple(input.shape)}")
        mean, var, xc = N.moments(x, axes)
        if running_mean is not None or running_var is not None:
            with no_grad():
                if running_mean is not None:
                    rm = running_mean._data
                    rm *= 1 - momentum
                    rm += momentum * mean.reshape(-1).astype(rm.dtype, copy=False)
                if running_var is not None:
                    rv = running_var._data
                    rv *= 1 - momentum
                    rv += (momentum * count / (count - 1)) * var.reshape(-1).astype(rv.dtype, copy=False)
        return apply(N.Normalize, input, *_params(weight, bias), stat_shape=x.shape, stat_axes=axes,
                     param_shape=param_shape, mean=mean, var=var, eps=eps, batch_stats=True, centered=xc,
                     has_weight=weight is not None, has_bias=bias is not None)
    if running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be given when training=False")
    mean = running_mean._data.reshape(param_shape).astype(x.dtype, copy=False)
    var = running_var._data.reshape(param_shape).astype(x.dtype, copy=False)
    return apply(N.Normalize, input, *_params(weight, bias), stat_shape=x.shape, stat_axes=None,
                 param_shape=param_shape, mean=mean, var=var, eps=eps, batch_stats=False,
                 has_weight=weight is not None, has_bias=bias is not None)


__all__ = [
    "batch_norm",
]
