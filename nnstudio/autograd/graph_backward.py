"""One node's backward on Tensors, recording a graph of the gradient (`create_graph=True`; see engine.py).

The node's own `backward(g)` runs on a twin of the node whose saved arrays named in `tensor_saves` are Tensors
with history: the same code as the fast path, now over `ops._ns.TENSOR` because `g` is a Tensor.

A fused primitive whose analytic backward is a long array program (a whole RNN sequence, attention) may instead
define `composite(*tensors)`: the same forward written with differentiable primitives. Under create_graph its
forward is replayed that way on the inputs (through pass-through nodes, so the inputs' hooks do not run twice)
and the gradient is that composite's, with its graph: the fused backward stays the fast path, the composite is
the reference that gives every higher derivative.
"""

from __future__ import annotations

from .function import Function


def no_second_derivative(fn) -> NotImplementedError:
    name = getattr(fn, "torch_name", None) or type(fn).__name__
    return NotImplementedError(
        f"create_graph=True: the backward of {type(fn).__name__} ({name}) is not differentiable yet in "
        f"nnstudio (it has no second derivative); compute this gradient without create_graph, or express "
        f"the op with differentiable primitives")


def _lift_input(fn, i: int, wrap):
    """Input `i` of `fn` as a Tensor with the history it had when `fn` was recorded."""
    t, parent = fn.inputs[i], fn.parents[i]
    if parent is None:  # a leaf (or a constant): the tensor itself, so gradients reach its identity
        return t
    lifted = wrap(t._data, parent)
    lifted.requires_grad = True
    return lifted


def _lift_output(fn, array, g, wrap):
    """The node's output as a Tensor whose grad_fn is the node (`array` may be it with kept dims)."""
    shape = tuple(g.shape)
    out = wrap(array if tuple(array.shape) == shape else array.reshape(shape), fn)
    return out if tuple(array.shape) == shape else out.reshape(tuple(array.shape))


class PassThrough(Function):
    """z = a: a fresh edge to an input's history, so a nested autograd.grad can stop at it (composite replay)."""

    tensor_saves: dict = {}

    def forward(self, a):
        return a

    def backward(self, g):
        return (g,)


def _pass_through(fn, i: int, wrap):
    t = fn.inputs[i]
    if not fn.needs_input_grad[i]:
        return t
    node = PassThrough()
    node.inputs, node.parents, node.versions, node.needs_input_grad = (t,), (fn.parents[i],), (t._version,), (True,)
    return wrap(t._data, node)


def _composite_backward(fn, g, wrap) -> tuple:
    """create_graph through `fn.composite`: replay the forward with differentiable ops, differentiate that."""
    from .functional_grad import grad

    lifted = [_pass_through(fn, i, wrap) for i in range(len(fn.inputs))]
    out = fn.composite(*lifted)
    wanted = [i for i, need in enumerate(fn.needs_input_grad) if need]
    found = grad(out, [lifted[i] for i in wanted], g, create_graph=True, allow_unused=True)
    result: list = [None] * len(lifted)
    for i, gi in zip(wanted, found):
        result[i] = gi
    return tuple(result)


def graph_backward(fn, g, wrap) -> tuple:
    """Input gradients of `fn` for the output gradient `g` (a Tensor), as Tensors carrying their graph."""
    saves = type(fn).tensor_saves
    if saves is None:
        if getattr(fn, "composite", None) is not None:
            return _composite_backward(fn, g, wrap)
        raise no_second_derivative(fn)
    twin = object.__new__(type(fn))
    twin.__dict__.update(fn.__dict__)
    for attr, role in saves.items():
        if isinstance(role, int):  # input `role`, whatever the fast path kept (None, a view, nothing)
            if role < len(fn.inputs):
                setattr(twin, attr, _lift_input(fn, role, wrap))
            continue
        if role == "inputs":  # the tuple of all inputs (a table-generated primitive keeps their arrays so)
            setattr(twin, attr, tuple(_lift_input(fn, i, wrap) for i in range(len(fn.inputs))))
            continue
        array = fn.__dict__.get(attr)
        if array is None:
            continue
        if role != "out":
            raise ValueError(f"{type(fn).__name__}.tensor_saves[{attr!r}] = {role!r}: expected an input index, "
                             f"'out' or 'inputs'")
        setattr(twin, attr, _lift_output(fn, array, g, wrap))
    grads = twin.backward(g)
    if not isinstance(grads, tuple):
        grads = (grads,)
    return tuple(None if ig is None else ig if hasattr(ig, "_ctx") else wrap(ig, None) for ig in grads)
