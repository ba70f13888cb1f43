"""Views as torch has them: a tensor made by a view op shares its base's memory, and writing into it in place
writes into the base, with the gradient that torch's CopySlices gives.

The view ops (basic indexing and what is built on it: select, narrow, split, chunk, unbind; permute, transpose,
t, T, mT; view / reshape / flatten / squeeze / unsqueeze where the result shares memory; diagonal) call `mark`:
the view remembers its root base and `fn`, the function from the base's array to its own. Without a graph an
in-place op on the view writes straight through NumPy's shared memory. With one (`write_back`), the base gets a
new value and node (ops/view_write.py: ViewWrite) and the view reads itself back from it (ViewRead). A view whose
base was given a new array since (another view of it was written, or the base itself) first reads itself back
(`refresh`), so it never writes into, or reads, a stale copy.
"""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from ..autograd import apply
from ..autograd.grad_mode import is_grad_enabled


def _shares(a, b) -> bool:
    """Whether arrays a and b view the same memory. NumPy points every view at the array that owns the memory
    (never at an intermediate view), so for NumPy arrays that is one comparison of owners."""
    if type(a) is np.ndarray and type(b) is np.ndarray:
        return (a if a.base is None else a.base) is (b if b.base is None else b.base)
    return bool(xp_of(a).may_share_memory(a, b))


def _link(t):
    """[root base, fn, the base's array and version when the view was last in step with it, the view's array],
    or None when `t` is no view (or no longer one: something gave it an array of its own since)."""
    link = t.__dict__.get("_view_of")
    return link if link is not None and t._data is link[4] else None


def mark(out, base, fn) -> None:
    """Record that `out` is the view fn(base._data) of `base` (composed down to the root base), when its array
    really shares base's memory."""
    if out is base or not _shares(out._data, base._data):
        return
    root = base.__dict__.get("_view_of") and _link(base)
    if root is not None and root[2] is root[0]._data:
        root_fn = root[1]
        out.__dict__["_view_of"] = [root[0], lambda a, inner=root_fn, outer=fn: outer(inner(a)), root[0]._data,
                                    root[0]._version, out._data]
    else:
        out.__dict__["_view_of"] = [base, fn, base._data, base._version, out._data]


def refresh(view) -> None:
    """Before an in-place write into `view`: if its base was written since (through another view, or itself),
    read the view back from the base, so that it writes into the base's current array and its graph."""
    link = _link(view)
    if link is None or (link[0]._data is link[2] and link[0]._version == link[3]):
        return
    base, fn = link[0], link[1]
    if is_grad_enabled() and base.requires_grad:
        from ..ops.view_write import ViewRead

        again = apply(ViewRead, base._alias(), fn=fn)
        view._data, view._ctx, view.requires_grad = again._data, again._ctx, True
    else:
        view._data = fn(base._data)
    link[2], link[3], link[4] = base._data, base._version, view._data


def operand(t):
    """`t`'s alias to compute its in-place op from: for a view written back into its base under a graph, over a
    copy of its values, since the write overwrites the memory that the op's node would otherwise keep."""
    alias = t._alias()
    if is_grad_enabled() and _link(t) is not None:
        alias._data = alias._data.copy()
    return alias


def written(view) -> None:
    """After an in-place write into `view` without a graph: its base is at a new version too (torch's shared
    version counter), so a backward that saved the base's values refuses to run."""
    link = _link(view)
    if link is not None:
        link[0]._version += 1
        link[3] = link[0]._version


def write_back(view, new) -> bool:
    """Write the Tensor `new` (the view's new value, with its graph) into the view's base in place, giving the
    base torch's CopySlices node and the view a node that reads it back; False when `view` is no view (the
    caller then rebinds the view alone)."""
    link = _link(view)
    if link is None:
        return False
    base, fn = link[0], link[1]
    if base._ctx is None and base.requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    from ..autograd.engine import mark_output_modified
    from ..ops.view_write import ViewRead, ViewWrite

    mark_output_modified(base)
    written_base = apply(ViewWrite, base._alias(), new, fn=fn)
    base._data, base._ctx, base.requires_grad = written_base._data, written_base._ctx, True
    base._version += 1
    again = apply(ViewRead, base._alias(), fn=fn)
    view._data, view._ctx, view.requires_grad = again._data, again._ctx, True
    link[2], link[3], link[4] = base._data, base._version, view._data
    return True
