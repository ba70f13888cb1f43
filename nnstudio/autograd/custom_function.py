"""torch's custom autograd functions: `class F(torch.autograd.Function)` with static `forward(ctx, ...)` and
`backward(ctx, *grad_outputs)` on Tensors, called as `F.apply(...)`.

`apply_custom` runs the user's forward without recording, then puts ONE graph node (`CustomNode`) between the
tensor inputs and the outputs. Several differentiable outputs are packed into one flat array the node returns,
and each output is a differentiable slice of it, so the engine (one output per node) needs no change. The node's
backward hands the user's backward one gradient Tensor per output (zeros where an output got none, as torch's
`materialize_grads`) and checks what comes back: one entry per forward argument, None or a gradient of the
argument's shape.

Under create_graph the node's backward gets a Tensor: the user's backward then runs with grad mode on, on
Tensors with history (saved outputs are swapped for the node's own outputs, so their derivative is counted), and
its results are returned as they are: a backward written in differentiable tensor ops has a second derivative,
as in torch. A backward marked `@once_differentiable` runs without a graph, and differentiating its result raises.
"""

from __future__ import annotations

import math

from .function import Function
from .grad_mode import _state, no_grad


class FunctionCtx:
    """The `ctx` of a custom function: what forward leaves for backward."""

    def __init__(self, needs_input_grad: tuple):
        self.needs_input_grad = needs_input_grad
        self.to_save: tuple = ()
        self.non_differentiable: set = set()
        self.materialize_grads = True

    def save_for_backward(self, *tensors) -> None:
        """Tensors (or None) backward reads back as `ctx.saved_tensors`."""
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        return self.to_save

    def mark_non_differentiable(self, *tensors) -> None:
        """Outputs that get no gradient (such as indices)."""
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors) -> None:
        """Accepted for compatibility: in-place writes are tracked by the tensors' versions."""

    def set_materialize_grads(self, value: bool) -> None:
        """False: backward gets None (not zeros) for outputs that received no gradient."""
        self.materialize_grads = bool(value)


class CustomNode(Function):
    """The graph node of one call of a custom function (see the module docstring)."""

    tensor_saves = {"packed": "out"}  # under create_graph: the packed outputs with this node as grad_fn
    complex_backward = True  # a custom backward receives torch's complex gradient as it is

    def backward(self, grad):
        from ..tensor import Tensor

        graph = isinstance(grad, Tensor)
        once = getattr(self.user_backward, "once_differentiable", False)
        flat = grad.reshape(-1)
        grads = []
        for start, shape, out in self.layout:
            if out is None:  # a non-differentiable output: zeros (or None)
                grads.append(None)
                continue
            piece = flat[start:start + math.prod(shape)].reshape(shape)
            grads.append(piece if graph else Tensor._wrap(piece, None))
        if self.ctx.materialize_grads:  # zeros for each tensor output that got no gradient, as torch
            grads = [Tensor._wrap(xp_zeros(out), None) if g is None and out is not None else g
                     for g, out in zip(grads, self.outputs)]
        ctx = self.ctx
        if graph and not once:
            ctx = self._ctx_with_graph_outputs()
            result = self.user_backward(ctx, *grads)
        else:
            with no_grad():
                result = self.user_backward(ctx, *(g.detach() if graph and g is not None else g for g in grads))
        result = result if isinstance(result, tuple) else (result,)
        while len(result) > self.n_args and result[-1] is None:  # extra trailing Nones are allowed, as torch
            result = result[:-1]
        name = f"{self.cls_name}Backward"
        if len(result) != self.n_args:
            raise RuntimeError(f"function {name} returned an incorrect number of gradients (expected {self.n_args}, "
                               f"got {len(result)}): return one per argument of forward, None for those that need "
                               f"none")
        out = []
        for index, tensor in self.arg_tensors:
            g = result[index]
            if g is None:
                out.append(None)
                continue
            if not isinstance(g, Tensor):
                raise TypeError(f"function {name} returned a {type(g).__name__} as the gradient at index {index}; "
                                f"expected a Tensor or None")
            if tuple(g.shape) != tuple(tensor.shape):
                if g._data.size != tensor._data.size:
                    raise RuntimeError(f"function {name} returned an invalid gradient at index {index} - got "
                                       f"{list(g.shape)} but expected shape compatible with {list(tensor.shape)}")
                g = g.reshape(tensor.shape)
            if graph and once:
                from .function import apply

                g = apply(_OnceDifferentiableGrad, *self.inputs, value=g._data, name=name)
            out.append(g if graph else g._data)
        return tuple(out)

    def _ctx_with_graph_outputs(self):
        """A copy of ctx whose saved tensors (and attributes) that are forward outputs are the node's outputs with
        history (`self.packed` is a Tensor here, lifted by `tensor_saves`)."""
        import copy

        packed = self.packed
        single = sum(1 for start, _, out in self.layout if out is not None) == 1
        swap = {}
        for start, shape, out in self.layout:
            if out is not None:
                swap[id(out)] = packed if single else packed[start:start + math.prod(shape)].reshape(shape)
        ctx = copy.copy(self.ctx)
        ctx.to_save = tuple(swap.get(id(t), t) for t in self.ctx.to_save)
        for key, value in vars(self.ctx).items():
            if key != "to_save" and id(value) in swap:
                setattr(ctx, key, swap[id(value)])
        return ctx


class _OnceDifferentiableGrad(Function):
    """The gradient a @once_differentiable backward gave under create_graph: differentiating it raises."""

    def forward(self, *inputs, value=None, name=""):
        self.fn_name = name
        return value

    def backward(self, grad):
        raise RuntimeError(f"trying to differentiate twice a function that was marked with @once_differentiable "
                           f"({self.fn_name})")


def xp_zeros(tensor):
    from .._backend import xp_of

    return xp_of(tensor._data).zeros(tensor._data.shape, dtype=tensor._data.dtype)


def apply_custom(cls, *args, **kwargs):
    """`cls.apply(*args)` for a torch-style custom function `cls` (static forward(ctx, ...) / backward; a static
    `jvp(ctx, *tangents)` gives its outputs' tangents under forward AD, see forward_ad.py)."""
    from ..tensor import Tensor

    recording = _state.enabled
    needs = tuple(isinstance(a, Tensor) and a.requires_grad and recording for a in args)
    ctx = FunctionCtx(needs)
    setup = getattr(cls, "setup_context", None)
    with no_grad():  # with a setup_context (torch >= 2.0 style), forward takes no ctx: setup_context fills it
        result = cls.forward(*args, **kwargs) if setup is not None else cls.forward(ctx, *args, **kwargs)
    if setup is not None:
        setup(ctx, args, result)
    result = _record(cls, ctx, needs, args, result)
    if getattr(cls, "jvp", None) is not None:
        from .forward_ad import custom_jvp

        return custom_jvp(cls, ctx, args, result)
    return result


def _record(cls, ctx, needs: tuple, args: tuple, result):
    """Put the graph node of one call of `cls` between its tensor arguments and `result` (the forward's)."""
    from ..tensor import Tensor
    if not any(needs):
        return result
    outputs = result if isinstance(result, tuple) else (result,)
    node = CustomNode()
    node.ctx, node.user_backward, node.cls_name, node.n_args = ctx, cls.backward, cls.__name__, len(args)
    node.arg_tensors = [(i, a) for i, a in enumerate(args) if isinstance(a, Tensor)]
    inputs = tuple(a for _, a in node.arg_tensors)
    node.inputs = inputs
    node.parents = tuple(t._ctx for t in inputs)
    node.versions = tuple(t._version for t in inputs)
    node.needs_input_grad = tuple(t.requires_grad for t in inputs)
    differentiable = [isinstance(o, Tensor) and o._data.dtype.kind in "fc" and id(o) not in ctx.non_differentiable
                      for o in outputs]
    node.outputs = [o if isinstance(o, Tensor) else None for o in outputs]
    if not any(differentiable):
        return result
    xp_arrays = [o._data for o, d in zip(outputs, differentiable) if d]
    dtype = xp_arrays[0].dtype
    layout, start = [], 0
    for o, d in zip(outputs, differentiable):
        if d:
            layout.append((start, tuple(o._data.shape), o))
            start += o._data.size
        else:
            layout.append((None, None, None))
    node.layout = layout
    if len(xp_arrays) == 1:  # one differentiable output: the node returns it as it is
        packed = xp_arrays[0]
    else:
        packed = _concat(xp_arrays, dtype)
    node.packed = packed
    packed_t = Tensor._wrap(packed, node)
    wrapped = []
    for o, (s, shape, kept) in zip(outputs, layout):
        if kept is None:
            wrapped.append(o)
        elif len(xp_arrays) == 1:
            wrapped.append(packed_t)
        else:
            wrapped.append(packed_t[s:s + math.prod(shape)].reshape(shape))
    return tuple(wrapped) if isinstance(result, tuple) else wrapped[0]


def _concat(arrays: list, dtype):
    from .._backend import xp_of

    return xp_of(arrays[0]).concatenate([a.reshape(-1).astype(dtype, copy=False) for a in arrays])
