"""`BuilderWidget`: the model builder's Python side (an anywidget whose front end is ``widgets/builder.js``).

Python is the single source of truth. The browser sends edit commands as custom messages, each a dict with a
``cmd`` key (see :meth:`BuilderWidget.apply_command`); Python applies them to its `ModelGraph` through the graph's
own API (edits, transactions, undo/redo, observers; fields checked by `Field.parse`), re-runs `infer_shapes()` and
publishes the new ``view`` trait (`builder_view`: nodes with shapes, parameter counts and errors, edges, the
palette, the selection and the inspector form). Live statistics of the watched blocks (selected or hovered) go in
the separate ``stats`` trait, so that they never redraw the canvas. Tests drive the widget through the same dicts,
no browser needed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from nnstudio.graph import GraphChange, GraphError, ModelGraph, registry, starters
from nnstudio.graph.spec import INPUT, OUTPUT

from . import builder_view as V
from .builder_assets import asset, css, esm
from .files import list_designs, load_text, save_text

__all__ = ["BuilderWidget", "asset"]

EDIT_COMMANDS = frozenset({"add", "remove", "update", "rename", "move", "connect", "disconnect", "undo", "redo",
                           "design", "load"})
QUIET_COMMANDS = frozenset({"hello", "select", "export", "hover"})  # they keep the last message shown
NO_VIEW_COMMANDS = frozenset({"hover"})  # the view does not change: no new view is sent


class BuilderWidget(anywidget.AnyWidget):
    """Edit a `ModelGraph` in the browser: palette, canvas, inspector, undo/redo, export, save/load.

    Args:
        graph: the `ModelGraph` to edit (a starter design when None); the widget edits this very object, whose
            undo history then starts afresh.
        folder: where Save/Load read and write design files (the notebook's folder: the kernel's working folder).
        design: the starter design's name shown in the design picker.
    """

    _esm = esm("builder.js")
    _css = css("builder.css", "blocks.css")
    view = traitlets.Dict().tag(sync=True)
    #: live statistics of the watched blocks: ``{"step": int, "blocks": {name: {"weights": [...], "output": ...}}}``
    stats = traitlets.Dict().tag(sync=True)

    def __init__(self, graph: ModelGraph | None = None, *, folder: str | os.PathLike | None = None,
                 design: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if graph is None:
            self.design: str | None = design if design is not None else starters.names()[0]
            graph = starters.load(self.design)
        else:
            self.design = None
        graph.clear_history()  # Undo takes back edits made here, not the steps that built the design
        self.graph = graph
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.selected: str | None = None
        self.hovered: str | None = None
        self.field_errors: dict[str, dict[str, Any]] = {}
        self.message: dict[str, Any] = {}
        self.filename = ""
        self.export: dict[str, Any] | None = None
        self.confirm: dict[str, Any] | None = None
        self._pending: dict[str, Any] | None = None
        self._rev = 0
        self._ack = 0
        self._listeners: list[Callable[[ModelGraph], None]] = []
        self._select_listeners: list[Callable[[str | None], None]] = []
        self._watch_listeners: list[Callable[[list[str]], None]] = []
        self._unobserve = graph.observe(self._graph_changed)
        #: a callable returning a sentence when an edit must first stop training (set by the Studio), else None
        self.edit_guard: Callable[[], str | None] | None = None
        #: called when the user confirms "stop training and edit"
        self.stop_training: Callable[[], None] | None = None
        self.last_result: Any = None
        self.on_msg(self._on_msg)
        self.refresh()

    # ---- public API -------------------------------------------------------------------------------------------
    def on_graph_change(self, callback: Callable[[ModelGraph], None]) -> None:
        """Call ``callback(graph)`` after every change of the graph (an edit, undo, redo, a file or starter
        opened); not after select/export/save."""
        self._listeners.append(callback)

    def on_select(self, callback: Callable[[str | None], None]) -> None:
        """Call ``callback(name)`` when the selected block changes (None: nothing selected)."""
        self._select_listeners.append(callback)

    def on_watch(self, callback: Callable[[list[str]], None]) -> None:
        """Call ``callback(names)`` when the watched blocks (`watched`) change."""
        self._watch_listeners.append(callback)

    @property
    def watched(self) -> list[str]:
        """The blocks whose live statistics are wanted: the selected one, then the hovered one."""
        return [n for n in dict.fromkeys((self.selected, self.hovered)) if n is not None and n in self.graph]

    def apply_command(self, msg: dict[str, Any]) -> None:
        """Apply one front-end command (the same dict the browser sends) and publish the new view.

        Commands: ``hello``; ``select {name}``; ``hover {name}``; ``add {layer, after}``; ``remove {name}``;
        ``rename {name, new_name}``; ``update {name, field, value}``; ``revert {name, field}``;
        ``move {name, after}``; ``connect {src, dst}``; ``disconnect {src, dst}``; ``undo``; ``redo``;
        ``export``; ``save {filename}``; ``load {filename}``; ``design {name}``; ``confirm``; ``cancel``.
        Problems become a ``message`` (or a field error), never an exception.
        """
        if not isinstance(msg, dict) or not isinstance(msg.get("cmd"), str):
            self._say("error", "ignored a malformed command")
            self.refresh()
            return
        cmd = msg["cmd"]
        if isinstance(msg.get("seq"), int):
            self._ack = msg["seq"]
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
            if cmd not in QUIET_COMMANDS:
                self.message = {}
            try:
                handler(msg)
            except (ValueError, OSError) as exc:  # GraphError, FieldValueError, UnsafePathError are ValueErrors
                self._say("error", f"{cmd}: {exc}")
        if cmd not in NO_VIEW_COMMANDS:
            self.refresh()

    def set_graph(self, graph: ModelGraph, *, design: str | None = None) -> None:
        """Show ``graph``'s design (its blocks are copied into the edited graph as one undoable edit)."""
        self.graph.replace_with(graph)
        self.design = design
        self._select(None)
        self.field_errors = {}
        self.refresh()

    def fit_to_data(self, input_shape: tuple[int, ...], num_outputs: int = 0,
                    check: Callable[[ModelGraph], None] | None = None) -> None:
        """Make the design read ``input_shape`` (the single Input's shape) and, when the output comes from a
        Linear, give ``num_outputs`` outputs; one undoable edit. Raises ValueError when the design then does not
        fit, or what ``check(graph)`` raises (a further test of the fitted design); the edit is then taken back
        and nobody is told of a change."""
        g = self.graph
        try:
            with g.transaction("fit to data"):
                inputs = g.inputs
                if len(inputs) == 1 and tuple(g[inputs[0]].config["shape"]) != tuple(input_shape):
                    g.update(inputs[0], shape=tuple(input_shape))
                for out in g.outputs:
                    head = g[out].inputs[0] if g[out].inputs else None
                    if num_outputs and head is not None and g[head].type == "Linear" \
                            and g[head].config["out_features"] != num_outputs:
                        g.update(head, out_features=num_outputs)
                report = g.infer_shapes()
                if not report.ok:
                    raise ValueError(f"the design does not fit data of shape {tuple(input_shape)}: "
                                     f"{'; '.join(report.problems())}")
                if check is not None:
                    check(g)
        finally:
            self.refresh()
        self._say("info", f"fitted the design to the data: input {tuple(input_shape)}"
                  + (f", {num_outputs} outputs" if num_outputs else ""))
        self.refresh()

    def close(self) -> None:
        """Stop listening to the graph and close the widget."""
        self._unobserve()
        super().close()

    # ---- view -------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Run shape inference and publish the view state to the browser."""
        self.view = self.build_view()

    def build_view(self) -> dict[str, Any]:
        """The whole synced state: a plain JSON-able dict (see ``widgets/builder.js`` for its reader)."""
        report = self.graph.infer_shapes()
        self.last_result = report
        if self.selected not in self.graph:
            self.selected = None
        nodes, edges = V.blocks(self.graph, report)
        self._rev += 1
        return {
            "rev": self._rev, "ack": self._ack, "nodes": nodes, "edges": edges, "ok": report.ok,
            "error_count": len(report.errors) + len(report.graph_errors), "graph_errors": list(report.graph_errors),
            "total_params": report.total_params if report.ok else None, "selected": self.selected,
            "inspector": None if self.selected is None else V.inspector(self.graph, report, self.selected),
            "field_errors": self.field_errors, "palette": list(V.palette()), "can_undo": self.graph.can_undo,
            "can_redo": self.graph.can_redo, "message": self.message, "designs": starters.names(),
            "design": self.design or "", "design_titles": {k: s.title for k, s in starters.STARTERS.items()},
            "files": list_designs(self.folder), "filename": self.filename, "export": self.export,
            "confirm": self.confirm,
        }

    # ---- helpers ----------------------------------------------------------------------------------------------
    def _say(self, level: str, text: str) -> None:
        self.message = {"level": level, "text": text}

    def _graph_changed(self, change: GraphChange) -> None:
        self.export = None
        for cb in list(self._listeners):
            cb(self.graph)

    def _edit(self, fn: Callable[[], Any], label: str = "edit") -> Any:
        """Run an edit as one undo step (a transaction: on failure the graph is put back and the error raised)."""
        with self.graph.transaction(label):
            return fn()

    def _select(self, name: str | None) -> None:
        if name == self.selected:
            return
        before = self.watched
        self.selected = name
        self.field_errors = {}
        for cb in list(self._select_listeners):
            cb(name)
        self._watch_changed(before)

    def _watch_changed(self, before: list[str]) -> None:
        if self.watched != before:
            for cb in list(self._watch_listeners):
                cb(self.watched)

    def _need(self, name: Any) -> str:
        if not isinstance(name, str) or name not in self.graph:
            raise ValueError(f"no block named {name!r}")
        return name

    def _role(self, name: str) -> str:
        return registry.get(self.graph[name].type).role

    def _chain_consumers(self, name: str) -> list[str]:
        """Consumers reading ``name`` as their first (chain) input; a skip wire into a merge's later input stays."""
        return [c for c in self.graph.consumers(name) if self.graph[c].inputs[0] == name]

    def _replace_input(self, node: str, old: str, new: str) -> None:
        self.graph.set_inputs(node, [new if s == old else s for s in self.graph[node].inputs])

    # ---- commands ---------------------------------------------------------------------------------------------
    def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        self.apply_command(content)

    def _cmd_hello(self, msg: dict) -> None:
        pass

    def _cmd_select(self, msg: dict) -> None:
        name = msg.get("name")
        if name is None or name in self.graph:
            self._select(name)

    def _cmd_hover(self, msg: dict) -> None:
        name = msg.get("name")
        if name is None or name in self.graph:
            before = self.watched
            self.hovered = name
            self._watch_changed(before)

    def _insert_point(self, after: Any) -> str | None:
        """The node a new block is inserted after: ``after`` if given and usable, else the selection, else the
        node feeding the (first) output, else the last node."""
        g = self.graph
        for cand in (after, self.selected):
            if isinstance(cand, str) and cand in g:
                if self._role(cand) == OUTPUT:
                    return g[cand].inputs[0] if g[cand].inputs else None
                return cand
        outs = g.outputs
        if outs and g[outs[0]].inputs:
            return g[outs[0]].inputs[0]
        order = g.order()
        return order[-1] if order else None

    def _cmd_add(self, msg: dict) -> None:
        layer = msg.get("layer")
        if not any(layer == it["type"] for cat in V.palette() for it in cat["items"]):
            raise ValueError(f"unknown layer type {layer!r}")
        # a block that reads nothing (a learned Parameter) is placed alone; any other goes after the anchor
        anchor = self._insert_point(msg.get("after")) if registry.get(layer).inputs[1] != 0 else None

        def edit() -> str:
            consumers = self._chain_consumers(anchor) if anchor else []
            name = self.graph.add(layer, inputs=[anchor] if anchor else [])
            for c in consumers:
                self._replace_input(c, anchor, name)
            return name

        name = self._edit(edit, f"add {layer}")
        self._select(name)
        self._say("info", f"added {name} ({layer})" + (f" after {anchor}" if anchor else ""))

    def _cmd_remove(self, msg: dict) -> None:
        name = self._need(msg.get("name"))
        g = self.graph

        def edit() -> None:
            ins = g[name].inputs
            bridge = ins[0] if len(ins) == 1 else None
            if bridge is not None:  # keep the chain joined: the consumers read the removed block's input instead
                for c in g.consumers(name):
                    if bridge not in g[c].inputs:
                        self._replace_input(c, name, bridge)
            g.remove(name)

        removed = g[name]
        self._edit(edit, f"remove {name}")
        if self.selected == name:
            self._select(None)
        self._say("info", f"removed {name}" + (f" ({removed.type})" if removed.type != name else ""))

    def _cmd_update(self, msg: dict) -> None:
        name, fname = self._need(msg.get("name")), msg.get("field")
        node = self.graph[name]
        try:
            field = registry.get(node.type).field(fname)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        raw = msg.get("value")
        try:
            value = field.parse(raw)
            self._edit(lambda: self.graph.update(name, **{fname: value}), f"update {name}.{fname}")
        except ValueError as exc:
            text = str(exc)
            self.field_errors = {**self.field_errors, fname: {"message": text, "raw": _raw_text(raw)}}
            self._say("error", f"{name}.{fname}: {text} (kept {field.text(node.config.get(fname))!s})")
            return
        self.field_errors = {k: e for k, e in self.field_errors.items() if k != fname}

    def _cmd_rename(self, msg: dict) -> None:
        name, new = self._need(msg.get("name")), msg.get("new_name")
        if not isinstance(new, str) or not new.strip().isidentifier():
            raise ValueError(f"a block name must be a Python identifier (letters, digits, _), not {new!r}")
        new = new.strip()
        if new == name:
            return
        self.graph.rename(name, new)
        if self.selected == name:
            self.selected = new
        if self.hovered == name:
            self.hovered = new
        self._say("info", f"renamed {name} to {new}")

    def _cmd_revert(self, msg: dict) -> None:
        self.field_errors = {k: e for k, e in self.field_errors.items() if k != msg.get("field")}

    def _cmd_move(self, msg: dict) -> None:
        """Move a chain block (one input) to just after ``after`` (None: to the top, after the input)."""
        g = self.graph
        name, after = self._need(msg.get("name")), msg.get("after")
        if self._role(name) == INPUT or len(g[name].inputs) != 1:
            raise ValueError(f"only a block with one input can be moved; {name} has {len(g[name].inputs)}")
        if after is None:
            after = g.inputs[0] if g.inputs else None
        src = g[name].inputs[0]
        if after in (name, src) or not isinstance(after, str) or after not in g:
            return
        if self._role(after) == OUTPUT:
            after = g[after].inputs[0] if g[after].inputs else None
            if after in (None, name, src):
                return

        def edit() -> None:
            for c in g.consumers(name):  # lift the block out of the chain
                self._replace_input(c, name, src)
            consumers = [c for c in self._chain_consumers(after) if c != name]
            g.set_inputs(name, [after])  # and drop it in after `after`
            for c in consumers:
                self._replace_input(c, after, name)

        self._edit(edit, f"move {name}")
        self._say("info", f"moved {name} after {after}")

    def _cmd_connect(self, msg: dict) -> None:
        """Wire ``src`` into ``dst``: a merge block gains an input; any other block gets an Add inserted in front
        of it that sums its current input and ``src`` (a skip connection)."""
        g = self.graph
        src, dst = msg.get("src"), msg.get("dst")
        if not (isinstance(src, str) and src in g and isinstance(dst, str) and dst in g) or src == dst:
            raise ValueError("pick two different blocks to wire")
        if src in V.downstream(g, dst):
            raise ValueError(f"wiring {src} into {dst} would make a cycle ({src} comes after {dst})")
        d = g[dst]
        if src in d.inputs:
            raise ValueError(f"{src} is already wired into {dst}")
        spec = registry.get(d.type)
        if spec.role == INPUT:
            raise ValueError(f"{dst} is an input: nothing can be wired into it")
        if V.is_merge(spec) or spec.role == OUTPUT and not d.inputs:
            g.connect(src, dst)
            self._say("info", f"wired {src} into {dst}")
            return

        def edit() -> str:
            merged = d.inputs[0] if d.inputs else None
            add = g.add("Add", inputs=[merged, src] if merged else [src])
            g.set_inputs(dst, [add if s == merged else s for s in d.inputs] or [add])
            return add

        add = self._edit(edit, f"skip {src} to {dst}")
        self._select(add)
        self._say("info", f"skip connection: {add} adds {src} to the input of {dst}")

    def _cmd_disconnect(self, msg: dict) -> None:
        src, dst = msg.get("src"), msg.get("dst")
        if not (isinstance(src, str) and src in self.graph and isinstance(dst, str) and dst in self.graph):
            raise ValueError("no such wire")
        self.graph.disconnect(src, dst)
        self._say("info", f"removed the wire {src} → {dst}")

    def _cmd_undo(self, msg: dict) -> None:
        self.field_errors = {}
        self._say("info", "undone" if self.graph.undo() else "nothing to undo")

    def _cmd_redo(self, msg: dict) -> None:
        self.field_errors = {}
        self._say("info", "redone" if self.graph.redo() else "nothing to redo")

    def _cmd_design(self, msg: dict) -> None:
        name = msg.get("name")
        if name not in starters.STARTERS:
            raise ValueError(f"unknown design {name!r}")
        self.design = name  # before the change is heard: the Studio picks the starter's data
        self.set_graph(starters.load(name), design=name)
        self._say("info", f"opened the starter design '{name}'")

    def _cmd_export(self, msg: dict) -> None:
        try:
            self.export = {"nnstudio": self.graph.to_code("nnstudio"), "torch": self.graph.to_code("torch"),
                           "error": None, "rev": self._rev}
        except GraphError as exc:
            self.export = {"nnstudio": "", "torch": "", "rev": self._rev,
                           "error": f"# The design does not build yet, so there is no code to export:\n# {exc}"}

    def _cmd_save(self, msg: dict) -> None:
        try:
            path = save_text(self.folder, msg.get("filename"), self.graph.to_json())
        except (ValueError, OSError) as exc:  # UnsafePathError is a ValueError
            self._say("error", f"not saved: {exc}")
            return
        root = self.folder.resolve()
        self.filename = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        self._say("info", f"saved {self.filename}")

    def _cmd_load(self, msg: dict) -> None:
        name = msg.get("filename")
        try:
            graph = ModelGraph.from_json(load_text(self.folder, name))
        except (ValueError, OSError) as exc:  # GraphFormatError and UnsafePathError are ValueErrors
            self._say("error", f"not loaded: {exc}")
            return
        self.design = None
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
