"""`embedding`, `embedding_bag` and `one_hot` of `nn.functional` (table lookups; max_norm renorms in place)."""

from __future__ import annotations

import math

import numpy as np

from ..._backend import xp_of
from ...autograd import apply
from ...ops import embedding as E
from ...ops import embedding_bag as EB
from ...tensor import Tensor


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
        # as torch: the norm read as a double, the scale computed in double, then rounded to the weight's dtype
        scale = (max_norm / (norms[over].astype(xp.float64) + 1e-7)).astype(w.dtype)
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


_MODES = ("sum", "mean", "max")


def _bags_of(xp, n: int, offsets, include_last_offset: bool):
    """The bag of each of the n positions (-1: after the last offset, left out) and the number of bags."""
    off = offsets.astype(xp.int64)
    if off.size == 0 or int(off[0]) != 0:
        got = "none" if off.size == 0 else int(off[0])
        raise RuntimeError(f"embedding_bag: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has "
                           f"to start from position 0. However, got {got}")
    if int(off[-1]) > n:
        raise RuntimeError(f"embedding_bag: offsets[-1] can not be greater than input's length {n} but got "
                           f"offsets[-1] of {int(off[-1])}")
    if off.size > 1 and bool((off[1:] < off[:-1]).any()):
        raise RuntimeError(f"embedding_bag: offsets must be non-decreasing, got {off.tolist()}")
    n_bags = off.size - 1 if include_last_offset else off.size
    bags = xp.searchsorted(off, xp.arange(n), side="right") - 1
    if include_last_offset:
        bags = xp.where(xp.arange(n) < off[-1], bags, -1)
    return bags, n_bags


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean",
                  sparse: bool = False, per_sample_weights: Tensor | None = None,
                  include_last_offset: bool = False, padding_idx: int | None = None) -> Tensor:
    """Sums, means or maxes of bags of rows of `weight` (num_embeddings, embedding_dim).

    input (B, L) with offsets None: each row is a bag; input (N,) with offsets (B,) int: bag b holds the
    positions offsets[b] .. offsets[b + 1] - 1 (with include_last_offset, offsets has B + 1 entries and the last
    one closes the last bag). Output: (B, embedding_dim); an empty bag gives zeros. per_sample_weights (same
    shape as input) scale each row, with mode="sum" only. Positions whose index is padding_idx are left out
    of their bag (and of its mean's count). `sparse=True` is accepted; the gradient is dense.
    """
    if not isinstance(input, Tensor) or input._data.dtype.kind not in "iu":
        got = input.dtype if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"embedding_bag: expected indices of an integer dtype (int64 / int32), got {got}")
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({tuple(per_sample_weights.shape)}) is not None, "
                         f"then it must have the same shape as the input ({tuple(input.shape)})")
    if weight.ndim != 2:
        raise ValueError(f"embedding_bag: weight has to be a 2D Tensor (num_embeddings, embedding_dim), but got "
                         f"shape {tuple(weight.shape)}")
    if mode not in _MODES:
        raise ValueError(f"embedding_bag: mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("embedding_bag: max mode does not support scaling the gradient by the frequency")
    if mode == "max" and sparse:
        raise ValueError("embedding_bag: max mode does not support sparse weights")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}')")
    xp = xp_of(weight._data)
    idx = input._data
    psw = per_sample_weights
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError(f"embedding_bag: if input is 2D, then offsets has to be None, as input is treated is a "
                             f"mini-batch of fixed length sequences. However, found offsets of type {type(offsets)}")
        b, length = idx.shape
        bags, n_bags = xp.repeat(xp.arange(b), length), b
        idx = idx.reshape(-1)
        psw = None if psw is None else psw.reshape(-1)
    elif idx.ndim == 1:
        if offsets is None:
            raise ValueError("embedding_bag: offsets has to be a 1D Tensor but got None (a 1-D input needs them)")
        off = offsets._data if isinstance(offsets, Tensor) else xp.asarray(offsets)
        if off.ndim != 1 or off.dtype.kind not in "iu":
            raise ValueError(f"embedding_bag: offsets has to be a 1D integer Tensor, got shape {tuple(off.shape)} "
                             f"of {off.dtype}")
        bags, n_bags = _bags_of(xp, idx.size, off, include_last_offset)
    else:
        raise ValueError(f"embedding_bag: input has to be 1D or 2D Tensor, but got shape {tuple(input.shape)}")
    v = weight.shape[0]
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= v):
        bad = int(idx.max()) if int(idx.max()) >= v else int(idx.min())
        raise IndexError(f"embedding_bag: index {bad} is out of range for an embedding table of {v} rows "
                         f"(valid: 0 .. {v - 1})")
    if padding_idx is not None:
        if not -v <= padding_idx < v:
            raise ValueError(f"embedding_bag: padding_idx {padding_idx} must be within num_embeddings ({v})")
        padding_idx %= v
    if max_norm is not None:
        _renorm_rows(weight, idx, float(max_norm), float(norm_type))
    tensors = (weight,) if psw is None else (weight, psw)
    return apply(EB.EmbeddingBag, *tensors, indices=idx.astype(xp.int64), bags=bags, n_bags=n_bags, mode=mode,
                 padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    t = tensor._data
    if t.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor (int64)")
    if t.size and int(t.min()) < 0:
        raise RuntimeError(f"one_hot: class values must be non-negative, got {int(t.min())}")
    if num_classes == -1:
        n = int(t.max()) + 1 if t.size else 0
        if not t.size:
            raise RuntimeError("one_hot: can not infer the number of classes from an empty tensor; "
                               "pass num_classes")
    else:
        n = int(num_classes)
        if t.size and int(t.max()) >= n:
            raise RuntimeError(f"one_hot: class values must be smaller than num_classes ({n}), "
                               f"got {int(t.max())}")
    xp = xp_of(t)
    return Tensor._wrap((t[..., None] == xp.arange(n)).astype(np.int64), None)


__all__ = [
    "embedding", "embedding_bag", "one_hot",
]
