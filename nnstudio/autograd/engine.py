"""Reverse-mode sweep: a topological order of the graph computed once per `backward()`.

Gradients flow from the output to the leaves; each node's saved buffers are released as soon as its
backward has run, unless `retain_graph=True`.

Gradients of gradients (`create_graph=True`): one derivative, two uses. Each primitive's `backward(g)` is
written once over the namespace `ns = ns_of(g)` (nnstudio/ops/_ns.py) and with operators, so the same code runs
on arrays (the fast path: `g` and every saved value are arrays, exactly as without create_graph) and on Tensors.
With `create_graph=True` the sweep carries Tensors: `g` is a Tensor, and the node's backward runs on a *twin*
of the node (a shallow copy, `graph_backward.py`) whose saved values named in the class attribute
`tensor_saves` are replaced by Tensors that carry their history:

- `{"a": 0}` sets the attribute `a` to input 0 (its value with its graph node), also when the fast path kept
  nothing there;
- `{"z": "out"}` maps the saved output to the node's own output (a Tensor whose grad_fn is the node, so a
  second backward through `z` reaches the inputs again);
- `{"arrays": "inputs"}` maps a saved tuple of all the input arrays to the tuple of input Tensors (the
  elementwise table's generated primitives, ops/pointwise.py).

Every other saved array (masks, indices, shapes, winners of a max) is a constant of the derivative. The
operations of that backward record a new graph: the gradient has its own `grad_fn`, and `backward()` /
`autograd.grad` on it give second (and higher) derivatives. A primitive whose backward is another primitive
reaches it through `ns` or a small adjoint primitive (GetItem <-> IndexAddZeros, conv <-> conv-transpose <->
ConvWeightGrad, pooling -> IndexAddZeros), so its derivative is still written once; a fused primitive with an
analytic backward (Normalize) first recomputes its cached statistics from the input Tensors. A `Function`
whose `tensor_saves` is None has no second derivative yet: create_graph through it raises NotImplementedError
naming it, never a silent zero.
"""

from __future__ import annotations

import numpy as np

from . import function as _function
from .anomaly_mode import is_anomaly_check_nan_enabled, raise_on_nan
from .grad_mode import _state
from .graph_backward import graph_backward
from .hooks import run_hooks, run_post_accumulate_hooks


def _topological_order(root_fn) -> list:
    """Functions reachable from `root_fn`, each after every function that consumes its output."""
    order, visited = [], set()
    stack = [(root_fn, False)]
    while stack:
        fn, expanded = stack.pop()
        if expanded:
            order.append(fn)
            continue
        if id(fn) in visited:
            continue
        visited.add(id(fn))
        stack.append((fn, True))
        for parent in fn.parents:
            if parent is not None and id(parent) not in visited:
                stack.append((parent, False))
    order.reverse()
    return order


def _bind_wrap():
    global _wrap
    _wrap = _function._wrap or _function._bind_wrap()
    return _wrap


_wrap = None


def _accumulate_leaf(tensor, grad, handed: set) -> None:
    """Add `grad` into `tensor.grad`. A new `.grad` owns its buffer: it may not be a view, nor an array already
    given to another leaf (Add passes one array to both inputs), nor the caller's `gradient`, which are all in
    `handed`; otherwise an in-place edit of one `.grad` (clipping, zero_grad) would change the others.
    As torch's layout contract, the `.grad` of a contiguous leaf is contiguous (so `p.grad.view(-1)` works)."""
    if tensor.grad is None:
        if grad.base is not None or id(grad) in handed or (
                not grad.flags.c_contiguous and tensor._data.flags.c_contiguous):
            grad = grad.copy()
        handed.add(id(grad))
        tensor.grad = (_wrap or _bind_wrap())(grad, None)
    else:
        summed = tensor.grad._data + grad
        if not summed.flags.c_contiguous and tensor._data.flags.c_contiguous:
            summed = summed.copy()
        # NumPy turns a 0-d sum into a scalar; keep an array so `p.grad.zero_()` works on 0-d parameters
        tensor.grad._data = np.asarray(summed) if isinstance(summed, np.generic) else summed


def run_backward(root, grad, retain_graph: bool = False) -> None:
    """Propagate `grad` (an array shaped like `root`) back to every leaf that requires a gradient
    (`Tensor.backward`).

    A node's gradient is complete when it is reached in topological order: its tensor's hooks run then (and a
    retained `.grad` gets the hooked value). A leaf's contributions are summed first, then its hooks run once,
    then the sum is added into `.grad`, as torch's AccumulateGrad.
    """
    sweep((root,), [grad], retain_graph, None)


class _Roots:
    """A stand-in node whose parents are the outputs' nodes, so one topological order covers them all."""

    def __init__(self, fns: list) -> None:
        self.parents = tuple(fns)


def _needed_nodes(order: list, target_leaves: set, target_nodes: set) -> set:
    """Ids of the nodes whose backward leads to a target (leaf tensor ids, or node ids of non-leaf targets)."""
    needed: set = set()
    for fn in reversed(order):  # producers before consumers
        for t, parent, need in zip(fn.inputs, fn.parents, fn.needs_input_grad):
            if need and (id(t) in target_leaves if parent is None
                         else id(parent) in target_nodes or id(parent) in needed):
                needed.add(id(fn))
                break
    return needed


def sweep(outputs: tuple, root_grads: list, retain_graph: bool, targets: tuple | None,
          create_graph: bool = False) -> dict:
    """Run backward from every output. With `targets` (tensors), return {id(target): gradient array} and
    run only the nodes that lead to a target; with None, accumulate into every leaf's `.grad` as
    `Tensor.backward` does. With `create_graph`, `root_grads` are Tensors and so is every gradient: they
    carry the graph of their computation (see the module docstring)."""
    if not create_graph:
        return _sweep(outputs, root_grads, retain_graph, targets, False)
    previous = _state.enabled
    _state.enabled = True
    try:
        return _sweep(outputs, root_grads, retain_graph, targets, True)
    finally:
        _state.enabled = previous


def _sweep(outputs: tuple, root_grads: list, retain_graph: bool, targets: tuple | None,
           create_graph: bool) -> dict:
    wrap = _wrap or _bind_wrap()
    captured: dict = {}
    leaves: dict = {}
    grads: dict = {}
    retaining: dict = {}
    target_leaves = {id(t) for t in targets if t._ctx is None} if targets is not None else set()
    target_nodes = {id(t._ctx): t for t in targets if t._ctx is not None} if targets is not None else {}
    fns = []
    for out, g in zip(outputs, root_grads):
        if out._ctx is None:  # a leaf output: its gradient is the given one
            prev = leaves.get(id(out))
            leaves[id(out)] = (out, g if prev is None else prev[1] + g)
            continue
        if out._ctx.freed:
            raise RuntimeError(_FREED_MESSAGE)
        key = id(out._ctx)
        grads[key] = g if key not in grads else grads[key] + g
        if out._retains_grad:
            retaining[key] = out
        fns.append(out._ctx)
    order = _topological_order(_Roots(fns))[1:] if fns else []
    needed = None if targets is None else _needed_nodes(order, target_leaves, target_nodes)
    retained = []
    check_nan = is_anomaly_check_nan_enabled()
    for fn in order:
        g = grads.pop(id(fn), None)
        if g is None:
            continue
        if fn.freed:
            raise RuntimeError(_FREED_MESSAGE)
        g = run_hooks(fn, g, wrap)
        if id(fn) in retaining:
            retained.append((retaining.pop(id(fn)), g))
        if id(fn) in target_nodes:
            captured[id(target_nodes[id(fn)])] = g
        if needed is not None and id(fn) not in needed:
            continue
        inputs, parents, needs = fn.inputs, fn.parents, fn.needs_input_grad  # release() drops them
        for t, v in zip(inputs, fn.versions):
            if t._version != v and _saved(fn, t._data):
                raise RuntimeError(_modified_message(fn, t, v))
        if "output_modified" in fn.__dict__:
            raise RuntimeError(fn.output_modified)
        if (g._data if create_graph else g).dtype.kind == "c" and not fn.complex_backward:
            in_grads = _conjugated_backward(fn, g, wrap, create_graph)
        else:
            in_grads = fn.backward(g) if not create_graph else graph_backward(fn, g, wrap)
        if not isinstance(in_grads, tuple):
            in_grads = (in_grads,)
        if check_nan:
            raise_on_nan(fn, in_grads)
        if not retain_graph:
            fn.release()
        for t, parent, need, ig in zip(inputs, parents, needs, in_grads):
            if not need or ig is None:
                continue
            if parent is None and needed is not None and id(t) not in target_leaves:
                continue
            if parent is not None and needed is not None and id(parent) not in needed \
                    and id(parent) not in target_nodes:
                continue
            if ig.shape != t._data.shape:
                raise RuntimeError(f"internal error in backward of {type(fn).__name__}: gradient shape "
                                   f"{tuple(ig.shape)} does not match input shape {t._data.shape}")
            if create_graph:
                if ig._data.dtype != t._data.dtype:
                    ig = (ig.real if ig._data.dtype.kind == "c" else ig)._cast(t._data.dtype)
            elif ig.dtype != t._data.dtype:  # a real input of a complex result gets the real part (as torch)
                ig = (ig.real if ig.dtype.kind == "c" else ig).astype(t._data.dtype)
            if parent is None:
                prev = leaves.get(id(t))
                leaves[id(t)] = (t, ig if prev is None else prev[1] + ig)
            else:
                key = id(parent)
                grads[key] = ig if key not in grads else grads[key] + ig
                if t._retains_grad:
                    retaining[key] = t
    handed = {id(g) for g in root_grads}
    accumulate = _accumulate_graph_leaf if create_graph else _accumulate_leaf
    for t, g in leaves.values():
        if targets is None:
            accumulate(t, run_hooks(t, g, wrap), handed)
            if "_post_accumulate_hooks" in t.__dict__:
                run_post_accumulate_hooks(t)
        elif id(t) in target_leaves:
            captured[id(t)] = run_hooks(t, g, wrap)
    for t, g in retained:
        accumulate(t, g, handed)
    return captured


def _conjugated_backward(fn, g, wrap, create_graph: bool) -> tuple:
    """A real backward formula applied to a complex gradient, in torch's convention: conj(backward(conj(g)))
    (for a holomorphic op, g * conj(f'(z)); see ops/complex.py)."""
    if create_graph:
        in_grads = graph_backward(fn, g.conj(), wrap)
    else:
        in_grads = fn.backward(g.conj())
    if not isinstance(in_grads, tuple):
        in_grads = (in_grads,)
    return tuple(None if ig is None else ig.conj() for ig in in_grads)


def _accumulate_graph_leaf(tensor, grad, handed: set) -> None:
    """`tensor.grad` (+)= `grad`, a Tensor with history (create_graph): out of place, as torch, so the graph of
    an earlier `.grad` stays valid; a Tensor already handed to another leaf (or given by the caller) is cloned."""
    if tensor.grad is None:
        if id(grad) in handed:
            grad = grad.clone()
        handed.add(id(grad))
        tensor.grad = grad
    else:
        tensor.grad = tensor.grad + grad


def _saved(fn, array) -> bool:
    """True when `fn` kept `array` (or a view of its memory) for its backward."""
    from .._backend import xp_of

    xp = xp_of(array)
    for v in fn.__dict__.values():
        if hasattr(v, "__array_interface__") or hasattr(v, "__cuda_array_interface__"):
            if v is array or xp.may_share_memory(v, array):
                return True
    return False


def mark_output_modified(t) -> None:
    """`t`'s array is about to be written in place through a view: if the node that made `t` kept that array for
    its backward (tanh, sigmoid, exp keep their output), that backward must refuse to run, as torch's does."""
    fn = t._ctx
    if fn is not None and not fn.freed and _saved(fn, t._data):
        fn.output_modified = (
            f"one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"the output of {type(fn).__name__} with shape {list(t._data.shape)} was written in place through a "
            f"view after it was computed. Write into a copy (`.clone()`) instead, as torch asks.")


def _modified_message(fn, t, expected: int) -> str:
    return (f"one of the variables needed for gradient computation has been modified by an inplace operation: "
            f"the input of {type(fn).__name__} with shape {list(t._data.shape)} is at version {t._version}; "
            f"expected version {expected} instead. Do the in-place update after backward(), or use an "
            f"out-of-place op (x = x + y instead of x += y)")


_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after they "
    "have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time."
)

