"""Shape primitives: reshape, permute, expand, getitem (basic and integer-array indexing), cat, where, pad."""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from ._util import unbroadcast


class Reshape(Function):
    """z = a viewed with a new shape;  da = g reshaped back."""

    def forward(self, a, shape):
        self.shape = a.shape
        return a.reshape(shape)

    def backward(self, g):
        return (g.reshape(self.shape),)


class Permute(Function):
    """z = a with axes reordered by `dims`;  da = g with the inverse order."""

    def forward(self, a, dims):
        self.dims = dims
        return a.transpose(dims)

    def backward(self, g):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return (g.transpose(inverse),)


class Expand(Function):
    """z = a broadcast to `shape` (a view);  da = g summed over the broadcast axes."""

    def forward(self, a, shape):
        self.shape = a.shape
        return xp_of(a).broadcast_to(a, shape)

    def backward(self, g):
        return (unbroadcast(g, self.shape),)


class GetItem(Function):
    """z = a[index];  da scatters g back (accumulating repeats for integer-array indices)."""

    def forward(self, a, index, advanced=False):
        self.shape, self.dtype, self.index, self.advanced = a.shape, a.dtype, index, advanced
        return a[index]

    def backward(self, g):
        xp = xp_of(g)
        out = xp.zeros(self.shape, dtype=g.dtype)
        if self.advanced:
            xp.add.at(out, self.index, g)
        else:
            out[self.index] = g
        return (out,)


class Cat(Function):
    """z = concatenation of the inputs along `dim`;  each input gets its slice of g."""

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

    def forward(self, a, b, cond=None):
        self.cond, self.sa, self.sb = cond, a.shape, b.shape
        return xp_of(a).where(cond, a, b)

    def backward(self, g):
        xp = xp_of(g)
        zero = xp.zeros((), g.dtype)
        ga = unbroadcast(xp.where(self.cond, g, zero), self.sa) if self.needs_input_grad[0] else None
        gb = unbroadcast(xp.where(self.cond, zero, g), self.sb) if self.needs_input_grad[1] else None
        return ga, gb


class Pad(Function):
    """Constant padding: `pads` is a NumPy pad width per axis;  da = the interior of g."""

    def forward(self, a, pads, value=0.0):
        self.slices = tuple(slice(lo, lo + n) for (lo, _), n in zip(pads, a.shape))
        return xp_of(a).pad(a, pads, mode="constant", constant_values=value)

    def backward(self, g):
        return (g[self.slices],)


class Flip(Function):
    """z = a reversed along `axes`;  da = g reversed back."""

    def forward(self, a, axes):
        self.axes = axes
        return xp_of(a).flip(a, axis=axes)

    def backward(self, g):
        return (xp_of(g).flip(g, axis=self.axes),)


class Copy(Function):
    """z = a fresh contiguous copy of a (clone / contiguous); da = g."""

    def forward(self, a):
        return a.copy()

    def backward(self, g):
        return (g,)


class Cast(Function):
    """z = a converted to another floating dtype;  da = g converted back."""

    def forward(self, a, dtype=None):
        self.dtype = a.dtype
        return a.astype(dtype)

    def backward(self, g):
        return (g.astype(self.dtype),)


class SetItem(Function):
    """z = a with z[index] = v (out of place);  da = g with the written region zeroed, dv = g[index]."""

    def forward(self, a, v, index=None):
        self.index, self.vshape = index, v.shape
        out = a.copy()
        out[index] = v
        return out

    def backward(self, g):
        ga = None
        if self.needs_input_grad[0]:
            ga = g.copy()
            ga[self.index] = 0
        gv = unbroadcast(g[self.index], self.vshape) if self.needs_input_grad[1] else None
        return ga, gv


class ToDevice(Function):
    """z = a moved to another device;  da = g moved back."""

    def forward(self, a, device=None):
        from .._backend import device_of, to_device

        self.source = device_of(a)
        return to_device(a, device)

    def backward(self, g):
        from .._backend import to_device

        return (to_device(g, self.source),)
