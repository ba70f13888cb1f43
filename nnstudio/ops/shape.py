"""Shape primitives: reshape, permute, expand, getitem (basic and integer-array indexing), cat, where, pad.

Every backward here is linear in g and uses nothing saved but shapes, indices and masks, so all of them also run
on Tensors under create_graph (`tensor_saves = {}`, see autograd/engine.py). GetItem and IndexAddZeros are each
other's adjoint: the backward of one is the other.
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of
from ._util import unbroadcast


class Reshape(Function):
    """z = a viewed with a new shape;  da = g reshaped back."""

    tensor_saves: dict = {}

    def forward(self, a, shape):
        self.shape = a.shape
        return a.reshape(shape)

    def backward(self, g):
        return (g.reshape(self.shape),)


class Permute(Function):
    """z = a with axes reordered by `dims`;  da = g with the inverse order."""

    tensor_saves: dict = {}

    def forward(self, a, dims):
        self.dims = dims
        return a.transpose(dims)

    def backward(self, g):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return (ns_of(g).transpose(g, inverse),)


class Expand(Function):
    """z = a broadcast to `shape` (a view);  da = g summed over the broadcast axes."""

    tensor_saves: dict = {}

    def forward(self, a, shape):
        self.shape = a.shape
        return xp_of(a).broadcast_to(a, shape)

    def backward(self, g):
        return (unbroadcast(g, self.shape),)


class GetItem(Function):
    """z = a[index];  da scatters g back (accumulating repeats for integer-array indices)."""

    tensor_saves: dict = {}

    def forward(self, a, index, advanced=False):
        self.shape, self.dtype, self.index, self.advanced = a.shape, a.dtype, index, advanced
        return a[index]

    def backward(self, g):
        return (ns_of(g).index_add_zeros(self.shape, self.index, g, self.advanced),)


class IndexAddZeros(Function):
    """z = zeros(shape) with g added at `index` (GetItem's backward as a primitive);  dg = z's gradient[index]."""

    tensor_saves: dict = {}

    def forward(self, g, shape=(), index=None, advanced=False):
        self.index, self.advanced = index, advanced
        return ns_of(g).index_add_zeros(shape, index, g, advanced)

    def backward(self, h):
        return (ns_of(h).getitem(h, self.index, self.advanced),)


class Cat(Function):
    """z = concatenation of the inputs along `dim`;  each input gets its slice of g."""

    tensor_saves: dict = {}

    def forward(self, *arrays, dim=0):
        self.dim = dim
        self.sizes = [a.shape[dim] for a in arrays]
        return xp_of(arrays[0]).concatenate(arrays, axis=dim)

    def backward(self, g):
        grads, start = [], 0
        index = [slice(None)] * g.ndim
        for n in self.sizes:
            index[self.dim] = slice(start, start + n)
            grads.append(g[tuple(index)])
            start += n
        return tuple(grads)


class Where(Function):
    """z = a where cond else b;  da = g where cond, db = g elsewhere."""

    tensor_saves: dict = {}

    def forward(self, a, b, cond=None):
        self.cond, self.sa, self.sb = cond, a.shape, b.shape
        return xp_of(a).where(cond, a, b)

    def backward(self, g):
        ns = ns_of(g)
        zero = 0 if ns.is_tensor else ns.zeros((), g.dtype)
        ga = unbroadcast(ns.where(self.cond, g, zero), self.sa) if self.needs_input_grad[0] else None
        gb = unbroadcast(ns.where(self.cond, zero, g), self.sb) if self.needs_input_grad[1] else None
        return ga, gb


class Pad(Function):
    """Constant padding: `pads` is a NumPy pad width per axis;  da = the interior of g."""

    tensor_saves: dict = {}

    def forward(self, a, pads, value=0.0):
        self.slices = tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, a.shape))
        return xp_of(a).pad(a, pads, mode="constant", constant_values=value)

    def backward(self, g):
        return (g[self.slices],)


class Flip(Function):
    """z = a reversed along `axes`;  da = g reversed back."""

    tensor_saves: dict = {}

    def forward(self, a, axes):
        self.axes = axes
        return xp_of(a).flip(a, axis=axes)

    def backward(self, g):
        return (ns_of(g).flip(g, axis=self.axes),)


class Copy(Function):
    """z = a fresh contiguous copy of a (clone / contiguous); da = g."""

    tensor_saves: dict = {}

    def forward(self, a):
        return a.copy()

    def backward(self, g):
        return (g,)


class Cast(Function):
    """z = a converted to another floating dtype;  da = g converted back."""

    tensor_saves: dict = {}

    def forward(self, a, dtype=None):
        self.dtype = a.dtype
        return a.astype(dtype)

    def backward(self, g):
        return (ns_of(g).astype(g, self.dtype),)


class SetItem(Function):
    """z = a with z[index] = v (out of place);  da = g with the written region zeroed, dv = g[index]."""

    tensor_saves: dict = {}

    def forward(self, a, v, index=None):
        self.index, self.vshape = index, v.shape
        out = a.copy()
        out[index] = v
        return out

    def backward(self, g):
        ns = ns_of(g)
        ga = ns.put_zero(g, self.index) if self.needs_input_grad[0] else None
        gv = unbroadcast(ns.getitem(g, self.index, True), self.vshape) if self.needs_input_grad[1] else None
        return ga, gv


class ToDevice(Function):
    """z = a moved to another device;  da = g moved back."""

    tensor_saves: dict = {}

    def forward(self, a, device=None):
        from .._backend import device_of, to_device

        self.source = device_of(a)
        return to_device(a, device)

    def backward(self, g):
        from .._backend import to_device

        return (g.to(self.source) if hasattr(g, "_ctx") else to_device(g, self.source),)
