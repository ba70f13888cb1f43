"""Embedding bags: rows of a table picked by integer indices and reduced (sum, mean or max) per bag.

Under create_graph the backward runs on Tensors: the same gathers and scatters as recorded GetItem /
IndexAddZeros nodes, with the rows and per-sample weights taken from the input Tensors.
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function


class EmbeddingBag(Function):
    """out[b] = reduce over the positions i of bag b of  weight[indices[i]] * psw[i].

    indices (N,) int, bags (N,) the bag of each position (-1: in none), n_bags B; weight (V, D) -> out (B, D).
    mode "sum": sum (times per_sample_weights when given), "mean": sum / count, "max": elementwise max (the first
    maximal position of the bag gets the gradient). Positions whose index is `padding_idx` are left out of their
    bag; an empty bag gives zeros. dweight[r] = sum of the gradients that reached row r (divided by how often r
    occurs when scale_grad_by_freq); dpsw[i] = <g[bag[i]], weight[indices[i]]>.
    """

    tensor_saves = {"w_t": 0, "psw_t": 1}  # used by `_graph_backward` only

    def forward(self, weight, per_sample_weights=None, indices=None, bags=None, n_bags=0, mode="mean",
                padding_idx=None, scale_grad_by_freq=False):
        xp = xp_of(weight)
        v, d = weight.shape
        keep = bags >= 0  # -1: after the closing offset (include_last_offset)
        if padding_idx is not None:
            keep &= indices != padding_idx
        idx, bag = indices[keep], bags[keep]
        rows = weight[idx]
        psw = None if per_sample_weights is None else per_sample_weights[keep]
        self.shape, self.idx, self.bag, self.keep, self.mode = (v, d), idx, bag, keep, mode
        self.rows, self.psw, self.scale = rows, psw, scale_grad_by_freq
        self.all_indices = indices
        out = xp.zeros((n_bags, d), dtype=weight.dtype)
        if mode == "max":
            # a bag's positions are contiguous: lay them out densely (B, longest bag, D) and take max / argmax
            # (the first maximal position, as torch), with no scatter that would differ between backends
            counts = xp.bincount(bag, minlength=n_bags)
            longest = int(counts.max()) if idx.size else 0
            dense = xp.full((n_bags, max(longest, 1), d), -xp.inf, dtype=weight.dtype)
            start = xp.cumsum(counts) - counts
            dense[bag, xp.arange(idx.size) - start[bag]] = rows
            self.filled = counts > 0
            self.winner = start[:, None] + dense.argmax(axis=1)
            return xp.where(self.filled[:, None], dense.max(axis=1), 0).astype(weight.dtype)
        contrib = rows if psw is None else rows * psw[:, None]
        xp.add.at(out, bag, contrib)
        if mode == "mean":
            counts = xp.bincount(bag, minlength=n_bags).astype(weight.dtype)
            self.counts = counts
            out /= xp.maximum(counts, 1)[:, None]
        return out

    def _graph_backward(self, g) -> tuple:
        from ._ns import TENSOR as ns

        xp = xp_of(self.idx)
        v, d = self.shape
        gw = gpsw = None
        if self.mode == "max":
            filled = xp.nonzero(self.filled)[0]
            cols = xp.broadcast_to(xp.arange(d)[None, :], (g.shape[0], d))[filled]
            per_pos = ns.index_add_zeros((self.idx.size, d), (self.winner[filled], cols),
                                         ns.getitem(g, filled, True), True)
        else:
            per_pos = ns.getitem(g, self.bag, True)
            if self.mode == "mean":
                per_pos = per_pos / xp.maximum(self.counts, 1)[self.bag][:, None]
        kept = xp.nonzero(self.keep)[0]
        psw = None if self.psw is None else ns.getitem(self.psw_t, kept, True)
        if self.needs_input_grad[0]:
            gw = ns.index_add_zeros((v, d), self.idx, per_pos if psw is None else per_pos * psw.unsqueeze(1), True)
            if self.scale:
                counts = xp.bincount(self.all_indices.reshape(-1), minlength=v).astype(self.rows.dtype)
                gw = gw / xp.maximum(counts, 1)[:, None]
        if psw is not None and self.needs_input_grad[1]:
            rows = ns.getitem(self.w_t, self.idx, True)
            gpsw = ns.index_add_zeros(self.keep.shape, kept, (per_pos * rows).sum(1), True)
        return (gw,) if self.psw is None else (gw, gpsw)

    def backward(self, g):
        if hasattr(g, "_ctx"):
            return self._graph_backward(g)
        xp = xp_of(g)
        v, d = self.shape
        gw = gpsw = None
        if self.mode == "max":
            per_pos = xp.zeros((self.idx.size, d), dtype=g.dtype)
            if self.idx.size:
                cols = xp.broadcast_to(xp.arange(d)[None, :], (g.shape[0], d))
                filled = self.filled
                xp.add.at(per_pos, (self.winner[filled], cols[filled]), g[filled])
        else:
            per_pos = g[self.bag]
            if self.mode == "mean":
                per_pos = per_pos / xp.maximum(self.counts, 1)[self.bag][:, None]
        if self.needs_input_grad[0]:
            scaled = per_pos if self.psw is None else per_pos * self.psw[:, None]
            gw = xp.zeros((v, d), dtype=g.dtype)
            xp.add.at(gw, self.idx, scaled)
            if self.scale:
                counts = xp.bincount(self.all_indices.reshape(-1), minlength=v).astype(g.dtype)
                gw /= xp.maximum(counts, 1)[:, None]
        if self.psw is not None and self.needs_input_grad[1]:
            gpsw = xp.zeros(self.keep.shape, dtype=g.dtype)
            gpsw[self.keep] = (per_pos * self.rows).sum(axis=1)
        return (gw,) if self.psw is None else (gw, gpsw)
