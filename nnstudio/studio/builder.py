"""`BuilderWidget`: the model builder's Python side (an anywidget whose front end is ``widgets/builder.js``).

Python is the single source of truth. The browser sends edit commands as custom messages, each a dict with a
``cmd`` key (see :meth:`BuilderWidget.apply_command`); Python applies them to its `ModelGraph`, re-runs
`infer_shapes()` and publishes the new ``view`` trait (nodes with shapes, parameter counts and errors, edges, the
palette, the selection and the inspector form). Tests drive the widget through the same dicts, no browser needed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from . import builder_graph as G
from .builder_fields import FieldError, FieldSpec, display_value, parse_field
from .files import UnsafePathError, list_designs, load_text, save_text

HISTORY_LIMIT = 200
EDIT_COMMANDS = frozenset({"add", "remove", "update", "rename", "move", "connect", "disconnect", "undo", "redo",
                           "design", "load"})


def asset(name: str) -> Path:
    """Path of a front-end file: the wheel ships ``widgets/`` as ``nnstudio/_widgets``; an editable install
    reads the repository's ``widgets/`` folder next to the package."""
    try:
        packaged = resources.files("nnstudio") / "_widgets" / name
        if packaged.is_file():
            return Path(str(packaged))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    return Path(__file__).resolve().parents[2] / "widgets" / name


def _shape(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list | tuple) and value and isinstance(value[0], list | tuple):
        return [list(v) for v in value]
    try:
        return [int(v) for v in value]
    except TypeError:
        return str(value)


_SUMMARY_FIELDS = {
    "Linear": ("out_features",), "Conv1d": ("out_channels", "kernel_size"), "Conv2d": ("out_channels", "kernel_size"),
    "Conv3d": ("out_channels", "kernel_size"), "Dropout": ("p",), "RNN": ("hidden_size",), "LSTM": ("hidden_size",),
    "GRU": ("hidden_size",), "Embedding": ("num_embeddings", "embedding_dim"), "Concat": ("dim",),
    "MultiheadAttention": ("embed_dim", "num_heads"), "Input": (),
}


def _summary(node: G.NodeView) -> str:
    keys = _SUMMARY_FIELDS.get(node.type)
    if keys is None:
        keys = ("kernel_size",) if "kernel_size" in node.config else ()
    parts = []
    for k in keys:
        v = node.config.get(k)
        if v is None:
            continue
        text = ", ".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
        parts.append(f"k={text}" if k == "kernel_size" else text)
    return " · ".join(parts)


class BuilderWidget(anywidget.AnyWidget):
    """Edit a `ModelGraph` in the browser: palette, canvas, inspector, undo/redo, export, save/load.

    Args:
        graph: the `ModelGraph` to edit (a starter design when None).
        folder: where Save/Load read and write design files (the notebook's folder: the kernel's working folder).
        design: the starter design's name shown in the design picker.
    """

    _esm = asset("builder.js")
    _css = asset("builder.css")
    view = traitlets.Dict().tag(sync=True)

    def __init__(self, graph: Any = None, *, folder: str | os.PathLike | None = None, design: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.graph = graph if graph is not None else self._starter(design)[1]
        self.design = design if graph is None else None
        if graph is None and self.design is None:
            self.design = self._starter(None)[0]
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.selected: str | None = None
        self.field_errors: dict[str, dict[str, Any]] = {}
        self.message: dict[str, Any] = {}
        self.filename = ""
        self.export: dict[str, Any] | None = None
        self.confirm: dict[str, Any] | None = None
        self._pending: dict[str, Any] | None = None
        self._undo: list[str] = []
        self._redo: list[str] = []
        self._rev = 0
        self._ack = 0
        self._listeners: list[Callable[[Any], None]] = []
        #: a callable returning a sentence when an edit must first stop training (set by the Studio), else None
        self.edit_guard: Callable[[], str | None] | None = None
        #: called when the user confirms "stop training and edit"
        self.stop_training: Callable[[], None] | None = None
        self.last_result: Any = None
        self.on_msg(self._on_msg)
        self.refresh()

    # ---- public API -------------------------------------------------------------------------------------------
    def on_graph_change(self, callback: Callable[[Any], None]) -> None:
        """Call ``callback(graph)`` after every edit that changed the graph (not after select/export/save)."""
        self._listeners.append(callback)

    def apply_command(self, msg: dict[str, Any]) -> None:
        """Apply one front-end command (the same dict the browser sends) and publish the new view.

        Commands: ``hello``; ``select {name}``; ``add {layer, after}``; ``remove {name}``;
        ``rename {name, new_name}``;
        ``update {name, field, value}``; ``revert {name, field}``; ``move {name, after}``; ``connect {src, dst}``;
        ``disconnect {src, dst}``; ``undo``; ``redo``; ``export``; ``save {filename}``; ``load {filename}``;
        ``design {name}``; ``confirm``; ``cancel``. Problems become a ``message`` (or a field error), never an
        exception.
        """
        if not isinstance(msg, dict) or not isinstance(msg.get("cmd"), str):
            self._say("error", "ignored a malformed command")
            self.refresh()
            return
        cmd = msg["cmd"]
        self._ack = msg.get("seq", self._ack) if isinstance(msg.get("seq"), int) else self._ack
        if cmd in EDIT_COMMANDS and self.edit_guard is not None:
            reason = self.edit_guard()
            if reason:
                self._pending = msg
                self.confirm = {"text": reason, "yes": "Stop training and edit", "no": "Keep training"}
                self.refresh()
                return
        handler = getattr(self, f"_cmd_{cmd}", None)
        if handler is None:
            self._say("error", f"unknown command '{cmd}'")
        else:
            if cmd not in ("hello", "select", "export"):
                self.message = {}
            try:
                handler(msg)
            except (FieldError, UnsafePathError) as exc:  # pragma: no cover - handlers catch their own
                self._say("error", str(exc))
            except Exception as exc:
                self._say("error", f"{cmd}: {exc}")
        self.refresh()

    def set_graph(self, graph: Any, *, design: str | None = None, record: bool = True) -> None:
        """Replace the edited graph (undoable when ``record``)."""
        if record:
            self._checkpoint()
        self.graph = graph
        self.design = design
        self.selected = None
        self.field_errors = {}
        self._changed()
        self.refresh()

    def fit_to_data(self, input_shape: tuple[int, ...], num_outputs: int = 0,
                    check: Callable[[Any], None] | None = None) -> None:
        """Make the design read ``input_shape`` (the single Input's shape) and, when the output comes from a
        Linear, give ``num_outputs`` outputs; one undoable edit. Raises ValueError when the design then does not
        fit, or what ``check(graph)`` raises (a further test of the fitted design); the edit is then taken back."""
        views = G.nodes(self.graph)
        inputs = [v for v in views if G.is_input(v.type)]

        def edit() -> None:
            if len(inputs) == 1 and tuple(inputs[0].config.get("shape") or ()) != tuple(input_shape):
                self.graph.update(inputs[0].name, shape=tuple(input_shape))
            for out in (v for v in views if G.is_output(v.type) and v.inputs):
                head = next(v for v in views if v.name == out.inputs[0])
                if num_outputs and head.type == "Linear" and head.config.get("out_features") != num_outputs:
                    self.graph.update(head.name, out_features=num_outputs)

        version = self._version()
        self._edit(edit)
        result = self.graph.infer_shapes()
        problem: Exception | None = None
        if not getattr(result, "ok", True):
            problems = "; ".join(dict(getattr(result, "errors", {}) or {}).values())
            problem = ValueError(f"the design does not fit data of shape {tuple(input_shape)}: {problems}")
        elif check is not None:
            try:
                check(self.graph)
            except Exception as exc:  # noqa: BLE001 - re-raised below, after taking the edit back
                problem = exc
        if problem is not None:
            if self._version() != version and self._undo:
                self._restore(self._undo.pop())
                self._changed()
            self.refresh()
            raise problem
        self._say("info", f"fitted the design to the data: input {tuple(input_shape)}"
                  + (f", {num_outputs} outputs" if num_outputs else ""))
        self.refresh()

    # ---- view -------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Run shape inference and publish the view state to the browser."""
        self.view = self.build_view()

    def build_view(self) -> dict[str, Any]:
        """The whole synced state: a plain JSON-able dict (see ``widgets/builder.js`` for its reader)."""
        result = self.graph.infer_shapes()
        self.last_result = result
        views = G.nodes(self.graph)
        order = list(getattr(result, "order", ()) or ())
        if len(order) == len(views):
            by_name = {v.name: v for v in views}
            views = [by_name[n] for n in order]
        else:
            views = G.topo_order(views)
        self._resolved = dict(getattr(result, "resolved", {}) or {})
        graph_errors = list(getattr(result, "graph_errors", ()) or ())
        outs = set(G.outputs(self.graph))
        errors = dict(getattr(result, "errors", {}) or {})
        shapes = dict(getattr(result, "shapes", {}) or {})
        params = dict(getattr(result, "params", {}) or {})
        blocked = set(getattr(result, "blocked", ()) or ())
        nodes = []
        edges = []
        for v in views:
            role = "input" if G.is_input(v.type) else "output" if (G.is_output(v.type)) else None
            shape = _shape(shapes.get(v.name))
            err = errors.get(v.name)
            is_blocked = v.name in blocked or (shape is None and err is None and role != "input")
            nodes.append({
                "name": v.name, "type": v.type, "category": G.layer_category(v.type), "role": role,
                "shape": shape, "params": int(params.get(v.name) or 0), "error": err, "blocked": is_blocked,
                "summary": _summary(v), "help": G.layer_help(v.type), "inputs": list(v.inputs),
                "is_output": v.name in outs,
            })
            edges += [[s, v.name] for s in v.inputs]
        names = [v.name for v in views]
        if self.selected not in names:
            self.selected = None
        ok = bool(getattr(result, "ok", not errors))
        total = sum(n["params"] for n in nodes) if ok else None
        self._rev += 1
        return {
            "rev": self._rev, "ack": self._ack, "nodes": nodes, "edges": edges, "ok": ok,
            "error_count": len(errors) + len(graph_errors), "graph_errors": graph_errors,
            "total_params": total, "selected": self.selected,
            "inspector": self._inspector(views, shapes, params, errors), "field_errors": self.field_errors,
            "palette": self._palette(), "can_undo": bool(self._undo), "can_redo": bool(self._redo),
            "message": self.message, "designs": self._designs(), "design": self.design or "",
            "design_titles": self._design_titles(),
            "files": list_designs(self.folder), "filename": self.filename, "export": self.export,
            "confirm": self.confirm,
        }

    _palette_cache: list | None = None

    def _palette(self) -> list:
        if BuilderWidget._palette_cache is None:
            BuilderWidget._palette_cache = G.palette()
        return BuilderWidget._palette_cache

    def _inspector(self, views: list[G.NodeView], shapes: dict, params: dict, errors: dict) -> dict | None:
        if self.selected is None:
            return None
        v = next(x for x in views if x.name == self.selected)
        fields = []
        for spec in self._specs(v.type):
            value = v.config.get(spec.name, spec.default)
            fields.append({
                "name": spec.name, "kind": spec.kind, "value": value if not isinstance(value, tuple) else list(value),
                "display": display_value(spec, value), "optional": spec.optional, "min": spec.min, "max": spec.max,
                "choices": spec.choices, "help": spec.help, "default": _jsonable(spec.default),
                "inferred": self._inferred(v, spec.name, shapes),
            })
        order = [x.name for x in views]
        idx = order.index(v.name)
        downstream = self._downstream(views, v.name)
        candidates = [n for n in order[:idx] if n not in v.inputs and n not in downstream
                      and not G.is_output(next(x for x in views if x.name == n).type)]
        role = "input" if G.is_input(v.type) else "output" if G.is_output(v.type) else None
        return {
            "name": v.name, "type": v.type, "role": role, "help": G.layer_help(v.type),
            "formula": G.layer_formula(v.type), "shape": _shape(shapes.get(v.name)),
            "params": params.get(v.name), "error": errors.get(v.name), "fields": fields, "inputs": list(v.inputs),
            "candidates": candidates, "merge": G.is_merge(v.type), "removable": True,
        }

    def _inferred(self, v: G.NodeView, field: str, shapes: dict) -> Any:
        """The value an 'auto' field takes from the input shape (shown as the field's placeholder)."""
        resolved = getattr(self, "_resolved", {}).get(v.name)
        if resolved is not None and resolved.get(field) is not None:
            value = resolved[field]
            return list(value) if isinstance(value, tuple) else value
        if field not in ("in_features", "in_channels", "num_features", "input_size") or not v.inputs:
            return None
        shape = shapes.get(v.inputs[0])
        if not shape:
            return None
        try:
            return int(shape[-1] if field in ("in_features", "input_size") else shape[0])
        except (TypeError, ValueError, IndexError):
            return None

    @staticmethod
    def _downstream(views: list[G.NodeView], name: str) -> set[str]:
        out, frontier = {name}, [name]
        while frontier:
            n = frontier.pop()
            for v in views:
                if n in v.inputs and v.name not in out:
                    out.add(v.name)
                    frontier.append(v.name)
        return out

    _spec_cache: dict[str, list[FieldSpec]] = {}

    def _specs(self, layer_type: str) -> list[FieldSpec]:
        if layer_type not in BuilderWidget._spec_cache:
            try:
                BuilderWidget._spec_cache[layer_type] = G.field_specs(layer_type)
            except Exception:
                BuilderWidget._spec_cache[layer_type] = []
        return BuilderWidget._spec_cache[layer_type]

    # ---- helpers ----------------------------------------------------------------------------------------------
    def _say(self, level: str, text: str) -> None:
        self.message = {"level": level, "text": text}

    def _snapshot(self) -> Any:
        """A detached copy of the design for the undo stack (nodes are immutable, so a copy is cheap)."""
        return self.graph.copy() if hasattr(self.graph, "copy") else self.graph.to_json()

    def _version(self) -> Any:
        return getattr(self.graph, "version", None) if hasattr(self.graph, "copy") else self.graph.to_json()

    def _checkpoint(self) -> None:
        self._undo.append(self._snapshot())
        del self._undo[:-HISTORY_LIMIT]
        self._redo.clear()

    def _restore(self, snap: Any) -> None:
        if isinstance(snap, str):
            from nnstudio.graph import ModelGraph

            snap = ModelGraph.from_json(snap)
        self.graph = snap

    def _changed(self) -> None:
        self.export = None
        for cb in list(self._listeners):
            cb(self.graph)

    def _edit(self, fn: Callable[[], Any]) -> Any:
        """Run an edit as one undo step; on failure restore the graph exactly as it was and re-raise."""
        before, version = self._snapshot(), self._version()
        try:
            out = fn()
        except Exception:
            self._restore(before)
            raise
        if self._version() != version:
            self._undo.append(before)
            del self._undo[:-HISTORY_LIMIT]
            self._redo.clear()
            self._changed()
        return out

    def _views(self) -> list[G.NodeView]:
        return G.topo_order(G.nodes(self.graph))

    def _exists(self, name: Any) -> bool:
        return isinstance(name, str) and any(v.name == name for v in G.nodes(self.graph))

    def _designs(self) -> list[str]:
        try:
            from nnstudio.graph import starters
        except ImportError:
            return []
        names = getattr(starters, "names", None)
        return list(names() if callable(names) else getattr(starters, "STARTERS", {}).keys())

    def _design_titles(self) -> dict[str, str]:
        try:
            from nnstudio.graph import starters

            return {k: str(getattr(v, "title", k)) for k, v in starters.STARTERS.items()}
        except (ImportError, AttributeError):
            return {}

    @staticmethod
    def _starter(name: str | None) -> tuple[str, Any]:
        from nnstudio.graph import starters

        names = starters.names() if hasattr(starters, "names") else list(starters.STARTERS)
        chosen = name if name is not None else names[0]
        return chosen, starters.load(chosen) if hasattr(starters, "load") else starters.STARTERS[chosen]()

    # ---- commands ---------------------------------------------------------------------------------------------
    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        self.apply_command(content)

    def _cmd_hello(self, msg: dict) -> None:
        pass

    def _cmd_select(self, msg: dict) -> None:
        name = msg.get("name")
        if name is not None and not self._exists(name):
            return
        if name != self.selected:
            self.field_errors = {}
        self.selected = name

    def _insert_point(self, after: Any) -> str | None:
        """The node a new block is inserted after: ``after`` if given and usable, else the selection, else the
        node feeding the (first) output, else the last node."""
        views = self._views()
        by_name = {v.name: v for v in views}
        for cand in (after, self.selected):
            if isinstance(cand, str) and cand in by_name:
                if G.is_output(by_name[cand].type):
                    ins = by_name[cand].inputs
                    return ins[0] if ins else None
                return cand
        outs = [v for v in views if G.is_output(v.type)]
        if outs and outs[0].inputs:
            return outs[0].inputs[0]
        return views[-1].name if views else None

    def _cmd_add(self, msg: dict) -> None:
        layer = msg.get("layer")
        if not isinstance(layer, str) or not any(layer == it["type"] for c in self._palette() for it in c["items"]):
            raise ValueError(f"unknown layer type {layer!r}")
        anchor = self._insert_point(msg.get("after"))

        def edit() -> str:
            consumers = G.chain_consumers(G.nodes(self.graph), anchor) if anchor else []
            name = self.graph.add(layer, inputs=[anchor] if anchor else [])
            for c in consumers:
                ins = next(v for v in G.nodes(self.graph) if v.name == c).inputs
                G.set_inputs(self.graph, c, [name if s == anchor else s for s in ins])
            return name

        name = self._edit(edit)
        self.selected = name
        self.field_errors = {}
        self._say("info", f"added {name} ({layer})" + (f" after {anchor}" if anchor else ""))

    def _cmd_remove(self, msg: dict) -> None:
        name = msg.get("name")
        if not self._exists(name):
            raise ValueError(f"no block named {name!r}")

        def edit() -> None:
            views = G.nodes(self.graph)
            v = next(x for x in views if x.name == name)
            bridge = v.inputs[0] if len(v.inputs) == 1 else None
            consumers = G.consumers_of(views, name)
            self.graph.remove(name)
            if bridge is not None:  # keep the chain joined: the consumers now read the removed block's input
                for c in consumers:
                    ins = next(x for x in G.nodes(self.graph) if x.name == c).inputs
                    if bridge not in ins:
                        G.set_inputs(self.graph, c, [*ins, bridge] if name not in ins else
                                     [bridge if s == name else s for s in ins])

        self._edit(edit)
        if self.selected == name:
            self.selected = None
            self.field_errors = {}
        self._say("info", f"removed {name}")

    def _cmd_update(self, msg: dict) -> None:
        name, field = msg.get("name"), msg.get("field")
        if not self._exists(name):
            raise ValueError(f"no block named {name!r}")
        v = next(x for x in G.nodes(self.graph) if x.name == name)
        spec = next((s for s in self._specs(v.type) if s.name == field), None)
        if spec is None:
            raise ValueError(f"{v.type} has no setting {field!r}")
        raw = msg.get("value")
        try:
            value = parse_field(spec, raw)
            self._edit(lambda: self.graph.update(name, **{field: value}))
        except (FieldError, ValueError, TypeError) as exc:
            text = str(exc)
            self.field_errors = {**self.field_errors, field: {"message": text, "raw": _raw_text(raw)}}
            self._say("error", f"{name}.{field}: {text} (kept {display_value(spec, v.config.get(field))!s})")
            return
        self.field_errors = {k: e for k, e in self.field_errors.items() if k != field}

    def _cmd_rename(self, msg: dict) -> None:
        name, new = msg.get("name"), msg.get("new_name")
        if not self._exists(name):
            raise ValueError(f"no block named {name!r}")
        if not isinstance(new, str) or not new.strip().isidentifier():
            raise ValueError(f"a block name must be a Python identifier (letters, digits, _), not {new!r}")
        new = new.strip()
        if new == name:
            return
        if not hasattr(self.graph, "rename"):
            raise ValueError("this graph cannot rename blocks")
        self._edit(lambda: self.graph.rename(name, new))
        if self.selected == name:
            self.selected = new
        self._say("info", f"renamed {name} to {new}")

    def _cmd_revert(self, msg: dict) -> None:
        self.field_errors = {k: e for k, e in self.field_errors.items() if k != msg.get("field")}

    def _cmd_move(self, msg: dict) -> None:
        """Move a chain block (one input) to just after ``after`` (None: to the top, after the input)."""
        name, after = msg.get("name"), msg.get("after")
        if not self._exists(name):
            raise ValueError(f"no block named {name!r}")
        views = G.nodes(self.graph)
        v = next(x for x in views if x.name == name)
        if G.is_input(v.type) or len(v.inputs) != 1:
            raise ValueError(f"only a block with one input can be moved; {name} has {len(v.inputs)}")
        if after is None:
            ins = [x for x in G.topo_order(views) if G.is_input(x.type)]
            after = ins[0].name if ins else None
        if after == name or after == v.inputs[0] or not self._exists(after):
            return
        target = next(x for x in views if x.name == after)
        if G.is_output(target.type):
            after = target.inputs[0] if target.inputs else None
            if after in (None, name, v.inputs[0]):
                return

        def edit() -> None:
            src = v.inputs[0]
            for c in G.consumers_of(G.nodes(self.graph), name):  # lift the block out of the chain
                ins = next(x for x in G.nodes(self.graph) if x.name == c).inputs
                G.set_inputs(self.graph, c, [src if s == name else s for s in ins])
            consumers = [c for c in G.chain_consumers(G.nodes(self.graph), after) if c != name]
            G.set_inputs(self.graph, name, [after])  # and drop it in after `after`
            for c in consumers:
                ins = next(x for x in G.nodes(self.graph) if x.name == c).inputs
                G.set_inputs(self.graph, c, [name if s == after else s for s in ins])

        self._edit(edit)
        self._say("info", f"moved {name} after {after}")

    def _cmd_connect(self, msg: dict) -> None:
        """Wire ``src`` into ``dst``: a merge block gains an input; any other block gets an Add inserted in front
        of it that sums its current input and ``src`` (a skip connection)."""
        src, dst = msg.get("src"), msg.get("dst")
        if not (self._exists(src) and self._exists(dst)) or src == dst:
            raise ValueError("pick two different blocks to wire")
        views = G.nodes(self.graph)
        d = next(x for x in views if x.name == dst)
        if src in self._downstream(self._views(), dst):
            raise ValueError(f"wiring {src} into {dst} would make a cycle ({src} comes after {dst})")
        if src in d.inputs:
            raise ValueError(f"{src} is already wired into {dst}")
        if G.is_input(d.type):
            raise ValueError(f"{dst} is an input: nothing can be wired into it")
        if G.is_merge(d.type) or G.is_output(d.type) and not d.inputs:
            self._edit(lambda: self.graph.connect(src, dst))
            self._say("info", f"wired {src} into {dst}")
            return

        def edit() -> str:
            merged = d.inputs[0] if d.inputs else None
            add = self.graph.add("Add", inputs=[merged, src] if merged else [src])
            G.set_inputs(self.graph, dst, [add if s == merged else s for s in d.inputs] or [add])
            return add

        add = self._edit(edit)
        self.selected = add
        self.field_errors = {}
        self._say("info", f"skip connection: {add} adds {src} to the input of {dst}")

    def _cmd_disconnect(self, msg: dict) -> None:
        src, dst = msg.get("src"), msg.get("dst")
        if not (self._exists(src) and self._exists(dst)):
            raise ValueError("no such wire")
        d = next(x for x in G.nodes(self.graph) if x.name == dst)
        if src not in d.inputs:
            raise ValueError(f"{src} is not wired into {dst}")
        self._edit(lambda: G.set_inputs(self.graph, dst, [s for s in d.inputs if s != src]))
        self._say("info", f"removed the wire {src} → {dst}")

    def _cmd_undo(self, msg: dict) -> None:
        if not self._undo:
            self._say("info", "nothing to undo")
            return
        self._redo.append(self._snapshot())
        self._restore(self._undo.pop())
        self.field_errors = {}
        self._changed()
        self._say("info", "undone")

    def _cmd_redo(self, msg: dict) -> None:
        if not self._redo:
            self._say("info", "nothing to redo")
            return
        self._undo.append(self._snapshot())
        self._restore(self._redo.pop())
        self.field_errors = {}
        self._changed()
        self._say("info", "redone")

    def _cmd_design(self, msg: dict) -> None:
        name = msg.get("name")
        if name not in self._designs():
            raise ValueError(f"unknown design {name!r}")
        self.set_graph(self._starter(name)[1], design=name)
        self._say("info", f"opened the starter design '{name}'")

    def _cmd_export(self, msg: dict) -> None:
        self._ack_rev = self._rev
        try:
            self.export = {"nnstudio": self.graph.to_code("nnstudio"), "torch": self.graph.to_code("torch"),
                           "error": None, "rev": self._rev}
        except Exception as exc:
            self.export = {"nnstudio": "", "torch": "", "rev": self._rev,
                           "error": f"# The design does not build yet, so there is no code to export:\n# {exc}"}

    def _cmd_save(self, msg: dict) -> None:
        name = msg.get("filename")
        try:
            path = save_text(self.folder, name, self.graph.to_json())
        except (UnsafePathError, OSError) as exc:
            self._say("error", f"not saved: {exc}")
            return
        self.filename = path.relative_to(self.folder.resolve()).as_posix() if path.is_relative_to(
            self.folder.resolve()) else path.name
        self._say("info", f"saved {self.filename}")

    def _cmd_load(self, msg: dict) -> None:
        from nnstudio.graph import ModelGraph

        name = msg.get("filename")
        try:
            text = load_text(self.folder, name)
            graph = ModelGraph.from_json(text)
        except (UnsafePathError, OSError) as exc:
            self._say("error", f"not loaded: {exc}")
            return
        except Exception as exc:
            self._say("error", f"not loaded: {exc}")
            return
        self.set_graph(graph, design=None)
        self.filename = str(name).strip()
        self._say("info", f"loaded {self.filename}")

    def _cmd_confirm(self, msg: dict) -> None:
        pending, self._pending, self.confirm = self._pending, None, None
        if self.stop_training is not None:
            self.stop_training()
        if pending is not None:
            guard, self.edit_guard = self.edit_guard, None
            try:
                self.apply_command(pending)
            finally:
                self.edit_guard = guard

    def _cmd_cancel(self, msg: dict) -> None:
        self._pending, self.confirm = None, None
        self._say("info", "kept training; the design is unchanged")


def _raw_text(raw: Any) -> str:
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else json.dumps(raw)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)
