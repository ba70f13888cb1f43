"""`EmbeddingBag` and `F.embedding_bag`: the rows picked by each bag of indices reduced to one vector (sum, mean
or max) without building the (N, D) lookup first, as torch's text-classification tutorial uses them."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import apply, no_grad
from ..ops import embedding_bag as EB
from ..tensor import Tensor
from . import init
from ._functional_norm import _renorm_rows
from .modules.module import Module
from .parameter import Parameter, empty_param

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


class EmbeddingBag(Module):
    """A table of `num_embeddings` vectors of size `embedding_dim` whose rows are reduced per bag.

    Args as torch: max_norm / norm_type, scale_grad_by_freq, mode ("sum" | "mean" | "max"), sparse (accepted; the
    gradient is dense), _weight, include_last_offset, padding_idx (its row starts at zero, is left out of bags
    and gets no gradient). forward(input, offsets=None, per_sample_weights=None): see `F.embedding_bag`;
    output (B, embedding_dim). Init: weight ~ N(0, 1), as torch.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                 _weight: Tensor | None = None, include_last_offset: bool = False, padding_idx: int | None = None,
                 device=None, dtype=None):
        super().__init__()
        for field, value in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"EmbeddingBag: {field} must be a non-negative int, got {value!r}")
        if mode not in _MODES:
            raise ValueError(f"EmbeddingBag: mode has to be one of sum, mean or max, got {mode!r}")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise AssertionError(f"EmbeddingBag: padding_idx ({padding_idx}) must be within num_embeddings "
                                     f"({num_embeddings})")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = empty_param((num_embeddings, embedding_dim), device, dtype)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(f"EmbeddingBag: _weight must have shape ({num_embeddings}, {embedding_dim}), got "
                                 f"{tuple(_weight.shape)}")
            self.weight = Parameter(_weight)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight._data[self.padding_idx] = 0

    def forward(self, input: Tensor, offsets: Tensor | None = None,
                per_sample_weights: Tensor | None = None) -> Tensor:
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                             self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    @classmethod
    def from_pretrained(cls, embeddings: Tensor, freeze: bool = True, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                        sparse: bool = False, include_last_offset: bool = False,
                        padding_idx: int | None = None) -> EmbeddingBag:
        """An EmbeddingBag whose table is `embeddings` (rows, dim); frozen (no gradient) unless freeze=False."""
        if embeddings.ndim != 2:
            raise ValueError(f"EmbeddingBag.from_pretrained: embeddings must be 2-D (rows, dim), got shape "
                             f"{tuple(embeddings.shape)}")
        rows, dim = embeddings.shape
        bag = cls(rows, dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx)
        bag.weight.requires_grad = not freeze
        return bag

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm!r}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type!r}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq!r}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx!r}"
        return s
