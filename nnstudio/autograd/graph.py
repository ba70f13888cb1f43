"""torch.autograd.graph's view of the backward graph: `Node`, with torch's name for each node (`name()`), its
edges (`next_functions`) and the `AccumulateGrad` node that stands for a leaf which requires grad.

    >>> loss.grad_fn.name()                      # 'MseLossBackward0'
    >>> loss.grad_fn.next_functions              # ((<AddmmBackward0 object at ...>, 0), (None, 0))
    >>> acc = ...next_functions[0][0]; acc.variable is model.weight

Each edge is `(node, output index)`: the input's own grad_fn, the leaf's AccumulateGrad (the same object while
it lives, as torch's), or None for an input that needs no gradient. nnstudio's nodes have one output, so the
index is 0. Display and walking only: the backward sweep (engine.py) reads the nodes' own fields.
"""

from __future__ import annotations

import weakref


class Node:
    """A node of the backward graph (torch.autograd.graph.Node): every `grad_fn` is one."""

    __slots__ = ()

    def name(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def next_functions(self) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{self.name()} object at {hex(id(self))}>"


class TorchNode(Node):
    """A node that torch's graph has where nnstudio's primitive does the work itself: the `TBackward0` between
    `AddmmBackward0` and a Linear layer's weight (torch transposes the weight, nnstudio's Linear does not)."""

    __slots__ = ("_name", "_edges", "metadata")

    def __init__(self, name: str, edges: tuple) -> None:
        self._name, self._edges, self.metadata = name, edges, {}

    def name(self) -> str:
        return self._name

    @property
    def next_functions(self) -> tuple:
        return self._edges


_TORCH_NODE_CLASSES: dict = {}


def torch_node(name: str, edges: tuple) -> TorchNode:
    """A TorchNode whose class is named `name` too (`type(node).__name__ == "TBackward0"`, as in torch)."""
    cls = _TORCH_NODE_CLASSES.get(name)
    if cls is None:
        cls = _TORCH_NODE_CLASSES[name] = type(name, (TorchNode,), {"__slots__": ()})
    return cls(name, edges)


class AccumulateGrad(Node):
    """The node that adds a leaf's gradient into its `.grad`; `variable` is the leaf (None once the node that
    led here has run its backward and let go of its inputs)."""

    __slots__ = ("variable", "metadata", "__weakref__")

    def __init__(self, variable) -> None:
        self.variable = variable
        self.metadata: dict = {}

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    @property
    def next_functions(self) -> tuple:
        return ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


_TORCH_CLASSES: dict = {}  # (primitive class, torch's node name) -> the subclass of that name


def as_torch_class(node):
    """`node`, now an instance of a subclass of its primitive named as torch's node class is (`Mean` computing an
    mse_loss becomes a `MseLossBackward0`), so that `type(loss.grad_fn).__name__` reads as in torch, as graph
    drawing tools (torchviz) print it. Behaviour and isinstance checks are the primitive's. Done when a program
    first reaches the node (`Tensor.grad_fn`, `next_functions`), never in the training step's own path."""
    cls = type(node)
    if node is None or cls.__dict__.get("torch_class", False) or not hasattr(node, "next_functions"):
        return node
    name = node.name()
    torch_cls = _TORCH_CLASSES.get((cls, name))
    if torch_cls is None:
        torch_cls = type(name, (cls,), {"torch_class": True, "primitive": cls.__name__, "__module__": cls.__module__,
                                       "__doc__": f"torch's {name}: nnstudio's {cls.__name__} primitive."})
        _TORCH_CLASSES[(cls, name)] = torch_cls
    try:
        node.__class__ = torch_cls
    except TypeError:  # a primitive with its own __slots__: it keeps its class
        pass
    return node


_ACCUMULATORS: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # id(leaf) -> its AccumulateGrad


def accumulate_grad(leaf) -> AccumulateGrad:
    """The AccumulateGrad node of `leaf`: one object per leaf while anyone holds it (it holds the leaf, so the
    id is the leaf's for as long as the entry lives)."""
    if leaf is None:
        return AccumulateGrad(None)
    node = _ACCUMULATORS.get(id(leaf))
    if node is None or node.variable is not leaf:
        node = AccumulateGrad(leaf)
        _ACCUMULATORS[id(leaf)] = node
    return node


def edges_to(tensors) -> tuple:
    """What a node built from `tensors` points to, kept without holding their data: (grad_fn, None) for a
    result of another op, (None, leaf) for a leaf that requires grad, (None, None) for the rest."""
    return tuple([(t._ctx, None) if t._ctx is not None else (None, t if t.requires_grad else None)
                  for t in tensors])


def next_functions_of(fn) -> tuple:
    """((node, 0), ...) for each input of the recorded primitive `fn`, in order (torch's `next_functions`); a
    node that stands for a composed op (`autograd.names.as_torch_composite`) points to the op's inputs, and a
    primitive that torch splits in two gives torch's layout (`torch_edges`)."""
    d = fn.__dict__
    if "torch_edges" in d:
        return tuple([((as_torch_class(node) if node is not None else accumulate_grad(leaf) if leaf is not None
                        else None), 0) for node, leaf in d["torch_edges"]])
    inputs = d.get("inputs")  # gone once fn has run its backward without retain_graph
    edges = []
    for i, (parent, need) in enumerate(zip(fn.parents, fn.needs_input_grad)):
        if parent is not None:
            edges.append((as_torch_class(parent), 0))
        elif need:
            edges.append((accumulate_grad(inputs[i] if inputs else None), 0))
        else:
            edges.append((None, 0))
    layout = getattr(fn, "torch_layout", None)
    return layout(tuple(edges)) if layout is not None else tuple(edges)
