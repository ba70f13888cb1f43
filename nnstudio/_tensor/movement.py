"""Movement and views: view / reshape, permute / transpose, squeeze / unsqueeze, expand / repeat, split /
chunk, flip / roll, the triangles and the diagonals."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import numpy as np

from .. import _dtype as dt
from .._backend import to_device, xp_of
from ..autograd import apply
from ..autograd.names import as_torch_node
from ..ops import diagonal as D
from ..ops import shape as S
from ..ops._util import normalize_dims, wrap_dim
from . import views
from .base import Size, TensorBase, wrap
from .functions import chunk, split

if TYPE_CHECKING:
    from . import Tensor

_pyint = builtins.int


def resolve_shape(shape: tuple, size: int, op: str, old) -> tuple:
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred (-1), got shape {list(shape)}")
    known = 1
    for n in shape:
        if n != -1:
            if n < 0:
                raise RuntimeError(f"{op}: invalid shape dimension {n} in {list(shape)}")
            known *= n
    if unknown:
        if known == 0 or size % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size} "
                               f"(a tensor of shape {list(old)})")
        shape = tuple(size // known if n == -1 else n for n in shape)
    elif known != size:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size} "
                           f"(a tensor of shape {list(old)})")
    return shape


def view_strides(shape: tuple, strides: tuple, new_shape: tuple) -> tuple | None:
    """torch's `computeStride`: the strides (in the units of `strides`) of `new_shape` viewing memory laid out as
    `shape` / `strides`, or None when a new dimension would span two contiguous subspaces of the old layout."""
    if not shape:
        return (1,) * len(new_shape)
    numel = 1
    for n in shape:
        numel *= n
    if numel == 0:
        if tuple(shape) == tuple(new_shape):
            return tuple(strides)
        out, acc = [0] * len(new_shape), 1
        for d in range(len(new_shape) - 1, -1, -1):
            out[d] = acc
            acc *= builtins.max(new_shape[d], 1)
        return tuple(out)
    out = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base = strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                out[view_d] = view_numel * base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                base = strides[d - 1]
                tensor_numel = view_numel = 1
    return None if view_d != -1 else tuple(out)


def _tri(self, diagonal: int, upper: bool) -> Tensor:
    if self.dim() < 2:
        raise RuntimeError(f"{'triu' if upper else 'tril'}: input tensor must have at least 2 dimensions, got "
                           f"shape {list(self.shape)}")
    xp = xp_of(self._data)
    rows, cols = self.shape[-2], self.shape[-1]
    keep = xp.triu(xp.ones((rows, cols), dtype=bool), diagonal) if upper else \
        xp.tril(xp.ones((rows, cols), dtype=bool), diagonal)
    return self.where(wrap(keep, None), wrap(xp.zeros((), dtype=self._data.dtype), None))


class MovementMixin:
    """Shape changes, views and rearrangements (no arithmetic)."""

    __slots__ = ()

    def _shape_arg(self, shape) -> tuple:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
            shape = tuple(shape[0])
        return tuple(_pyint(s) for s in shape)

    def view(self, *shape, size=None):
        shape = shape if size is None else (size,)
        if len(shape) == 1 and isinstance(shape[0], (dt.dtype, np.dtype)):
            raise NotImplementedError("view(dtype) is not supported; use .to(dtype)")
        shape = self._shape_arg(shape)
        data = self._data
        new = resolve_shape(shape, data.size, "view", self.shape)
        if not data.flags.c_contiguous and self._torch_strides and view_strides(data.shape, data.strides,
                                                                               new) is None:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        out = apply(S.Reshape, self, shape=new)
        if data.flags.c_contiguous or self._torch_strides:  # inline: no extra call on this hot path
            out._torch_strides = True
        views.mark(out, self, lambda a: a.reshape(new))  # when NumPy gave a view (not a copy)
        return out

    def reshape(self, *args, shape=None):
        """`view` where the layout allows one, else a copy (never refused for the layout)."""
        shape = self._shape_arg(args if shape is None else (shape,))
        new = resolve_shape(shape, self._data.size, "reshape", self.shape)
        out = apply(S.Reshape, self, shape=new)
        if self._data.flags.c_contiguous or self._torch_strides:
            out._torch_strides = True
        views.mark(out, self, lambda a: a.reshape(new))  # when NumPy gave a view (not a copy)
        return out

    def view_as(self, other):
        return self.view(other.shape)

    reshape_as = view_as

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        s = self._data.shape
        start, end = start_dim % self.ndim, end_dim % self.ndim
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        mid = 1
        for n in s[start:end + 1]:
            mid *= n
        return self.reshape(s[:start] + (mid,) + s[end + 1:])

    def unflatten(self, dim, sizes):
        dim = wrap_dim(dim, self.ndim)
        s = self._data.shape
        sizes = resolve_shape(tuple(sizes), s[dim], "unflatten", (s[dim],))
        return self.reshape(s[:dim] + tuple(sizes) + s[dim + 1:])

    def permute(self, *args, dims=None):
        dims = self._shape_arg(args if dims is None else (dims,))
        if sorted(d % self.ndim for d in dims) != list(range(self.ndim)):
            raise RuntimeError(f"permute: dims {dims} are not a permutation of the {self.ndim} dimensions of a "
                               f"tensor of shape {tuple(self.shape)}")
        order = tuple(d % self.ndim for d in dims)
        out = apply(S.Permute, self, dims=order)
        if self._data.flags.c_contiguous or self._torch_strides:
            out._torch_strides = True
        views.mark(out, self, lambda a: a.transpose(order))
        return out

    def transpose(self, dim0, dim1):
        n = builtins.max(self.ndim, 1)
        d0, d1 = wrap_dim(dim0, n), wrap_dim(dim1, n)
        if self.ndim < 2 or d0 == d1:
            return self
        dims = list(range(self.ndim))
        dims[d0], dims[d1] = dims[d1], dims[d0]
        order = tuple(dims)
        out = as_torch_node(apply(S.Permute, self, dims=order), "TransposeBackward0")
        if self._data.flags.c_contiguous or self._torch_strides:
            out._torch_strides = True
        views.mark(out, self, lambda a: a.transpose(order))
        return out

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        return self.transpose(axis0, axis1)

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return as_torch_node(self.transpose(0, 1), "TBackward0", self) if self.ndim == 2 else self

    @property
    def T(self):
        if self.ndim != 2:
            _warn_t_deprecated(self.ndim)
        return self.permute(*reversed(range(self.ndim))) if self.ndim > 1 else self

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def squeeze(self, dim=None):
        s = self._data.shape
        if dim is None:
            new = tuple(n for n in s if n != 1)
        else:
            axes = normalize_dims(dim, builtins.max(self.ndim, 1)) if self.ndim else ()
            new = tuple(n for i, n in enumerate(s) if not (i in axes and n == 1))
        version = 0 if dim is None else 2 if isinstance(dim, (tuple, list)) else 1
        return self if new == s else as_torch_node(self.reshape(new), f"SqueezeBackward{version}", self)

    def unsqueeze(self, dim):
        n = self.ndim + 1
        if not -n <= dim < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
        d = dim % n
        s = self._data.shape
        return as_torch_node(self.reshape(s[:d] + (1,) + s[d:]), "UnsqueezeBackward0", self)

    def expand(self, *sizes, size=None):
        sizes = self._shape_arg(sizes if size is None else (size,))
        s = self._data.shape
        if len(sizes) < len(s):
            raise RuntimeError(f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal "
                               f"to the number of dimensions in the tensor ({len(s)})")
        lead = len(sizes) - len(s)
        target = []
        for i, n in enumerate(sizes):
            cur = s[i - lead] if i >= lead else 1
            if n == -1:
                if i < lead:
                    raise RuntimeError("expand: -1 is not allowed in a leading, non-existing dimension")
                n = cur
            if cur != 1 and cur != n:
                raise RuntimeError(f"The expanded size of the tensor ({n}) must match the existing size ({cur}) "
                                   f"at non-singleton dimension {i}. Target sizes: {list(sizes)}. Tensor sizes: "
                                   f"{list(s)}")
            target.append(n)
        target = tuple(target)
        if target == s:
            return self
        out = apply(S.Expand, self, shape=target)
        if self._data.flags.c_contiguous or self._torch_strides:
            out._torch_strides = True
        return out

    def expand_as(self, other):
        return self.expand(other.shape)

    def broadcast_to(self, shape):
        return self.expand(shape)

    def repeat(self, *sizes, repeats=None):
        sizes = self._shape_arg(sizes if repeats is None else (repeats,))
        if len(sizes) < self.ndim:
            raise RuntimeError(f"repeat: number of repeat dims ({len(sizes)}) can not be smaller than the number of "
                               f"dimensions of the tensor ({self.ndim}, shape {list(self._data.shape)})")
        x = self
        if len(sizes) > x.ndim:
            x = x.reshape((1,) * (len(sizes) - x.ndim) + x._data.shape)
        # expand an inserted axis before each dim, then merge: differentiable through Expand + Reshape
        s = x._data.shape
        inter = x.reshape(tuple(v for n in s for v in (1, n)))
        target = tuple(v for r, n in zip(sizes, s) for v in (r, n))
        out = inter.expand(target).reshape(tuple(r * n for r, n in zip(sizes, s)))
        if out is self:  # torch's repeat always returns new, writable memory
            return self.clone()
        if not out._data.flags.owndata:
            out._data = out._data.copy()
        return out

    def split(self, split_size, dim=0):
        return split(self, split_size, dim)

    def chunk(self, chunks, dim=0):
        return chunk(self, chunks, dim)

    def unbind(self, dim=0):
        dim = wrap_dim(dim, self.ndim)
        return tuple(self.select(dim, i) for i in range(self._data.shape[dim]))

    def select(self, dim, index):
        idx = [slice(None)] * self.ndim
        idx[wrap_dim(dim, self.ndim)] = index
        return self[tuple(idx)]

    def narrow(self, dim, start, length):
        idx = [slice(None)] * self.ndim
        idx[wrap_dim(dim, self.ndim)] = slice(start, start + length)
        return self[tuple(idx)]

    def flip(self, *args, dims=None):
        dims = self._shape_arg(args if dims is None else (dims,))
        return apply(S.Flip, self, axes=tuple(d % self.ndim for d in dims))

    def tril(self, diagonal: int = 0) -> Tensor:
        """Keep the lower triangle (on and below `diagonal`) of the last two dims; zero the rest."""
        return _tri(self, diagonal, upper=False)

    def triu(self, diagonal: int = 0) -> Tensor:
        """Keep the upper triangle (on and above `diagonal`) of the last two dims; zero the rest."""
        return _tri(self, diagonal, upper=True)

    def roll(self, shifts, dims=None) -> Tensor:
        """Shift elements cyclically along `dims` (the flattened tensor when dims is None)."""
        if dims is None:
            return self.reshape(-1).roll(shifts, 0).reshape(self.shape)
        shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        out = self
        for s, d in zip(shifts, dims):
            d = wrap_dim(d, self.ndim)
            n = self.shape[d]
            idx = wrap((np.arange(n) - s) % n, None)
            out = out.index_select(d, idx)
        return out

    def repeat_interleave(self, repeats, dim: int | None = None, *, output_size: int | None = None) -> Tensor:
        """Repeat each element `repeats` times (an int or a 1-D tensor of counts) along `dim`; `output_size`, the
        total length (a hint for torch's devices), must be right when given."""
        x = self.reshape(-1) if dim is None else self
        d = 0 if dim is None else wrap_dim(dim, self.ndim)
        counts = repeats.cpu().numpy() if isinstance(repeats, TensorBase) else repeats
        idx = np.repeat(np.arange(x.shape[d]), counts)
        if output_size is not None and output_size != len(idx):
            raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {len(idx)} but got "
                               f"{output_size}")
        return x.index_select(d, wrap(to_device(idx.astype(np.int64), self.device), None))

    def tile(self, *dims) -> Tensor:
        """Repeat along each dim (`x.tile(2, 1)` or `x.tile((2, 1))`, as torch's method; fewer dims than the
        tensor's are padded with 1s in front)."""
        dims = self._shape_arg(dims)
        if len(dims) < self.dim():
            dims = (1,) * (self.dim() - len(dims)) + dims
        return self.repeat(*dims)

    def movedim(self, source, destination) -> Tensor:
        src = [source] if isinstance(source, int) else list(source)
        dst = [destination] if isinstance(destination, int) else list(destination)
        src, dst = [wrap_dim(s, self.ndim) for s in src], [wrap_dim(d, self.ndim) for d in dst]
        order = [i for i in range(self.dim()) if i not in src]
        for d, s in sorted(zip(dst, src)):
            order.insert(d, s)
        return self.permute(*order)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The `offset` diagonal of dims dim1, dim2, as a new last dimension."""
        d1, d2 = wrap_dim(dim1, self.ndim), wrap_dim(dim2, self.ndim)
        if d1 == d2:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        offset = int(offset)
        out = apply(D.Diagonal, self, offset=offset, dim1=d1, dim2=d2)
        views.mark(out, self, lambda a: D.diagonal_view(a, offset, d1, d2))
        return out

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        """A tensor whose (dim1, dim2) matrices have the last dimension of `self` on their `offset` diagonal."""
        nd = self.dim() + 1
        for d in (dim1, dim2):
            if not -nd <= d < nd:
                raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})")
        if dim1 % nd == dim2 % nd:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        x = self if self.dim() else self.reshape(1)
        return apply(D.DiagEmbed, x, offset=int(offset), dim1=dim1 % nd, dim2=dim2 % nd)

    def diag(self, diagonal: int = 0) -> Tensor:
        """A 1-D input becomes a square matrix with it on the `diagonal`; a 2-D input gives that diagonal."""
        if self.dim() == 1:
            return self.diag_embed(diagonal)
        if self.dim() == 2:
            return self.diagonal(diagonal)
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.dim()}D (shape {list(self.shape)})")


    # ------------------------------------------------------------------ more rearrangements
    def fliplr(self) -> Tensor:
        if self.dim() < 2:
            raise RuntimeError("Input must be >= 2-d.")
        return self.flip(1)

    def flipud(self) -> Tensor:
        if self.dim() < 1:
            raise RuntimeError("Input must be >= 1-d.")
        return self.flip(0)

    def rot90(self, k: int = 1, dims=(0, 1)) -> Tensor:
        """Rotate by 90 degrees k times in the plane of `dims` (from the first toward the second)."""
        dims = tuple(dims)
        if len(dims) != 2:
            raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
        if self.dim() < 2:
            raise RuntimeError(f"expected total dims >= 2, but got total dims = {self.dim()}")
        d0, d1 = wrap_dim(dims[0], self.ndim), wrap_dim(dims[1], self.ndim)
        if d0 == d1:
            raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
        k = k % 4
        if k == 1:
            return self.flip(d1).transpose(d0, d1)
        if k == 2:
            return self.flip(d0, d1)
        if k == 3:
            return self.flip(d0).transpose(d0, d1)
        return self.clone()

    def moveaxis(self, source, destination) -> Tensor:
        return self.movedim(source, destination)

    def swapdims(self, dim0: int, dim1: int) -> Tensor:
        return self.transpose(dim0, dim1)

    def adjoint(self) -> Tensor:
        """The conjugate transpose of the last two dims."""
        return self.transpose(-2, -1).conj()

    @property
    def mH(self) -> Tensor:
        return self.transpose(-2, -1).conj()

    @property
    def H(self) -> Tensor:
        if self.ndim > 2:
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor.")
        return self.t().conj() if self.ndim == 2 else self.conj()

    def ravel(self) -> Tensor:
        return self.reshape(-1)

    def narrow_copy(self, dim: int, start: int, length: int) -> Tensor:
        return self.narrow(dim, start, length).clone()

    def split_with_sizes(self, split_sizes, dim: int = 0):
        return split(self, list(split_sizes), dim)

    def unsafe_split(self, split_size, dim: int = 0):
        return split(self, split_size, dim)

    def unsafe_chunk(self, chunks: int, dim: int = 0):
        return chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections, dim: int = 0):
        """Split into n nearly equal parts (an int: the first n % size parts one longer) or at the given indices."""
        d = wrap_dim(dim, self.ndim)
        n = self.shape[d]
        if isinstance(indices_or_sections, TensorBase):
            indices_or_sections = indices_or_sections.tolist()
        if isinstance(indices_or_sections, int):
            sections = indices_or_sections
            if sections <= 0:
                raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
            base, extra = divmod(n, sections)
            sizes = [base + 1] * extra + [base] * (sections - extra)
            bounds = np.cumsum([0] + sizes).tolist()
        else:
            bounds = [0] + [min(max(int(i) if i >= 0 else n + int(i), 0), n) for i in indices_or_sections] + [n]
        return tuple(self.narrow(d, lo, max(hi - lo, 0)) for lo, hi in zip(bounds[:-1], bounds[1:]))

    def hsplit(self, sections):
        if self.dim() < 1:
            raise RuntimeError("torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 "
                               "dimensions!")
        return self.tensor_split(sections, 1 if self.dim() > 1 else 0)

    def vsplit(self, sections):
        if self.dim() < 2:
            raise RuntimeError(f"torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with "
                               f"{self.dim()} dimensions!")
        return self.tensor_split(sections, 0)

    def dsplit(self, sections):
        if self.dim() < 3:
            raise RuntimeError(f"torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with "
                               f"{self.dim()} dimensions!")
        return self.tensor_split(sections, 2)

    def diagflat(self, offset: int = 0) -> Tensor:
        """A 2-D tensor with the flattened input on its `offset` diagonal."""
        return self.reshape(-1).diag_embed(offset)

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
        """All windows of length `size` every `step` along `dimension`, as a new last dim of length size."""
        d = wrap_dim(dimension, self.ndim)
        n = self.shape[d] if self.dim() else 1
        if size > n:
            raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
        if step <= 0:
            raise RuntimeError(f"step is {step} but must be > 0")
        x = self if self.dim() else self.reshape(1)
        starts = np.arange(0, n - size + 1, step)
        idx = (starts[:, None] + np.arange(size)[None, :]).reshape(-1)
        picked = x.index_select(d, wrap(to_device(idx.astype(np.int64), self.device), None))
        shape = tuple(x.shape[:d]) + (len(starts), size) + tuple(x.shape[d + 1:])
        out = picked.reshape(shape).movedim(d + 1, -1)
        out._torch_strides = False  # a gather here, a strided view in torch: the strides differ
        return out

    def sum_to_size(self, *size) -> Tensor:
        """Sum over the dims that broadcasting `size` to this shape would expand."""
        size = self._shape_arg(size)
        lead = self.dim() - len(size)
        dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(size) if n == 1 and self.shape[lead + i] != 1)
        out = self.sum(dims, keepdim=True) if dims else self
        return out.reshape(size)

    def as_strided(self, size, stride, storage_offset: int = 0) -> Tensor:
        """The view with the given sizes and element strides over this tensor's elements laid out row-major
        (differentiable: a gather at the strided positions)."""
        size, stride = tuple(int(n) for n in size), tuple(int(n) for n in stride)
        if len(size) != len(stride):
            raise RuntimeError(f"mismatch in length of strides and shape ({len(stride)} vs {len(size)})")
        flat_index = np.full(size, int(storage_offset), dtype=np.int64)
        for axis, (n, st) in enumerate(zip(size, stride)):
            shape = [1] * len(size)
            shape[axis] = n
            flat_index = flat_index + (np.arange(n) * st).reshape(shape)
        if flat_index.size and (flat_index.max() >= self.numel() or flat_index.min() < 0):
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                               f"{storage_offset} require more elements than the {self.numel()} available")
        return self.reshape(-1)[wrap(to_device(flat_index, self.device), None)]

    def unsafe_split_with_sizes(self, split_sizes, dim: int = 0):
        return split(self, list(split_sizes), dim)

    def resize_(self, *sizes, memory_format=None) -> Tensor:
        """This tensor, reshaped in place to `sizes`: its first elements (row-major) kept, any new ones zero
        (torch leaves them uninitialised). A tensor that requires grad cannot be resized, as in torch."""
        if self.requires_grad:
            raise RuntimeError("cannot resize variables that require grad")
        shape = self._shape_arg(sizes)
        if any(n < 0 for n in shape):
            raise RuntimeError(f"Trying to create tensor with negative dimension: {list(shape)}")
        xp = xp_of(self._data)
        flat = self._data.reshape(-1)
        n = int(np.prod(shape, dtype=np.int64))
        if n > flat.size:
            flat = xp.concatenate([flat, xp.zeros(n - flat.size, dtype=flat.dtype)])
        self._data = flat[:n].reshape(shape)
        self._version += 1
        return self

    def resize_as_(self, tensor, memory_format=None) -> Tensor:
        return self.resize_(tuple(tensor.shape))

    def resize(self, *sizes) -> Tensor:
        """Deprecated in torch: a resized copy (this tensor stays as it is)."""
        import warnings

        warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
        return self.detach().clone().resize_(*sizes)

    def resize_as(self, tensor) -> Tensor:
        import warnings

        warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
        return self.detach().clone().resize_(tuple(tensor.shape))


_t_warnings_given: set = set()


def _warn_t_deprecated(ndim: int) -> None:
    """torch 2.13's deprecation of `x.T` on tensors that are not 2-D: once per process, as torch's."""
    kind = "0-D" if ndim == 0 else "other"
    if kind in _t_warnings_given:
        return
    import warnings

    _t_warnings_given.add(kind)
    if ndim == 0:
        message = "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
    else:
        message = ("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and "
                   "it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices "
                   "or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.")
    warnings.warn(message, UserWarning, stacklevel=3)
