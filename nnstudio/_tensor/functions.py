"""The free functions of `torch.*` that are not methods first (matmul, where, cat, stack, split, chunk, ...),
and `function_from_method`, the one generator of `torch.name(input, ...)` from `Tensor.name(...)`.

Every torch function that is a method with the input first (`nnstudio.exp(x)` is `x.exp()`) is generated here
from a name list, so its behaviour lives in the method only; `out=` comes with it (torch's dtype rule, checked
once in `write_out`).
"""

from __future__ import annotations

import builtins
import math
from typing import TYPE_CHECKING

import numpy as np

from .. import _dtype as dt
from .._backend import to_device, to_numpy, xp_of
from .._random import rng_of
from ..autograd import apply, is_grad_enabled
from ..autograd.names import as_torch_node
from ..ops import arithmetic as M
from ..ops import linalg as L
from ..ops import shape as S
from ..ops._util import wrap_dim
from ..ops.einsum import Einsum, parse_equation
from .base import TensorBase, as_tensor, wrap
from .complex import COMPLEX_REFUSED, complex, imag, is_complex, polar, real, view_as_complex, view_as_real  # noqa: F401  (FREE)
from .keyword_aliases import with_numpy_keywords
from .promotion import broadcast_or_raise, check_cast, promote, scalar_name
from .statistics import bucketize, searchsorted  # noqa: F401  (exported through FREE)

if TYPE_CHECKING:
    from . import Tensor

_pyint = builtins.int


def matmul(input, other) -> Tensor:
    """Matrix product with batch broadcasting; a clear error names both shapes when they do not fit."""
    a = as_tensor(input)
    b = as_tensor(other, a)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D")
    ka = a._data.shape[-1]
    kb = b._data.shape[-2] if b.ndim > 1 else b._data.shape[0]
    if ka != kb:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_mat_str(a)} and {_mat_str(b)}): "
                           f"inner dimensions {ka} and {kb} differ")
    if a.ndim > 2 or b.ndim > 2:
        broadcast_or_raise("matmul batch dimensions", ("a", "b"), (a._data.shape[:-2], b._data.shape[:-2]))
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(_mixed_dtypes(a, b))
    if a.ndim == 2 and b.ndim == 2:
        return apply(L.MatMul, a, b)  # MmBackward0, the primitive's own name
    return as_torch_node(apply(L.MatMul, a, b), _matmul_node_name(a._data.shape, b._data.shape), a, b)


def _matmul_node_name(a: tuple, b: tuple) -> str:
    """The name of the node torch's matmul ends with for operands of shapes a and b (not both matrices): dot, mv,
    the squeeze of a vector @ matrix, else the view back from its folded mm / bmm (a clone when a's batch dims
    were broadcast)."""
    if len(b) == 1 and len(a) <= 2:
        return "DotBackward0" if len(a) == 1 else "MvBackward0"
    if len(a) == 1:
        return "SqueezeBackward4" if len(b) == 2 else "UnsafeViewBackward0"
    batch = np.broadcast_shapes(a[:-2], b[:-2]) if len(b) > 2 else a[:-2]
    return "UnsafeViewBackward0" if tuple(batch) == tuple(a[:-2]) else "CloneBackward0"


def _mixed_dtypes(a: Tensor, b: Tensor) -> str:
    """torch's message for a product of two dtypes (matrix products never promote, unlike `*`)."""
    x, y = scalar_name(a), scalar_name(b)
    if a.ndim == 1 and b.ndim == 1:
        head = f"dot : expected both vectors to have same dtype, but found {x} and {y}"
    elif a.ndim > 2 and b.ndim > 2:
        head = f"expected scalar type {x} but found {y}"
    else:
        head = f"expected m1 and m2 to have the same dtype, but got: {x} != {y}"
    return (f"{head} (shapes {list(a._data.shape)} and {list(b._data.shape)}: matrix products do not promote; cast "
            f"one operand, e.g. b.to(a.dtype))")


def _mat_str(t: Tensor) -> str:
    s = t._data.shape
    if len(s) <= 2:
        return "x".join(str(n) for n in s)
    return str(list(s))


def maximum(a, b) -> Tensor:
    a = as_tensor(a)
    if a._data.dtype.kind == "c" or as_tensor(b)._data.dtype.kind == "c":
        COMPLEX_REFUSED["maximum"](a, (), {})
    return a._binary(M.Maximum, b)


def minimum(a, b) -> Tensor:
    a = as_tensor(a)
    if a._data.dtype.kind == "c" or as_tensor(b)._data.dtype.kind == "c":
        COMPLEX_REFUSED["minimum"](a, (), {})
    return a._binary(M.Minimum, b)


def where(condition, input=None, other=None) -> Tensor:
    """Elementwise select: `input` where `condition` is true, else `other` (scalars allowed)."""
    cond = condition._data if isinstance(condition, TensorBase) else np.asarray(condition)
    if input is None and other is None:
        return tuple(wrap(i.astype(np.int64), None) for i in cond.nonzero())
    if not isinstance(input, TensorBase) and not isinstance(other, TensorBase):
        ref = wrap(xp_of(cond).zeros((), dt.get_default_dtype().np), None)
        input, other = ref._operand(input), ref._operand(other)
    elif not isinstance(input, TensorBase):
        input = other._operand(input)
    else:
        other = input._operand(other)
    if not (cond.shape == input._data.shape == other._data.shape):
        broadcast_or_raise("where", ("condition", "input", "other"), (cond.shape, input._data.shape,
                                                                       other._data.shape))
    if input._data.dtype != other._data.dtype:
        input, other = promote(input, other)
    return apply(S.Where, input, other, cond=cond)


def cat(tensors, dim: int = 0) -> Tensor:
    """Concatenate tensors along an existing dimension (shapes must agree elsewhere)."""
    tensors = [t for t in tensors]
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    tensors = [as_tensor(t) for t in tensors]
    ref = tensors[0]
    d = wrap_dim(dim, ref.ndim)
    for i, t in enumerate(tensors):
        if t.ndim != ref.ndim or any(a != b for j, (a, b) in enumerate(zip(t.shape, ref.shape)) if j != d):
            raise RuntimeError(f"cat(): sizes of tensors must match except in dimension {d}: tensor 0 has shape "
                               f"{list(ref.shape)} but tensor {i} has shape {list(t.shape)}")
    if any(t._data.dtype != ref._data.dtype for t in tensors):
        target = np.result_type(*[t._data.dtype for t in tensors])
        tensors = [t._cast(target) for t in tensors]
    return apply(S.Cat, *tensors, dim=d)


concat = concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new dimension."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    n = tensors[0].ndim + 1
    d = dim % n
    return as_torch_node(cat([t.unsqueeze(d) for t in tensors], dim=d), "StackBackward0", *tensors)


def split(tensor: Tensor, split_size_or_sections, dim: int = 0):
    """Split into pieces of a given size (last one smaller) or of the given list of sizes."""
    x = tensor
    d = wrap_dim(dim, x.ndim)
    n = x._data.shape[d]
    if isinstance(split_size_or_sections, (_pyint, np.integer)):
        step = _pyint(split_size_or_sections)
        if step <= 0:
            raise RuntimeError(f"split expects split_size be positive, but got split_size={step}")
        sizes = [builtins.min(step, n - s) for s in range(0, n, step)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                               f"at dimension {d}), but got split_sizes={sizes}")
    out, start = [], 0
    for s in sizes:
        out.append(x.narrow(d, start, s))
        start += s
    return tuple(out)


def chunk(input: Tensor, chunks: int, dim: int = 0):
    """Split into `chunks` nearly equal pieces (torch's rule: ceil(n / chunks) each)."""
    x = input
    n = x._data.shape[wrap_dim(dim, x.ndim)]
    step = -(-n // chunks) if chunks > 0 else 0
    if step == 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0")
    return split(x, step, dim)



# ---------------------------------------------------------------------- free functions that are not methods

pi, e, inf, nan = math.pi, math.e, math.inf, math.nan


def is_floating_point(input: Tensor) -> bool:
    return as_tensor(input).is_floating_point()


def hstack(tensors) -> Tensor:
    tensors = list(tensors)
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


def vstack(tensors) -> Tensor:
    return cat([t.unsqueeze(0) if t.dim() == 1 else t for t in tensors], 0)


def broadcast_to(input: Tensor, size) -> Tensor:
    return as_tensor(input).expand(*size)


def meshgrid(*tensors, indexing: str = "ij"):
    """Coordinate grids from 1-D tensors (indexing 'ij' as torch's default, or 'xy')."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    shape = [t.numel() for t in tensors]
    if indexing == "xy" and len(shape) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, t in enumerate(tensors):
        axis = i
        if indexing == "xy" and len(tensors) >= 2 and i < 2:
            axis = 1 - i
        view = [1] * len(shape)
        view[axis] = t.numel()
        out.append(t.reshape(view).expand(*shape))
    return tuple(out)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """Sample category indices from (unnormalised, non-negative) weights; rows of a 2-D input independently."""
    probs = input.detach().cpu().numpy().astype(np.float64)
    rows = probs.reshape(-1, probs.shape[-1])
    if (rows < 0).any() or not np.isfinite(rows).all() or (rows.sum(1) <= 0).any():
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or element < 0, or a row "
                           "sums to zero")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
                           f"replacement ({num_samples} > {rows.shape[1]})")
    weights = input.detach().cpu().numpy().reshape(rows.shape)  # in its own dtype, as torch divides by Exp(1)
    out = rng_of(generator).torch_multinomial(weights if weights.dtype.kind == "f" else rows, num_samples, replacement)
    out = out.reshape(probs.shape[:-1] + (num_samples,))
    return wrap(to_device(out, input.device), None)


def bernoulli(input: Tensor, p=None, *, generator=None) -> Tensor:
    """1 with probability `input` (elementwise), else 0, in input's dtype."""
    rng = rng_of(generator)
    if p is None:  # torch: a float32 uniform per element against its probability
        drawn = rng.bernoulli_tensor(to_numpy(input._data))
    else:  # a scalar p: float64 uniforms, as bernoulli_(p)
        drawn = rng.bernoulli_scalar(float(p), tuple(input.shape))
    return wrap(to_device(drawn.astype(input._data.dtype), input.device), None)


def polygamma(n: int, input, *, out=None) -> Tensor:
    """The n-th derivative of digamma at `input` (torch's argument order: n first)."""
    result = as_tensor(input).polygamma(n)
    return result if out is None else write_out(result, out, "polygamma")


def einsum(equation: str, *operands) -> Tensor:
    """Sum of products over the letters of `equation` ('ij,jk->ik', 'bij,bjk', '...ij->...ji', 'ii->i').

    Operands may be given one by one or as one list. Letters not in the output are summed; without '->' the
    output holds, in alphabetical order after the '...' dimensions, the letters that appear exactly once.
    torch's sublist format works too: einsum(a, [0, 1], b, [1, 2], [0, 2]) is einsum('AB,BC->AC', a, b).
    """
    if not isinstance(equation, str):  # the sublist format: einsum(op1, [0, 1], op2, [1, 2], [0, 2])
        from ..ops.einsum_sublist import sublist_to_equation

        equation, operands = sublist_to_equation((equation, *operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    tensors = [as_tensor(t) for t in operands]
    ins, out, sizes = parse_equation(equation, [tuple(t.shape) for t in tensors])
    for t in tensors[1:]:
        if t._data.dtype != tensors[0]._data.dtype:
            raise RuntimeError(f"einsum(): expected scalar type {scalar_name(tensors[0])} but found "
                               f"{scalar_name(t)} (einsum does not promote: give every operand one dtype)")
    return apply(Einsum, *tensors, ins=tuple(ins), out=out, sizes=sizes)



def block_diag(*tensors) -> Tensor:
    """A block-diagonal matrix of the inputs (0-d and 1-d inputs count as one row)."""
    mats = [t.reshape(1, -1) if t.dim() < 2 else t for t in (as_tensor(t) for t in tensors)]
    if any(m.dim() != 2 for m in mats):
        bad = next(i for i, m in enumerate(mats) if m.dim() != 2)
        raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {bad} has "
                           f"{mats[bad].dim()} dimensions")
    if not mats:
        return wrap(np.zeros((1, 0), dtype=dt.get_default_dtype().np), None)
    dtype = np.result_type(*[m._data.dtype for m in mats])
    mats = [m._cast(dtype) for m in mats]
    total = builtins.sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m.shape
        parts = [m.new_zeros((r, left)), m, m.new_zeros((r, total - left - c))]
        rows.append(cat([p for p in parts if p.shape[1] or p is m], 1))
        left += c
    return cat(rows, 0)


def cartesian_prod(*tensors) -> Tensor:
    """All combinations of one element from each 1-D input: (N, len(tensors)) (a single input: itself)."""
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r: int = 2, with_replacement: bool = False) -> Tensor:
    """All length-r combinations of the elements of a 1-D input, as rows (itertools' order)."""
    import itertools

    x = as_tensor(input)
    if x.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(pick(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    if idx.size == 0:
        return x.new_zeros((0, r) if r else (0,))
    return x[wrap(idx, None)]


def _tri_indices(row: int, col: int, offset: int, upper: bool, dtype) -> Tensor:
    fn = np.triu_indices if upper else np.tril_indices
    idx = np.stack(fn(row, offset, col)) if row and col else np.zeros((2, 0), dtype=np.int64)
    return wrap(idx.astype(dt.to_numpy_dtype(dtype) if dtype is not None else np.int64), None)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """The (2, N) coordinates of the lower triangle (on and below diagonal `offset`) of a row x col matrix."""
    return _tri_indices(row, col, offset, False, dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None) -> Tensor:
    """The (2, N) coordinates of the upper triangle (on and above diagonal `offset`) of a row x col matrix."""
    return _tri_indices(row, col, offset, True, dtype)


def broadcast_shapes(*shapes):
    """The shape all the given shapes broadcast to (torch.Size)."""
    from .base import Size

    try:
        return Size(np.broadcast_shapes(*[(s,) if isinstance(s, int) else tuple(s) for s in shapes]))
    except ValueError:
        raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape: {list(shapes)}") from None


def broadcast_tensors(*tensors):
    """The inputs expanded to their common broadcast shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(t.expand(*shape) for t in tensors)


def _atleast(n: int, tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
        single = False
    else:
        single = len(tensors) == 1
    out = []
    for t in tensors:
        t = as_tensor(t)
        if t.dim() < n:
            shape = {1: (1,), 2: (1, -1), 3: (1, -1, 1)}[n] if t.dim() < 2 or n < 3 else None
            if n == 3 and t.dim() == 2:
                t = t.unsqueeze(-1)
            elif n == 3 and t.dim() == 1:
                t = t.reshape(1, -1, 1)
            elif n == 3:
                t = t.reshape(1, 1, 1)
            elif n == 2:
                t = t.reshape(1, -1) if t.dim() == 1 else t.reshape(1, 1)
            else:
                t = t.reshape(shape)
        out.append(t)
    return out[0] if single else tuple(out)


def atleast_1d(*tensors):
    return _atleast(1, tensors)


def atleast_2d(*tensors):
    return _atleast(2, tensors)


def atleast_3d(*tensors):
    return _atleast(3, tensors)


def dstack(tensors) -> Tensor:
    return cat(list(atleast_3d(*tensors)) if len(tensors) > 1 else [atleast_3d(tensors[0])], 2)


def column_stack(tensors) -> Tensor:
    return cat([t.reshape(-1, 1) if t.dim() <= 1 else t for t in tensors], 1)


def row_stack(tensors) -> Tensor:
    return vstack(tensors)


def chain_matmul(*matrices) -> Tensor:
    result = matrices[0]
    for m in matrices[1:]:
        result = matmul(result, m)
    return result


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    from ..creation import tensor

    return tensor(s, dtype=dtype or dt.get_default_dtype(), device=device, requires_grad=requires_grad)


def result_type(tensor1, tensor2) -> dt.dtype:
    """The dtype torch's promotion gives for the two operands (tensors or numbers)."""
    a = tensor1 if isinstance(tensor1, TensorBase) else None
    b = tensor2 if isinstance(tensor2, TensorBase) else None
    if a is None and b is None:
        a = as_tensor(tensor1)
    ref = a if a is not None else b
    x, y = (a if a is not None else ref._operand(tensor1)), (b if b is not None else ref._operand(tensor2))
    if x._data.dtype != y._data.dtype:
        x, y = promote(x, y)
    return x.dtype


def promote_types(type1, type2) -> dt.dtype:
    a, b = np.dtype(dt.to_numpy_dtype(type1)), np.dtype(dt.to_numpy_dtype(type2))
    if a.kind == "f" and b.kind != "f":
        return dt.from_numpy_dtype(a)
    if b.kind == "f" and a.kind != "f":
        return dt.from_numpy_dtype(b)
    return dt.from_numpy_dtype(np.promote_types(a, b))


def can_cast(from_, to) -> bool:
    """torch.can_cast: False for float -> integer / bool and integer -> bool."""
    from .promotion import can_cast as rule

    return rule(dt.to_numpy_dtype(from_), dt.to_numpy_dtype(to))


def is_nonzero(input) -> bool:
    return as_tensor(input).is_nonzero()


def is_same_size(input, other) -> bool:
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input) -> bool:
    return as_tensor(input).is_signed()


def _trapezoid_dx(y: Tensor, x, dx, dim: int):
    d = wrap_dim(dim, y.ndim)
    n = y.shape[d]
    if x is not None:
        x = as_tensor(x)
        spacing = x.diff(dim=-1 if x.dim() == 1 else d)
        if x.dim() == 1:
            view = [1] * y.dim()
            view[d] = n - 1
            spacing = spacing.reshape(view)
        return spacing, d
    return (1.0 if dx is None else dx), d


def trapezoid(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The trapezoidal rule along `dim` with sample points x (or spacing dx, default 1)."""
    y = as_tensor(y)
    spacing, d = _trapezoid_dx(y, x, dx, dim)
    n = y.shape[d]
    if n == 0:
        return y.sum(d)
    avg = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) / 2
    return (avg * spacing).sum(d)


trapz = trapezoid


def cumulative_trapezoid(y, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral along `dim` (one element shorter than y there)."""
    y = as_tensor(y)
    spacing, d = _trapezoid_dx(y, x, dx, dim)
    n = y.shape[d]
    avg = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) / 2
    return (avg * spacing).cumsum(d)


def unravel_index(indices, shape):
    """The coordinates, one tensor per dim of `shape`, of the flat `indices`."""
    idx = as_tensor(indices)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    n = int(np.prod(shape))
    flat = np.asarray(idx._data)
    if ((flat >= n) | (flat < -n)).any():
        raise RuntimeError("unravel_index: index out of bounds for the shape")
    coords = np.unravel_index(np.where(flat < 0, flat + n, flat), shape)
    return tuple(wrap(c.astype(np.int64), None) for c in coords)


def rsub(input, other, *, alpha=1) -> Tensor:
    """other - alpha * input."""
    x = as_tensor(input)
    return x._operand(other) - (x * alpha if alpha != 1 else x)


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of `elements` is in `test_elements`."""
    e = as_tensor(elements)
    t = test_elements._data if isinstance(test_elements, TensorBase) else np.asarray(test_elements)
    return wrap(xp_of(e._data).isin(e._data, t, invert=invert), None)


def _window(name: str, length: int, periodic: bool, dtype, values) -> Tensor:
    if length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={length}")
    if length == 0:
        return wrap(np.zeros(0, dtype=dt.to_numpy_dtype(dtype or dt.get_default_dtype())), None)
    if length == 1:
        return wrap(np.ones(1, dtype=dt.to_numpy_dtype(dtype or dt.get_default_dtype())), None)
    n = length + 1 if periodic else length
    w = values(n)
    w = w[:-1] if periodic else w
    return wrap(np.asarray(w).astype(dt.to_numpy_dtype(dtype or dt.get_default_dtype())), None)


def hann_window(window_length: int, periodic: bool = True, *, dtype=None, device=None, layout=None,
                requires_grad: bool = False) -> Tensor:
    return _window("hann_window", window_length, periodic, dtype, np.hanning)


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype=None, device=None, layout=None, requires_grad: bool = False,
                   pin_memory: bool = False) -> Tensor:
    return _window("hamming_window", window_length, periodic, dtype,
                   lambda n: alpha - beta * np.cos(2 * np.pi * np.arange(n) / (n - 1)))


def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, device=None, layout=None,
                    requires_grad: bool = False) -> Tensor:
    return _window("blackman_window", window_length, periodic, dtype, np.blackman)


def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, device=None, layout=None,
                    requires_grad: bool = False) -> Tensor:
    return _window("bartlett_window", window_length, periodic, dtype, np.bartlett)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype=None, device=None,
                  layout=None, requires_grad: bool = False) -> Tensor:
    return _window("kaiser_window", window_length, periodic, dtype, lambda n: np.kaiser(n, beta))


def logspace(start, end, steps: int, base: float = 10.0, *, dtype=None, device=None, layout=None,
             requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """base ** linspace(start, end, steps)."""
    from ..creation import _finish

    values = np.power(base, np.linspace(float(start), float(end), steps))
    return _finish(values.astype(dt.to_numpy_dtype(dtype or dt.get_default_dtype())), device, requires_grad)


def tensordot(a, b, dims=2, out=None) -> Tensor:
    """Sum of products over `dims`: an int (the last dims of a with the first of b) or two lists of dims."""
    a, b = as_tensor(a), as_tensor(b, a if isinstance(a, TensorBase) else None)
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(a.dim() - dims, a.dim())), list(range(dims))
    else:
        da, db = ([dims[0]] if isinstance(dims[0], int) else list(dims[0])), \
            ([dims[1]] if isinstance(dims[1], int) else list(dims[1]))
        if isinstance(dims[0], TensorBase):
            da, db = dims[0].tolist(), dims[1].tolist()
    da, db = [d % max(a.dim(), 1) for d in da], [d % max(b.dim(), 1) for d in db]
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim {x} "
                               f"and second has size {b.shape[y]} in dim {y}")
    free_a = [d for d in range(a.dim()) if d not in da]
    free_b = [d for d in range(b.dim()) if d not in db]
    k = int(np.prod([a.shape[d] for d in da])) if da else 1
    left = a.permute(*free_a, *da).reshape(int(np.prod([a.shape[d] for d in free_a])) if free_a else 1, k)
    right = b.permute(*db, *free_b).reshape(k, int(np.prod([b.shape[d] for d in free_b])) if free_b else 1)
    result = matmul(left, right).reshape(*[a.shape[d] for d in free_a], *[b.shape[d] for d in free_b])
    return result if out is None else write_out(result, out, "tensordot")



def _removed(name: str, replacement: str):
    def fn(*args, **kwargs):
        raise RuntimeError(f"This function was deprecated since version 1.9 and is now removed. `torch.{name}` is "
                           f"deprecated in favor of `torch.{replacement}`.")

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Removed from torch (as in torch 2.13): use torch.{replacement}."
    return fn


solve = _removed("solve", "linalg.solve")
lstsq = _removed("lstsq", "linalg.lstsq")
symeig = _removed("symeig", "linalg.eigh")
eig = _removed("eig", "linalg.eig")
matrix_rank = _removed("matrix_rank", "linalg.matrix_rank")


def lu(A, pivot: bool = True, get_infos: bool = False):
    """(LU, pivots[, infos]) of A: torch.lu, i.e. torch.linalg.lu_factor (no gradient)."""
    from .. import linalg as LA

    LU, pivots = LA.lu_factor(A, pivot=pivot)
    if get_infos:
        return LU, pivots, wrap(np.zeros(tuple(LU.shape[:-2]), dtype=np.int32), None)
    return LU, pivots


def lu_unpack(LU_data, LU_pivots, unpack_data: bool = True, unpack_pivots: bool = True):
    """(P, L, U) from lu_factor's packed LU and 1-based pivots."""
    lu_ = np.asarray(LU_data.detach().cpu().numpy())
    piv = np.asarray(LU_pivots.cpu().numpy()) - 1
    m, n = lu_.shape[-2:]
    k = min(m, n)
    L = np.tril(lu_[..., :, :k], -1) + np.eye(m, k, dtype=lu_.dtype)
    U = np.triu(lu_[..., :k, :])
    flat_piv = piv.reshape(-1, piv.shape[-1])
    Ps = []
    for row in flat_piv:
        perm = np.arange(m)
        for i, j in enumerate(row):
            perm[i], perm[j] = perm[j], perm[i]
        P = np.zeros((m, m), dtype=lu_.dtype)
        P[perm, np.arange(m)] = 1
        Ps.append(P)
    P = np.stack(Ps).reshape(lu_.shape[:-2] + (m, m))
    from .. import return_types

    return return_types.lu_unpack(tuple(wrap(a, None) for a in (P, L, U)))


def nuclear_norm(input, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    from .. import linalg as LA

    result = LA.matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim)
    return result if out is None else write_out(result, out, "nuclear_norm")


def frobenius_norm(input, dim=(-2, -1), keepdim: bool = False, *, out=None) -> Tensor:
    from .. import linalg as LA

    result = LA.vector_norm(input, 2, dim, keepdim)
    return result if out is None else write_out(result, out, "frobenius_norm")


def pdist(input, p: float = 2) -> Tensor:
    """The condensed distances between the rows of an (N, M) input: the upper triangle of cdist, row by row."""
    from .. import linalg as LA

    x = as_tensor(input)
    if x.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.dim()}D")
    n = x.shape[0]
    i, j = np.triu_indices(n, 1)
    if not len(i):
        return x.new_zeros((0,))
    return LA.vector_norm(x[wrap(i, None)] - x[wrap(j, None)], p, dim=1)


def poisson(input, generator=None) -> Tensor:
    """Poisson draws with the given rates (no gradient)."""
    from .._random import rng_of

    rates = np.asarray(as_tensor(input).detach().cpu().numpy())
    return wrap(rng_of(generator).poisson(rates).astype(rates.dtype), None)


def binomial(count, prob, generator=None) -> Tensor:
    """Binomial draws with `count` trials of probability `prob` (no gradient)."""
    from .._random import rng_of

    n = np.asarray(as_tensor(count).detach().cpu().numpy())
    p = np.asarray(as_tensor(prob).detach().cpu().numpy())
    return wrap(rng_of(generator).binomial(n.astype(np.int64), p).astype(p.dtype), None)


def fill(input, value) -> Tensor:
    """A new tensor like input holding `value` everywhere."""
    x = as_tensor(input)
    everywhere = wrap(xp_of(x._data).ones(x._data.shape, dtype=bool), None)
    return x.masked_fill(everywhere, value.item() if isinstance(value, TensorBase) else value)  # zero gradient


def vander(x, N=None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of a 1-D x: columns x^(N-1), ..., x^0 (x^0 ... x^(N-1) when increasing)."""
    from .. import linalg as LA

    v = LA.vander(x, N=N)
    return v if increasing else v.flip(-1)


def gradient(input, *, spacing=1, dim=None, edge_order: int = 1):
    """Estimates of d input / d x along each dim in `dim` (all by default): central differences inside, one-sided
    at the edges (edge_order 1), with a uniform spacing (a number, or one per dim)."""
    x = as_tensor(input)
    dims = list(range(x.dim())) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    spacings = list(spacing) if isinstance(spacing, (list, tuple)) else [spacing] * len(dims)
    if edge_order != 1:
        raise NotImplementedError("torch.gradient: only edge_order=1 is implemented in nnstudio")
    out = []
    for d, h in zip(dims, spacings):
        d = wrap_dim(d, x.ndim)
        n = x.shape[d]
        if n < 2:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
        h = float(h.item() if isinstance(h, TensorBase) else h)
        first = (x.narrow(d, 1, 1) - x.narrow(d, 0, 1)) / h
        last = (x.narrow(d, n - 1, 1) - x.narrow(d, n - 2, 1)) / h
        inner = (x.narrow(d, 2, n - 2) - x.narrow(d, 0, n - 2)) / (2 * h) if n > 2 else None
        out.append(cat([first] + ([inner] if inner is not None else []) + [last], d))
    return tuple(out)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad: bool = False) -> Tensor:
    """obj as a tensor, sharing memory with a tensor or array where dtype and device allow (copy=True copies)."""
    from ..creation import as_tensor as _as_tensor_fn

    t = _as_tensor_fn(obj, dtype=dtype, device=device)
    if copy:
        t = t.clone()
    return t.requires_grad_(requires_grad) if requires_grad else t


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad: bool = False, **_) -> Tensor:
    """An uninitialised (here: zero) tensor of `size` (the strides are NumPy's own)."""
    from ..creation import zeros

    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)




def _copy_function(method: str):
    def fn(input, *args, out=None, **kwargs):
        result = getattr(as_tensor(input), method)(*args, **kwargs)
        result = tuple(r.clone() for r in result) if isinstance(result, tuple) else result.clone()
        return result if out is None else write_out(result, out, f"{method}_copy")

    fn.__name__ = fn.__qualname__ = f"{method}_copy"
    fn.__doc__ = f"`input.{method}(...)` as new memory (torch's view-free {method}_copy)."
    return fn


_COPY_OF = ("clone", "as_strided", "detach", "diagonal", "expand", "permute", "select", "split", "split_with_sizes",
            "squeeze", "t", "transpose", "unbind", "unfold", "unsqueeze", "view")


# ---------------------------------------------------------------------- out= and the generator


def write_out(result: Tensor, out: Tensor, name: str) -> Tensor:
    """Write `result` into `out` (torch's `out=`): same dtype rule as in-place ops, resized when shapes differ,
    and refused under autograd."""
    if not isinstance(out, TensorBase):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if is_grad_enabled() and (result.requires_grad or out.requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    check_cast(result._data.dtype, out._data.dtype)
    if out._data.shape == result._data.shape and getattr(out._data.flags, "writeable", True):
        out._data[...] = result._data
    else:
        out._data = result._data.astype(out._data.dtype, copy=True)
    out._version += 1
    return out


def function_from_method(name: str, doc: str | None = None, *, out: bool = True, method: str | None = None):
    """`torch.name(input, *args, out=None, **kwargs)` that calls `input.name(*args, **kwargs)`.

    `input` may be a number or a list (it becomes a tensor first); `method` names the Tensor method when it differs
    from the function's name. The generated function carries the method's docstring unless `doc` is given.
    """
    attr = method or name

    if out:
        def fn(input, *args, out=None, **kwargs):
            t = input if isinstance(input, TensorBase) else as_tensor(input)
            result = getattr(t, attr)(*args, **kwargs)
            return result if out is None else write_out(result, out, name)
    else:
        def fn(input, *args, **kwargs):
            t = input if isinstance(input, TensorBase) else as_tensor(input)
            return getattr(t, attr)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def with_out(fn, name: str | None = None):
    """`fn` with torch's `out=` keyword added (for free functions that are not methods: cat, stack, matmul)."""
    label = name or fn.__name__

    def wrapped(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        return result if out is None else write_out(result, out, label)

    wrapped.__name__ = wrapped.__qualname__ = label
    wrapped.__doc__ = fn.__doc__
    return wrapped


# ---------------------------------------------------------------------- torch.<name>(input, ...) from methods

# the methods that torch also offers as functions with the input first; each gets `out=`
def tile(input: Tensor, dims) -> Tensor:
    """torch.tile(input, dims): dims one sequence (the method also takes them as separate ints)."""
    return input.tile(dims)


METHOD_FUNCTIONS = (
    "add", "sub", "mul", "div", "pow", "neg", "square", "clamp", "clip", "clamp_min", "clamp_max", "relu",
    "sigmoid", "tanh", "softmax", "log_softmax", "sum", "mean", "var", "std", "prod", "max", "min", "amax", "amin",
    "argmax", "argmin", "logsumexp", "cumsum", "cumprod", "reshape", "flatten", "unflatten", "permute",
    "transpose", "t", "squeeze", "unsqueeze", "flip", "unbind", "narrow", "select", "masked_fill", "eq", "ne",
    "lt", "le", "gt", "ge", "isnan", "isinf", "isfinite", "all", "any", "mm", "bmm", "dot", "detach", "clone",
    "numel", "allclose", "equal", "logical_not", "nonzero", "nonzero_static", "gather", "index_select",
    "masked_select", "sort",
    "argsort", "topk", "unique", "tril", "triu", "outer", "roll", "repeat_interleave", "movedim",
    "isclose", "logical_and", "logical_or", "count_nonzero", "bincount", "diagonal", "diag_embed", "diag",
    "trace", "scatter", "scatter_add", "index_add", "index_put", "scatter_reduce", "exp_", "sqrt_", "abs_",
    "neg_", "sigmoid_", "tanh_", "absolute", "negative", "arccos", "arcsin", "arctan", "arccosh", "arcsinh",
    "arctanh", "arctan2", "lerp", "addcmul", "addcdiv", "logical_xor", "bitwise_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "signbit", "isposinf", "isneginf", "isreal", "greater", "greater_equal", "less",
    "less_equal", "not_equal", "float_power", "subtract", "multiply", "divide", "true_divide", "swapaxes",
    "median", "nanmedian", "mode", "kthvalue", "quantile", "nanquantile", "cummax", "cummin", "logcumsumexp",
    "nansum", "nanmean", "aminmax", "histc", "histogram", "msort", "diff", "dist", "cov", "corrcoef", "renorm",
    "rot90", "fliplr", "flipud", "moveaxis", "swapdims", "ravel", "tensor_split", "hsplit", "vsplit", "dsplit",
    "split_with_sizes", "diagflat", "narrow_copy", "take", "take_along_dim", "index_fill", "index_copy",
    "masked_scatter", "put", "argwhere", "unique_consecutive", "select_scatter", "slice_scatter", "diagonal_scatter",
    "addmm", "addmv", "addr", "addbmm", "baddbmm", "mv", "ger", "inner", "vdot", "kron", "cross", "det", "logdet",
    "slogdet", "inverse", "pinverse", "cholesky", "cholesky_solve", "cholesky_inverse", "qr", "svd", "geqrf",
    "orgqr", "ormqr", "resize_as_",
    "matrix_power", "matrix_exp", "triangular_solve", "lu_solve", "positive", "adjoint", "unsafe_chunk",
    "unsafe_split", "frexp", "angle", "conj", "conj_physical", "resolve_conj", "resolve_neg", "is_conj", "is_neg",
    "sum_to_size", "as_strided", "index_reduce", "mvlgamma", "addmv_", "conj_physical_", "relu_", "clamp_",
    "clamp_min_", "clamp_max_", "clip_", "as_strided_", "as_strided_scatter", "unsafe_split_with_sizes",
    "hardshrink", "prelu", "is_inference", "get_device",
    "fill_", "zero_", "index_put_", "square_", "reciprocal_", "rsqrt_", "negative_", "detach_", "fix_",
)

# torch.<name>_(input) for the table's in-place twins (torch.acos_, torch.erf_, ...)
_INPLACE_FUNCTIONS = ("acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "deg2rad", "erf",
                      "erfc", "exp", "exp2", "expm1", "floor", "frac", "i0", "log", "log10", "log1p", "log2", "logit",
                      "nan_to_num", "rad2deg", "round", "sin", "sinc", "sinh", "sqrt", "tan", "trunc", "xlogy",
                      "ldexp", "gcd", "lcm", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh")


def _table_functions() -> dict:
    from ..ops.pointwise import TABLE

    return {op.name: function_from_method(op.name, f"Elementwise {op.doc}.") for op in TABLE if op.function}


_GENERATED = {name: function_from_method(name) for name in METHOD_FUNCTIONS}
_GENERATED.update({f"{n}_": function_from_method(f"{n}_", out=False) for n in _INPLACE_FUNCTIONS})
_GENERATED.update({f"{n}_copy": _copy_function(n) for n in _COPY_OF if n != "clone"})
_GENERATED["alias_copy"] = _copy_function("clone")
_GENERATED.update(_table_functions())

# what `nnstudio` exports from here: the generated functions and the free ones, with `out=` where torch has it
FREE = ("pi", "e", "inf", "nan", "is_floating_point", "hstack", "vstack", "broadcast_to", "meshgrid", "multinomial",
        "tile", "bernoulli", "einsum", "polygamma", "block_diag", "cartesian_prod", "combinations", "tril_indices",
        "triu_indices", "broadcast_shapes", "broadcast_tensors", "atleast_1d", "atleast_2d", "atleast_3d", "dstack",
        "column_stack", "row_stack", "chain_matmul", "scalar_tensor", "result_type", "promote_types", "can_cast",
        "is_complex", "is_nonzero", "is_same_size", "is_signed", "trapezoid", "trapz", "cumulative_trapezoid",
        "unravel_index", "rsub", "isin", "hann_window", "hamming_window", "blackman_window", "bartlett_window",
        "kaiser_window", "logspace", "tensordot", "searchsorted", "bucketize", "solve", "lstsq", "symeig", "eig",
        "matrix_rank", "lu", "lu_unpack", "nuclear_norm", "frobenius_norm", "pdist", "poisson", "binomial", "fill",
        "vander", "gradient", "real", "imag", "view_as_real", "view_as_complex", "complex", "polar", "asarray",
        "empty_strided")
_cat, _stack = with_numpy_keywords(cat), with_numpy_keywords(stack)  # torch.cat(ts, axis=1)
PUBLIC = {**_GENERATED, **{n: globals()[n] for n in FREE}, "matmul": with_out(matmul),
          "cat": with_out(_cat, "cat"), "concat": with_out(_cat, "concat"),
          "concatenate": with_out(_cat, "concatenate"), "stack": with_out(_stack, "stack"),
          "maximum": with_out(maximum), "minimum": with_out(minimum), "where": where, "split": split,
          "chunk": with_numpy_keywords(chunk)}

__all__ = ["matmul", "maximum", "minimum", "where", "cat", "concat", "concatenate", "stack", "split", "chunk",
           "function_from_method", "with_out", "write_out", "PUBLIC", *FREE]
