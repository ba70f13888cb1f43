"""`nn.functional` normalisation and lookup: batch_norm, layer_norm, group_norm, embedding.

Re-exported by `nn.functional`; kept apart so that the shared file stays short.
"""

from __future__ import annotations

import math

from .._backend import xp_of
from ..autograd import apply
from ..ops import embedding as E
from ..tensor import Tensor


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
