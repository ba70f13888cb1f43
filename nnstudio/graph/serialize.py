"""Versioned JSON for designs: ``{"format": "nnstudio.graph", "version": 1, "nodes": [...]}``.

Each node is ``{"name", "type", "inputs", "config"}`` with every field of its type in schema order, one node per
line so that a diff shows what changed. Loading checks everything first (types, known layer types and settings,
ranges, sizes, names, wires) and lists every problem with its JSON path; it builds a graph only when there is
none, so a failed load leaves nothing half-made. Loading never imports or executes anything named in the file.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import GraphFormatError
from .fields import FieldValueError
from .names import name_problem
from .node import Node
from .registry import REGISTRY, unknown_message

FORMAT = "nnstudio.graph"
VERSION = 1
MAX_NODES = 5000
MAX_BYTES = 10 * 1024 * 1024
NODE_KEYS = ("name", "type", "inputs", "config")


def to_dict(graph: Any) -> dict[str, Any]:
    """The design as plain data (lists, dicts, numbers, strings, booleans and None)."""
    nodes = []
    for node in graph.nodes.values():
        spec = REGISTRY[node.type]
        nodes.append({"name": node.name, "type": node.type, "inputs": list(node.inputs),
                      "config": {f.name: f.to_json(node.config[f.name]) for f in spec.fields}})
    return {"format": FORMAT, "version": VERSION, "nodes": nodes}


def to_json(graph: Any) -> str:
    """`to_dict` as JSON text: keys in a fixed order, one node per line, a newline at the end."""
    d = to_dict(graph)
    lines = [json.dumps(n, ensure_ascii=False, separators=(", ", ": ")) for n in d["nodes"]]
    body = ",\n    ".join(lines)
    nodes = f"[\n    {body}\n  ]" if lines else "[]"
    return f'{{\n  "format": {json.dumps(FORMAT)},\n  "version": {VERSION},\n  "nodes": {nodes}\n}}\n'


def from_json(text: str | bytes, graph_class: type) -> Any:
    """Parse and check ``text``; return a new graph or raise `GraphFormatError`."""
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_BYTES:
            raise GraphFormatError([("$", f"the file is {len(text):,} bytes; a design file is at most {MAX_BYTES:,}")])
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise GraphFormatError([("$", f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    if not isinstance(text, str):
        raise GraphFormatError([("$", f"expected JSON text, got {type(text).__name__}")])
    if len(text) > MAX_BYTES:
        raise GraphFormatError([("$", f"the file is {len(text):,} characters; a design file is at most "
                                      f"{MAX_BYTES:,}")])
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except _DuplicateKey as exc:
        raise GraphFormatError([("$", f"the key {exc.args[0]!r} appears twice in one object")]) from None
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, integers too long to read
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise GraphFormatError([("$", f"not valid JSON: {msg}{where}")]) from None
    except RecursionError:
        raise GraphFormatError([("$", "the JSON is nested too deeply")]) from None
    return from_dict(data, graph_class)


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number",
            type(None): "null"}.get(type(value), type(value).__name__)


def from_dict(data: Any, graph_class: type) -> Any:
    """Check plain data (as `to_dict` gives) and return a new graph, or raise `GraphFormatError`."""
    problems: list[tuple[str, str]] = []
    nodes = _check_top(data, problems)
    checked: list[tuple[str, str, dict[str, Any], list[str]]] = []
    names: dict[str, int] = {}
    for i, raw in enumerate(nodes):
        item = _check_node(raw, f"$.nodes[{i}]", problems, names, i)
        if item is not None:
            checked.append(item)
    _check_wires(checked, names, problems)
    if problems:
        raise GraphFormatError(problems)
    graph = graph_class()
    graph._nodes = {name: Node.make(name, type_, cfg, inputs) for name, type_, cfg, inputs in checked}
    return graph


def _check_top(data: Any, problems: list[tuple[str, str]]) -> list[Any]:
    if not isinstance(data, dict):
        problems.append(("$", f"a design is a JSON object, got {_kind(data)}"))
        return []
    for key in data:
        if key not in ("format", "version", "nodes"):
            problems.append((f"$.{_key(key)}", "unknown key (a design has format, version and nodes)"))
    fmt_ = data.get("format")
    if fmt_ != FORMAT:
        problems.append(("$.format", f"must be {FORMAT!r} (this is not an nnstudio design)" if "format" in data
                         else f"missing; a design file says \"format\": {json.dumps(FORMAT)}"))
    version = data.get("version")
    if "version" not in data:
        problems.append(("$.version", f"missing; this nnstudio reads version {VERSION}"))
    elif isinstance(version, bool) or not isinstance(version, int):
        problems.append(("$.version", f"must be a whole number, got {_kind(version)}"))
    elif version > VERSION:
        problems.append(("$.version", f"{version} was written by a newer nnstudio; this one reads version {VERSION}"))
    elif version != VERSION:
        problems.append(("$.version", f"must be {VERSION}, got {version}"))
    nodes = data.get("nodes")
    if "nodes" not in data:
        problems.append(("$.nodes", "missing; a design lists its nodes"))
        return []
    if not isinstance(nodes, list):
        problems.append(("$.nodes", f"must be a list, got {_kind(nodes)}"))
        return []
    if len(nodes) > MAX_NODES:
        problems.append(("$.nodes", f"{len(nodes):,} nodes; a design has at most {MAX_NODES:,}"))
        return []
    return nodes


def _key(key: str) -> str:
    shown = key if len(key) <= 30 else key[:27] + "..."
    return shown if shown.isidentifier() else json.dumps(shown)


def _check_node(raw: Any, path: str, problems: list[tuple[str, str]], names: dict[str, int],
                index: int) -> tuple[str, str, dict[str, Any], list[str]] | None:
    if not isinstance(raw, dict):
        problems.append((path, f"a node is an object with {', '.join(NODE_KEYS)}; got {_kind(raw)}"))
        return None
    bad = len(problems)
    for key in raw:
        if key not in NODE_KEYS:
            problems.append((f"{path}.{_key(key)}", f"unknown key (a node has {', '.join(NODE_KEYS)})"))
    name = raw.get("name")
    if "name" not in raw:
        problems.append((f"{path}.name", "missing"))
    else:
        problem = name_problem(name)
        if problem:
            problems.append((f"{path}.name", problem))
        elif name in names:
            problems.append((f"{path}.name", f"{name!r} is already the name of $.nodes[{names[name]}]"))
        else:
            names[name] = index
    type_ = raw.get("type")
    spec = None
    if "type" not in raw:
        problems.append((f"{path}.type", "missing"))
    elif not isinstance(type_, str) or type_ not in REGISTRY:
        problems.append((f"{path}.type", unknown_message(type_)))
    else:
        spec = REGISTRY[type_]
    inputs = raw.get("inputs", [])
    if not isinstance(inputs, list):
        problems.append((f"{path}.inputs", f"must be a list of node names, got {_kind(inputs)}"))
        inputs = []
    for j, src in enumerate(inputs):
        if not isinstance(src, str):
            problems.append((f"{path}.inputs[{j}]", f"must be a node name, got {_kind(src)}"))
    config = raw.get("config", {})
    cfg: dict[str, Any] = {}
    if not isinstance(config, dict):
        problems.append((f"{path}.config", f"must be an object, got {_kind(config)}"))
    elif spec is not None:
        cfg = spec.defaults()
        schema = spec.schema
        for key, value in config.items():
            field = schema.get(key)
            if field is None:
                known = ", ".join(schema) or "none"
                problems.append((f"{path}.config.{_key(key)}", f"{spec.type} has no setting {key!r} (its settings: "
                                                                f"{known})"))
                continue
            try:
                cfg[key] = field.check(value)
            except FieldValueError as exc:
                problems.append((f"{path}.config.{_key(key)}", str(exc)))
    if len(problems) > bad or spec is None:
        return None
    return name, type_, cfg, list(inputs)


def _check_wires(nodes: list[tuple[str, str, dict[str, Any], list[str]]], names: dict[str, int],
                 problems: list[tuple[str, str]]) -> None:
    types = {name: type_ for name, type_, _, _ in nodes}
    for name, type_, _, inputs in nodes:
        path = f"$.nodes[{names[name]}].inputs"
        if REGISTRY[type_].inputs[1] == 0 and inputs:
            problems.append((path, f"{name} is an {type_}: nothing can be wired into it"))
            continue
        seen = set()
        for j, src in enumerate(inputs):
            if src not in names:
                problems.append((f"{path}[{j}]", f"no node is named {src!r}"))
            elif src == name:
                problems.append((f"{path}[{j}]", f"{name} cannot read its own output"))
            elif src in seen:
                problems.append((f"{path}[{j}]", f"{src} is wired into {name} twice"))
            elif types.get(src) == "Output":
                problems.append((f"{path}[{j}]", f"{src} is an Output: nothing can read from it"))
            seen.add(src)
