"""`ModelGraph`: a model design as a graph of named blocks, edited through small calls, with undo and observers.

>>> g = ModelGraph()
>>> g.input("x", (2,))
'x'
>>> g.add("Linear", out_features=64)      # inputs=None: wired after the last block added
'fc1'
>>> g.add("Tanh")
'act1'
>>> g.add("Linear", out_features=3)
'fc2'
>>> g.output("fc2")
'out'
>>> r = g.infer_shapes()
>>> r.ok, r.shapes["fc2"], r.params["fc1"]
(True, (3,), 192)
"""

from __future__ import annotations

import traceback
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import registry
from .errors import GraphError, NodeNotFoundError
from .fields import FieldValueError
from .inference import ShapeReport, infer
from .names import fresh_name, name_problem
from .node import Node
from .spec import INPUT, OUTPUT

if TYPE_CHECKING:
    from nnstudio.nn import Module

DEFAULT_HISTORY = 100


@dataclass(frozen=True)
class GraphChange:
    """What an observer is told after an edit: the graph, the operation ("add", "remove", "update", "connect",
    "disconnect", "set_inputs", "rename", "replace", "undo", "redo", or a transaction's label) and the node names
    touched."""

    graph: ModelGraph
    op: str
    names: tuple[str, ...]


class ModelGraph:
    """A directed graph of named blocks: Input nodes, layers, merges and Output nodes.

    Edits raise `GraphError` (naming the node and field) for things that can never be right (an unknown layer
    type or setting, an out-of-range value, a duplicate name); a design that does not fit together yet (wrong
    shapes, missing wires, cycles) is allowed and reported by `infer_shapes()`.

    Args:
        history_limit: how many edits `undo()` can take back.
    """

    def __init__(self, *, history_limit: int = DEFAULT_HISTORY) -> None:
        if isinstance(history_limit, bool) or not isinstance(history_limit, int) or history_limit < 0:
            raise GraphError(f"history_limit must be an int >= 0, got {history_limit!r}")
        self._nodes: dict[str, Node] = {}
        self._undo: deque[dict[str, Node]] = deque(maxlen=history_limit)
        self._redo: list[dict[str, Node]] = []
        self._observers: list[Callable[[GraphChange], Any]] = []
        self._version = 0
        self._report: tuple[int, ShapeReport] | None = None
        self._tx_depth = 0
        self._tx_start: dict[str, Node] = {}
        self._tx_names: list[str] = []

    # ---- reading -----------------------------------------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[str, Node]:
        """name -> `Node`, in insertion order (read-only)."""
        return MappingProxyType(self._nodes)

    @property
    def inputs(self) -> list[str]:
        """The Input nodes' names, in order: the built module's forward arguments."""
        return [n for n, node in self._nodes.items() if node.type == "Input"]

    @property
    def outputs(self) -> list[str]:
        """The Output nodes' names, in order: what the built module returns (a tuple when several)."""
        return [n for n, node in self._nodes.items() if node.type == "Output"]

    @property
    def edges(self) -> list[tuple[str, str]]:
        """Every wire as (source, destination), by destination in insertion order then input position."""
        return [(s, n) for n, node in self._nodes.items() for s in node.inputs]

    @property
    def version(self) -> int:
        """A counter that changes on every change of the graph (edits, undo, redo)."""
        return self._version

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, name: object) -> bool:
        return name in self._nodes

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._nodes))

    def __getitem__(self, name: str) -> Node:
        return self._node(name)

    def consumers(self, name: str) -> list[str]:
        """The nodes that read ``name``'s output, in insertion order."""
        self._node(name)
        return [n for n, node in self._nodes.items() if name in node.inputs]

    def order(self) -> list[str]:
        """Every node in topological order (ties in insertion order; nodes on a cycle last)."""
        return list(self.infer_shapes().order)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Shown as a cell's last value: a diagram of the blocks with their shapes (text summary as fallback)."""
        from .diagram import mimebundle

        return mimebundle(self)

    def __repr__(self) -> str:
        r = self.infer_shapes()
        state = "ok" if r.ok else f"{len(r.problems())} problem(s)"
        return f"ModelGraph({len(self._nodes)} nodes, {state}, {r.total_params:,} parameters)"

    # ---- editing -----------------------------------------------------------------------------------------------
    def input(self, name: str, shape: Sequence[int] | int, dtype: str = "float32") -> str:
        """Add an Input node: one sample's ``shape`` without the batch dimension; dtype "float32" or "int64"
        (token ids for an Embedding). Returns the name."""
        return self.add("Input", name=name, inputs=[], shape=shape, dtype=dtype)

    def add(self, layer_type: str, name: str | None = None, inputs: Sequence[str] | None = None,
            **config: Any) -> str:
        """Add a block of ``layer_type`` (a registry name: "Linear", "Conv2d", "Add" ...) and return its name.

        Args:
            layer_type: the registry name.
            name: a Python identifier, unique in the graph (default: the type's prefix and a number, "fc1").
            inputs: the nodes feeding it, in order; None wires it after the last block added (none for an Input).
            **config: settings by torch argument name; the rest take the registry defaults.
        """
        spec = registry.get(layer_type)
        if name is None:
            name = self._auto_name(spec.prefix, spec.role)
        else:
            self._check_new_name(name)
        if inputs is None:
            last = [n for n, node in self._nodes.items() if node.type != "Output"]
            inputs = [last[-1]] if last and spec.inputs[1] != 0 else []
        srcs = self._check_inputs(name, spec.type, inputs)
        cfg = spec.defaults()
        cfg.update(self._check_config(name, spec.type, config))
        nodes = dict(self._nodes)
        nodes[name] = Node.make(name, spec.type, cfg, srcs)
        self._commit(nodes, "add", (name,))
        return name

    def output(self, src: str, name: str | None = None) -> str:
        """Add an Output node that returns ``src``'s output; returns its name ("out" unless taken)."""
        if name is None and "out" not in self._nodes:
            name = "out"
        return self.add("Output", name=name, inputs=[src])

    def connect(self, src: str, dst: str) -> None:
        """Wire ``src``'s output into ``dst`` as its next input."""
        node = self._node(dst)
        if src in node.inputs:
            raise GraphError(f"{src} is already wired into {dst}")
        self.set_inputs(dst, [*node.inputs, src], _op="connect")

    def disconnect(self, src: str, dst: str) -> None:
        """Remove the wire ``src`` -> ``dst``."""
        node = self._node(dst)
        if src not in node.inputs:
            raise GraphError(f"{src} is not wired into {dst} (its inputs: {', '.join(node.inputs) or 'none'})")
        self.set_inputs(dst, [s for s in node.inputs if s != src], _op="disconnect")

    def set_inputs(self, name: str, inputs: Sequence[str], *, _op: str = "set_inputs") -> None:
        """Make ``name``'s inputs exactly ``inputs``, in that order."""
        node = self._node(name)
        srcs = self._check_inputs(name, node.type, inputs)
        nodes = dict(self._nodes)
        nodes[name] = node.replace(inputs=srcs)
        self._commit(nodes, _op, (name,))

    def remove(self, name: str) -> None:
        """Remove a node and its wires (the nodes it fed lose that input)."""
        self._node(name)
        nodes = {}
        touched = [name]
        for n, node in self._nodes.items():
            if n == name:
                continue
            if name in node.inputs:
                node = node.replace(inputs=[s for s in node.inputs if s != name])
                touched.append(n)
            nodes[n] = node
        self._commit(nodes, "remove", tuple(touched))

    def update(self, name: str, **config: Any) -> None:
        """Change settings of ``name`` (torch argument names); None sets an auto/optional field to auto/None."""
        node = self._node(name)
        cfg = dict(node.config)
        cfg.update(self._check_config(name, node.type, config))
        nodes = dict(self._nodes)
        nodes[name] = node.replace(config=cfg)
        self._commit(nodes, "update", (name,))

    def rename(self, name: str, new_name: str) -> None:
        """Rename a node (its wires follow)."""
        self._node(name)
        if new_name == name:
            return
        self._check_new_name(new_name)
        nodes = {}
        for n, node in self._nodes.items():
            if n == name:
                node = node.replace(name=new_name)
            if name in node.inputs:
                node = node.replace(inputs=[new_name if s == name else s for s in node.inputs])
            nodes[node.name] = node
        if name in (getattr(self, "_weights", None) or {}):  # kept weights follow the block
            self._weights[new_name] = self._weights.pop(name)
        self._commit(nodes, "rename", (name, new_name))

    def replace_with(self, other: ModelGraph) -> None:
        """Make this design a copy of ``other``'s blocks (opening a file or a starter design), as one undoable
        edit; observers are told "replace" with every node name of both designs."""
        if not isinstance(other, ModelGraph):
            raise GraphError(f"replace_with needs a ModelGraph, got {type(other).__name__}")
        nodes = dict(other._nodes)
        if getattr(other, "_weights", None):  # the other design's kept weights come along (undo keeps them too)
            self._weights = {**(getattr(self, "_weights", None) or {}), **other._weights}
        self._commit(nodes, "replace", tuple(dict.fromkeys([*self._nodes, *nodes])))

    @contextmanager
    def transaction(self, label: str = "edit") -> Iterator[ModelGraph]:
        """Group edits into one undo step and one observer call; if the block raises, the graph is put back as
        it was before the (outermost) transaction and the exception propagates. For example::

            with g.transaction("insert dropout"):
                d = g.add("Dropout", inputs=["fc1"])
                g.set_inputs("act1", [d])
        """
        outer = self._tx_depth == 0
        if outer:
            self._tx_start, self._tx_names = self._nodes, []
        self._tx_depth += 1
        try:
            yield self
        except BaseException:
            self._tx_depth -= 1
            if outer and self._nodes is not self._tx_start:
                self._nodes = self._tx_start
                self._version += 1
            raise
        self._tx_depth -= 1
        if outer and self._nodes != self._tx_start:
            self._undo.append(self._tx_start)
            self._redo.clear()
            self._notify(label, tuple(dict.fromkeys(self._tx_names)))

    # ---- undo / redo / observers ---------------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        """Take back the last edit (or transaction); False when there is nothing to undo."""
        return self._travel(self._undo, self._redo, "undo")

    def redo(self) -> bool:
        """Apply again the last undone edit; False when there is nothing to redo."""
        return self._travel(self._redo, self._undo, "redo")

    def clear_history(self) -> None:
        """Forget the undo and redo steps."""
        self._undo.clear()
        self._redo.clear()

    def observe(self, callback: Callable[[GraphChange], Any]) -> Callable[[], None]:
        """Call ``callback(change)`` after every change (an edit, a transaction, undo, redo); returns a function
        that stops it. An observer that raises is reported as a warning and does not undo the edit."""
        if not callable(callback):
            raise GraphError(f"observe needs a callable, got {type(callback).__name__}")
        self._observers.append(callback)

        def unobserve() -> None:
            if callback in self._observers:
                self._observers.remove(callback)

        return unobserve

    # ---- analysis ------------------------------------------------------------------------------------------------
    def infer_shapes(self) -> ShapeReport:
        """Shapes, parameter counts and errors of every node (never raises; cached until the next change)."""
        if self._report is None or self._report[0] != self._version:
            self._report = (self._version, infer(self._nodes))
        return self._report[1]

    def describe(self) -> dict[str, Any]:
        """Everything a front end draws, as plain JSON-able data (see `nnstudio.graph.describe.describe`)."""
        from .describe import describe

        return describe(self)

    def summary(self) -> str:
        """A table of the nodes: name, type, output shape (with the batch as N) and parameters."""
        from .describe import summary

        return summary(self)

    def example_inputs(self, batch_size: int = 2, seed: int | None = 0) -> tuple:
        """Random input tensors for the built module, one per Input (int64 ids below the smallest vocabulary)."""
        from .build import example_inputs

        return example_inputs(self, batch_size, seed)

    # ---- conversion ----------------------------------------------------------------------------------------------
    def build(self) -> Module:
        """A fresh `nn.Module` (a `GraphModule`) whose submodules are named after the nodes; raises
        `GraphBuildError` listing every problem when the design is not ok."""
        from .build import build

        return build(self)

    def to_code(self, flavor: str = "nnstudio", class_name: str = "Model") -> str:
        """A readable Python module with one ``nn.Module`` class: flavor "nnstudio" or "torch"."""
        from .codegen import to_code

        return to_code(self, flavor, class_name)

    def to_dict(self) -> dict[str, Any]:
        """The design as plain data: ``{"format": "nnstudio.graph", "version": 1, "nodes": [...]}``."""
        from .serialize import to_dict

        return to_dict(self)

    def to_json(self) -> str:
        """The design as JSON text, one node per line (stable order: diffs show what changed)."""
        from .serialize import to_json

        return to_json(self)

    @classmethod
    def from_dict(cls, data: Any) -> ModelGraph:
        """Load a design from plain data (as `to_dict` gives); raises `GraphFormatError` listing every problem."""
        from .serialize import from_dict

        return from_dict(data, cls)

    @classmethod
    def from_json(cls, text: str | bytes) -> ModelGraph:
        """Load a design from JSON text; raises `GraphFormatError` listing every problem with its JSON path.
        Nothing in the file is executed, and a failed load returns nothing half-made."""
        from .serialize import from_json

        return from_json(text, cls)

    @classmethod
    def from_module(cls, module: Any, input_shape: Sequence[int], *, dtype: str | None = None,
                    auto: bool = True) -> ModelGraph:
        """The design of a module: any ``nn.Module`` whose ``forward`` can be traced (see `nnstudio.graph.trace`:
        layers become blocks named after their submodule path, ``encoder.layers.0`` -> ``encoder_layers_0``, the
        modules you wrote are inlined), an ``nn.Sequential`` (nested ones are inlined) or a module made by
        `build()`. The module's weights are kept beside the design, so ``build()`` starts from them (a block whose
        settings you change gets fresh weights); what cannot become a fixed design raises one `GraphError` naming
        the operation and the line of forward.

        Args:
            module: the module.
            input_shape: one sample's shape without the batch dimension.
            dtype: the Input's dtype (default: "int64" when the first layer is an Embedding, else "float32").
            auto: leave sizes that follow from the input (in_features, in_channels ...) as auto when they match.
        """
        from .convert import from_module

        return from_module(module, input_shape, dtype=dtype, auto=auto, graph_class=cls)

    def copy(self) -> ModelGraph:
        """An independent copy of the design (no history, no observers)."""
        g = type(self)(history_limit=self._undo.maxlen or 0)
        g._nodes = dict(self._nodes)
        if getattr(self, "_weights", None):  # the initial weights from_module kept (see weights.py)
            g._weights = dict(self._weights)
        return g

    # ---- internals -----------------------------------------------------------------------------------------------
    def _node(self, name: str) -> Node:
        try:
            return self._nodes[name]
        except (KeyError, TypeError):
            shown = ", ".join(list(self._nodes)[:12]) + (" ..." if len(self._nodes) > 12 else "")
            raise NodeNotFoundError(f"no node named {name!r} (nodes: {shown or 'none'})") from None

    def _auto_name(self, prefix: str, role: str) -> str:
        if role == INPUT and "x" not in self._nodes:
            return "x"
        if role == OUTPUT and "out" not in self._nodes:
            return "out"
        return fresh_name(prefix, self._nodes)

    def _check_new_name(self, name: str) -> None:
        problem = name_problem(name)
        if problem:
            raise GraphError(problem)
        if name in self._nodes:
            raise GraphError(f"a node named {name!r} already exists")

    def _check_inputs(self, name: str, layer_type: str, inputs: Sequence[str]) -> tuple[str, ...]:
        if isinstance(inputs, str) or not isinstance(inputs, Sequence):
            raise GraphError(f"{name}: inputs must be a list of node names, got {inputs!r}")
        spec = registry.get(layer_type)
        if spec.inputs[1] == 0 and inputs:
            raise GraphError(f"{name} is an {layer_type}: nothing can be wired into it")
        seen = set()
        for src in inputs:
            source = self._node(src)
            if src == name:
                raise GraphError(f"{name} cannot read its own output")
            if source.type == "Output":
                raise GraphError(f"{src} is an Output: nothing can read from it")
            if src in seen:
                raise GraphError(f"{src} is wired into {name} twice")
            seen.add(src)
        return tuple(inputs)

    def _check_config(self, name: str, layer_type: str, config: Mapping[str, Any]) -> dict[str, Any]:
        spec = registry.get(layer_type)
        out = {}
        for key, value in config.items():
            try:
                out[key] = spec.field(key).check(value)
            except KeyError as exc:
                raise GraphError(f"{name}: {exc.args[0]}") from None
            except FieldValueError as exc:
                raise GraphError(f"{name} ({layer_type}): {exc}") from None
        return out

    def _commit(self, nodes: dict[str, Node], op: str, names: tuple[str, ...]) -> None:
        if nodes == self._nodes and list(nodes) == list(self._nodes):
            return
        if self._tx_depth:
            self._nodes = nodes
            self._version += 1
            self._tx_names.extend(names)
            return
        self._undo.append(self._nodes)
        self._redo.clear()
        self._nodes = nodes
        self._version += 1
        self._notify(op, names)

    def _travel(self, source: Any, target: Any, op: str) -> bool:
        if self._tx_depth:
            raise GraphError(f"cannot {op} inside a transaction")
        if not source:
            return False
        target.append(self._nodes)
        before = self._nodes
        self._nodes = source.pop()
        self._version += 1
        changed = set(before) ^ set(self._nodes) | {n for n in self._nodes if n in before and
                                                     before[n] != self._nodes[n]}
        self._notify(op, tuple(n for n in [*before, *self._nodes] if n in changed))
        return True

    def _notify(self, op: str, names: tuple[str, ...]) -> None:
        change = GraphChange(self, op, tuple(dict.fromkeys(names)))
        for cb in list(self._observers):
            try:
                cb(change)
            except Exception:
                warnings.warn(f"a ModelGraph observer failed after '{op}':\n{traceback.format_exc()}",
                              RuntimeWarning, stacklevel=3)
