"""`nn.functional` normalisation and lookup: batch_norm, layer_norm, group_norm, embedding.

Re-exported by `nn.functional`; kept apart so that the shared file stays short.
"""

from __future__ import annotations

import math
import numbers

from .._backend import xp_of
from ..autograd import apply, no_grad
from ..autograd.names import as_torch_node
from ..ops import embedding as E
from ..ops import normalization as N
from ..tensor import Tensor


def _params(weight: Tensor | None, bias: Tensor | None) -> tuple:
    return tuple(p for p in (weight, bias) if p is not None)


def _check_param(fn: str, name: str, p: Tensor | None, n: int, what: str) -> None:
    if p is not None and p.numel() != n:
        raise RuntimeError(f"{fn}: expected {name} with {n} elements ({what}), got shape {tuple(p.shape)}")


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


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing `normalized_shape` dimensions of input (*, *normalized_shape).

    weight, bias: shaped `normalized_shape` (elementwise affine). Output: same shape as input.
    """
    shape = (int(normalized_shape),) if isinstance(normalized_shape, numbers.Integral) else \
        tuple(int(n) for n in normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[-k:]) != shape:
        raise RuntimeError(f"layer_norm: given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size {list(input.shape)}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise RuntimeError(f"layer_norm: expected {name} of shape {shape} (normalized_shape), got "
                               f"{tuple(p.shape)}")
    x = input._data
    inner = math.prod(shape)
    stat_shape = (x.size // inner if inner else 0, inner)
    mean, var, xc = N.moments(x.reshape(stat_shape), (1,))
    out = apply(N.Normalize, input, *_params(weight, bias), stat_shape=stat_shape, stat_axes=(1,),
                param_shape=(1,) * (input.ndim - k) + shape, mean=mean, var=var, eps=eps, batch_stats=True,
                centered=xc, has_weight=weight is not None, has_bias=bias is not None)
    return as_torch_node(out, "NativeLayerNormBackward0")


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise input (N, C, *) over each group of C / num_groups channels (and all of *), per sample.

    weight, bias: (C,), a per-channel affine map after normalising. Output: same shape as input.
    """
    if input.ndim < 2:
        raise RuntimeError(f"group_norm: expected input of shape (N, C, *) with at least 2 dimensions, got shape "
                           f"{tuple(input.shape)}")
    n, c = input.shape[0], input.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"group_norm: expected the number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {list(input.shape)} and num_groups={num_groups}")
    for name, p in (("weight", weight), ("bias", bias)):
        _check_param("group_norm", name, p, c, f"one per channel of input {tuple(input.shape)}")
    x = input._data
    stat_shape = (n, num_groups, (c // num_groups) * math.prod(input.shape[2:]))
    mean, var, xc = N.moments(x.reshape(stat_shape), (2,))
    return apply(N.Normalize, input, *_params(weight, bias), stat_shape=stat_shape, stat_axes=(2,),
                 param_shape=(1, c) + (1,) * (input.ndim - 2), mean=mean, var=var, eps=eps, batch_stats=True,
                 centered=xc, has_weight=weight is not None, has_bias=bias is not None)


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of `weight` (num_embeddings, embedding_dim) picked by the integer indices `input` (*).

    Output: (*, embedding_dim). The row `padding_idx` gets no gradient. With `max_norm`, the picked rows whose
    `norm_type`-norm exceeds it are rescaled in place first (as torch). `scale_grad_by_freq` divides each row's
    gradient by how often its index occurs in the batch. `sparse=True` is accepted; the gradient is dense.
    """
    idx = input._data if isinstance(input, Tensor) else xp_of(weight._data).asarray(input)
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"embedding: expected indices of an integer dtype (int64 / long), got {idx.dtype}")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: expected weight of shape (num_embeddings, embedding_dim), got "
                           f"{tuple(weight.shape)}")
    v = weight.shape[0]
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= v):
        bad = int(idx.max()) if int(idx.max()) >= v else int(idx.min())
        raise IndexError(f"embedding: index {bad} is out of range for an embedding table of {v} rows "
                         f"(valid: 0 .. {v - 1})")
    if padding_idx is not None:
        if not -v <= padding_idx < v:
            raise ValueError(f"embedding: padding_idx {padding_idx} must be within num_embeddings ({v})")
        padding_idx %= v
    if max_norm is not None:
        _renorm_rows(weight, idx, float(max_norm), float(norm_type))
    return apply(E.Embedding, weight, indices=idx, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


def _renorm_rows(weight: Tensor, idx, max_norm: float, norm_type: float) -> None:
    """torch's embedding_renorm_: rows used by `idx` with norm > max_norm scaled to max_norm / (norm + 1e-7)."""
    xp = xp_of(weight._data)
    rows = xp.unique(idx.reshape(-1))
    w = weight._data
    picked = w[rows]
    norms = _row_norms(xp, picked, norm_type)
    over = norms > max_norm
    if bool(over.any()):
        scale = (max_norm / (norms[over] + 1e-7)).astype(w.dtype)
        w[rows[over]] = picked[over] * scale[:, None]


def _row_norms(xp, rows, p: float):
    """The p-norm of each row as torch's `norm` defines it: p=0 counts the non-zeros, p=inf is the largest
    magnitude, p=-inf the smallest, any other p is (sum |x|^p)^(1/p)."""
    a = xp.abs(rows)
    if p == 0:
        return (a != 0).sum(axis=1).astype(rows.dtype)
    if p == math.inf:
        return a.max(axis=1)
    if p == -math.inf:
        return a.min(axis=1)
    return (a ** p).sum(axis=1) ** (1.0 / p)
