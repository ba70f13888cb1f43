"""Diagonals: `Diagonal` reads one (offset) diagonal of two axes, `DiagEmbed` writes the last axis onto one.

Each is the other's adjoint: d Diagonal = DiagEmbed of g (zeros elsewhere), d DiagEmbed = Diagonal of g.
Both are written over `ns_of` so they also run on Tensors (create_graph).
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of


def _diag_index(xp, rows: int, cols: int, offset: int):
    """(row indices, column indices) of the `offset` diagonal of a rows x cols matrix."""
    n = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    start_r, start_c = max(-offset, 0), max(offset, 0)
    return xp.arange(start_r, start_r + n), xp.arange(start_c, start_c + n)


def diagonal_of(a, offset: int, dim1: int, dim2: int):
    """The diagonal of axes dim1, dim2 of `a` as the last axis (a copy)."""
    ns = ns_of(a)
    m = ns.moveaxis(a, (dim1, dim2), (-2, -1))
    r, c = _diag_index(xp_of(getattr(a, "_data", a)), m.shape[-2], m.shape[-1], offset)
    return ns.getitem(m, (Ellipsis, r, c), True)


def diagonal_view(a, offset: int, dim1: int, dim2: int):
    """The diagonal of axes dim1, dim2 of the array `a` as its last axis: a view that writes into `a`."""
    d = xp_of(a).diagonal(a, offset, dim1, dim2)
    if not d.flags.writeable and a.flags.writeable:  # NumPy hands diagonals out read-only; torch's are views
        d.flags.writeable = True
    return d


def embed_diagonal(xp, g, shape: tuple, offset: int, dim1: int, dim2: int):
    """Zeros of `shape` with the last axis of `g` written on the `offset` diagonal of axes dim1, dim2."""
    ns = ns_of(g)
    if ns.is_tensor:
        moved = [n for i, n in enumerate(shape) if i not in (dim1 % len(shape), dim2 % len(shape))]
        moved += [shape[dim1], shape[dim2]]
        r, c = _diag_index(xp, moved[-2], moved[-1], offset)
        m = ns.index_add_zeros(tuple(moved), (Ellipsis, r, c), g, False)
        return ns.moveaxis(m, (-2, -1), (dim1, dim2))
    out = xp.zeros(shape, dtype=g.dtype)
    m = xp.moveaxis(out, (dim1, dim2), (-2, -1))
    r, c = _diag_index(xp, m.shape[-2], m.shape[-1], offset)
    m[..., r, c] = g
    return out


class Diagonal(Function):
    """z = diagonal(a, offset, dim1, dim2) (as the last axis);  da = g embedded on that diagonal."""

    tensor_saves: dict = {}

    def forward(self, a, offset=0, dim1=0, dim2=1):
        self.shape, self.args = a.shape, (offset, dim1, dim2)
        return diagonal_view(a, offset, dim1, dim2)

    def backward(self, g):
        return (embed_diagonal(xp_of(getattr(g, "_data", g)), g, self.shape, *self.args),)


class DiagEmbed(Function):
    """z[..., i, i + offset] = a[..., i] (zeros elsewhere) in new axes dim1, dim2;  da = diagonal of g."""

    tensor_saves: dict = {}

    def forward(self, a, offset=0, dim1=-2, dim2=-1):
        xp = xp_of(a)
        n = a.shape[-1] + abs(offset)
        ndim = a.ndim + 1
        d1, d2 = dim1 % ndim, dim2 % ndim
        rest = list(a.shape[:-1])
        shape = [0] * ndim
        for ax in range(ndim):
            shape[ax] = n if ax in (d1, d2) else rest.pop(0)
        self.args = (offset, d1, d2)
        return embed_diagonal(xp, a, tuple(shape), offset, d1, d2)

    def backward(self, g):
        return (diagonal_of(g, *self.args),)


__all__ = ["Diagonal", "DiagEmbed", "diagonal_of", "embed_diagonal"]
