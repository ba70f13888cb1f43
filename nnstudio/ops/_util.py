"""Small array helpers shared by the primitives."""

from __future__ import annotations

from .._backend import xp_of


def unbroadcast(grad, shape: tuple):
    """Sum `grad` over the axes that broadcasting added or stretched, so it has `shape`."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad


def normalize_dims(dim, ndim: int) -> tuple | None:
    """`dim` (None, int or sequence, negative allowed) as a sorted tuple of axes, None meaning all."""
    if dim is None:
        return None
    if isinstance(dim, int):
        dim = (dim,)
    out = []
    for d in dim:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, {max(ndim, 1) - 1}], "
                f"but got {d})"
            )
        out.append(d % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def expand_reduced(grad, in_shape: tuple, axes, keepdim: bool):
    """Re-insert reduced axes into `grad` so it broadcasts against the input of a reduction."""
    if axes is None:
        return grad.reshape((1,) * len(in_shape)) if len(in_shape) else grad
    if not keepdim:
        shape = list(grad.shape)
        for a in axes:
            shape.insert(a, 1)
        grad = grad.reshape(shape)
    return grad


def broadcast_like(grad, in_shape: tuple, axes, keepdim: bool):
    """Gradient of a reduction broadcast back to the input's shape (a read-only view)."""
    xp = xp_of(grad)
    return xp.broadcast_to(expand_reduced(grad, in_shape, axes, keepdim), in_shape)
