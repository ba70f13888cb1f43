"""`Function`: one differentiable primitive, with `forward` on raw arrays and `backward` giving input gradients.

A primitive never sees a `Tensor`: it receives arrays and returns an array. `apply()` wraps the call into the
graph: the output tensor remembers the function instance, which remembers its input tensors.
"""

from __future__ import annotations

from .grad_mode import _state
from .graph import Node, next_functions_of


class Function(Node):
    """Base class of all primitives.

    Subclasses implement `forward(*arrays, **options) -> array` (saving what backward needs on `self`) and
    `backward(grad) -> tuple` with one gradient array (or None) per input, shaped like that input. A backward
    written over `ns_of(grad)` (ops/_ns.py) that declares `tensor_saves` also runs on Tensors, which gives the
    primitive its second derivative (`create_graph=True`, see engine.py).
    """

    inputs: tuple = ()
    parents: tuple = ()  # each input's graph node when this node was recorded (None for a leaf)
    versions: tuple = ()  # each input's `_version` then: an in-place write since makes saved values stale
    needs_input_grad: tuple = ()
    freed = False
    # create_graph support (see engine.py): saved attribute -> input index or "out"; None = no 2nd derivative
    tensor_saves: dict | None = None
    # complex gradients (torch's conjugate-Wirtinger convention): False means `backward` is the real formula and
    # the engine passes conj(backward(conj(g))) for a complex g (exact for holomorphic ops); True means the
    # backward already gives torch's gradient (the non-holomorphic primitives of ops/complex.py and ops/fft.py)
    complex_backward = False

    def forward(self, *arrays, **options):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover - abstract
        raise NotImplementedError

    def release(self) -> None:
        """Drop everything saved for backward; a later backward through this node raises. Its torch name and
        its edges stay (`name()`, `next_functions`), as torch's do; leaves it held are let go."""
        d = self.__dict__  # (`in` and [] rather than .get or a comprehension: no call per node in the sweep)
        name = d["torch_name"] if "torch_name" in d else None
        parents = d["parents"] if "parents" in d else None
        needs = d["needs_input_grad"] if "needs_input_grad" in d else None
        edges = d["next_functions_"] if "next_functions_" in d else None
        torch_edges = d["torch_edges"] if "torch_edges" in d else None
        metadata = d["metadata_"] if "metadata_" in d else None
        d.clear()
        self.freed = True
        if name is not None:
            self.torch_name = name
        if parents is not None:
            self.parents, self.needs_input_grad = parents, needs
        if edges is not None:
            self.next_functions_ = edges
        if torch_edges is not None:
            self.torch_edges = torch_edges
        if metadata is not None:
            self.metadata_ = metadata

    def name(self) -> str:
        """torch's name of this backward node: 'MseLossBackward0', 'AddmmBackward0', ..."""
        from .._tensor.printing import grad_fn_name

        return grad_fn_name(self)

    @property
    def next_functions(self) -> tuple:
        """((node, 0), ...) per input: its grad_fn, its AccumulateGrad (a leaf requiring grad) or None."""
        d = self.__dict__
        if "next_functions_" not in d:
            d["next_functions_"] = next_functions_of(self)
        return d["next_functions_"]

    @property
    def metadata(self) -> dict:
        return self.__dict__.setdefault("metadata_", {})

    @classmethod
    def apply(cls, *args, **kwargs):
        """torch's custom-function call: `MyFn.apply(x, ...)` for a subclass with static `forward(ctx, ...)` and
        `backward(ctx, *grad_outputs)` on Tensors (see `custom_function`). Built-in primitives are run by the
        module function `apply(FnClass, *tensors)` instead."""
        from .custom_function import apply_custom

        return apply_custom(cls, *args, **kwargs)


def once_differentiable(fn):
    """torch's decorator for a custom backward that is not itself differentiable: with create_graph=True its
    gradients are computed without a graph, and a backward through them raises (as torch)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    wrapper.once_differentiable = True
    return wrapper


_wrap = None  # Tensor._wrap, bound on first use (tensor.py imports this module, not the other way round)


def _bind_wrap():
    global _wrap
    from ..tensor import Tensor

    _wrap = Tensor._wrap
    return _wrap


def apply(fn_class: type[Function], *tensors, **options):
    """Run a primitive on tensors and record it in the graph when any input needs a gradient.

    `needs_input_grad` is set before `forward`, so a primitive may skip saving what no gradient will use.
    """
    wrap = _wrap or _bind_wrap()
    fn = fn_class()
    if len(tensors) == 1:  # the common unary case, spelled out: this runs once per op
        t = tensors[0]
        if t.requires_grad and _state.enabled:
            fn.needs_input_grad = (True,)
            out = fn.forward(t._data, **options)
            fn.inputs, fn.parents, fn.versions = tensors, (t._ctx,), (t._version,)
            return wrap(out, fn)
        fn.needs_input_grad = (False,)
        return wrap(fn.forward(t._data, **options), None)
    if len(tensors) == 2:  # and the binary one
        a, b = tensors
        if _state.enabled and (a.requires_grad or b.requires_grad):
            fn.needs_input_grad = (a.requires_grad, b.requires_grad)
            out = fn.forward(a._data, b._data, **options)
            fn.inputs, fn.parents, fn.versions = tensors, (a._ctx, b._ctx), (a._version, b._version)
            return wrap(out, fn)
        fn.needs_input_grad = (False, False)
        return wrap(fn.forward(a._data, b._data, **options), None)
    needs = tuple([t.requires_grad for t in tensors]) if _state.enabled else (False,) * len(tensors)
    fn.needs_input_grad = needs
    out = fn.forward(*[t._data for t in tensors], **options)
    if True in needs:
        fn.inputs = tensors
        # the node, not the tensor, is the edge: an in-place op may later rebind the tensor to a new node
        fn.parents = tuple([t._ctx for t in tensors])
        fn.versions = tuple([t._version for t in tensors])
        return wrap(out, fn)
    return wrap(out, None)


from .custom_function import FunctionCtx  # noqa: E402,F401  (torch.autograd.function.FunctionCtx)
