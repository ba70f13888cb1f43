"""The builder's only window onto `nnstudio.graph`: read nodes, schemas and the palette; rewire chains.

Everything the widget needs from a `ModelGraph` goes through these small functions, so the widget code reads in
terms of names, inputs and configs, and a change in the graph package touches one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .builder_fields import FieldSpec

INPUT_TYPES = ("Input",)
OUTPUT_TYPES = ("Output",)
MERGE_TYPES = ("Add", "Concat", "Multiply")


@dataclass
class NodeView:
    """One node as the builder sees it."""

    name: str
    type: str
    config: dict[str, Any] = field(default_factory=dict)
    inputs: list[str] = field(default_factory=list)


def _registry():
    from nnstudio.graph import registry

    return registry


# ---- nodes ----------------------------------------------------------------------------------------------------
def _node_type(node: Any) -> str:
    for attr in ("layer_type", "type", "kind", "op"):
        value = getattr(node, attr, None)
        if isinstance(value, str):
            return value
    raise TypeError(f"cannot read the layer type of {node!r}")


def nodes(graph: Any) -> list[NodeView]:
    """The graph's nodes in insertion order."""
    raw = graph.nodes
    items = raw.items() if hasattr(raw, "items") else ((n.name, n) for n in raw)
    out = []
    for name, node in items:
        out.append(NodeView(name=name, type=_node_type(node), config=dict(getattr(node, "config", {}) or {}),
                            inputs=list(getattr(node, "inputs", []) or [])))
    return out


def outputs(graph: Any) -> list[str]:
    return list(getattr(graph, "outputs", []) or [])


def topo_order(views: list[NodeView]) -> list[NodeView]:
    """Kahn's order, stable in insertion order; nodes on a cycle (or fed by one) come last, in insertion order."""
    by_name = {v.name: v for v in views}
    indeg = {v.name: sum(1 for s in v.inputs if s in by_name) for v in views}
    consumers: dict[str, list[str]] = {v.name: [] for v in views}
    for v in views:
        for s in v.inputs:
            if s in consumers:
                consumers[s].append(v.name)
    rank = {v.name: i for i, v in enumerate(views)}
    ready = sorted((n for n, d in indeg.items() if d == 0), key=rank.__getitem__)
    order: list[str] = []
    import heapq

    heap = [(rank[n], n) for n in ready]
    heapq.heapify(heap)
    while heap:
        _, n = heapq.heappop(heap)
        order.append(n)
        for c in consumers[n]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, (rank[c], c))
    seen = set(order)
    order += [v.name for v in views if v.name not in seen]
    return [by_name[n] for n in order]


def consumers_of(views: list[NodeView], name: str) -> list[str]:
    return [v.name for v in views if name in v.inputs]


def chain_consumers(views: list[NodeView], name: str) -> list[str]:
    """Consumers that read ``name`` as their first (chain) input; a skip wire into a merge's later input stays."""
    return [v.name for v in views if v.inputs and v.inputs[0] == name]


def set_inputs(graph: Any, name: str, new_inputs: list[str]) -> None:
    """Make ``name``'s inputs exactly ``new_inputs`` (order kept) using the graph's connect/disconnect."""
    if hasattr(graph, "set_inputs"):
        graph.set_inputs(name, list(new_inputs))
        return
    current = next(v for v in nodes(graph) if v.name == name).inputs
    for src in current:
        graph.disconnect(src, name)
    for src in new_inputs:
        graph.connect(src, name)


# ---- registry -------------------------------------------------------------------------------------------------
def _role(layer_type: str) -> str:
    try:
        return str(getattr(_spec_of(layer_type), "role", "") or "")
    except Exception:
        return ""


def is_input(layer_type: str) -> bool:
    return layer_type in INPUT_TYPES or _role(layer_type) == "input"


def is_output(layer_type: str) -> bool:
    return layer_type in OUTPUT_TYPES or _role(layer_type) == "output"


def is_merge(layer_type: str) -> bool:
    """Takes any number of inputs (Add, Concat ...): a wire drawn into it joins it."""
    if layer_type in MERGE_TYPES:
        return True
    try:
        most = getattr(_spec_of(layer_type), "inputs", (1, 1))[1]
    except Exception:
        return False
    return most is None or most > 1


def _spec_of(layer_type: str) -> Any:
    reg = _registry()
    for fn in ("get", "spec", "lookup"):
        if hasattr(reg, fn):
            return getattr(reg, fn)(layer_type)
    return reg.REGISTRY[layer_type]


def layer_help(layer_type: str) -> str:
    try:
        spec = _spec_of(layer_type)
    except Exception:
        return ""
    return str(getattr(spec, "help", "") or getattr(spec, "doc", "") or "")


def layer_formula(layer_type: str) -> str:
    try:
        spec = _spec_of(layer_type)
    except Exception:
        return ""
    return str(getattr(spec, "formula", "") or getattr(spec, "shape_rule", "") or "")


def layer_category(layer_type: str) -> str:
    if is_input(layer_type) or is_output(layer_type):
        return "io"
    try:
        return str(getattr(_spec_of(layer_type), "category", "") or "other")
    except Exception:
        return "other"


def palette() -> list[dict[str, Any]]:
    """Palette categories in registry order: ``[{"category", "items": [{"type", "help", "formula"}]}]``."""
    reg = _registry()
    if hasattr(reg, "palette"):
        cats = reg.palette()
        grouped = cats.items() if hasattr(cats, "items") else cats
    else:
        grouped_d: dict[str, list[str]] = {}
        for name in reg.names():
            grouped_d.setdefault(layer_category(name), []).append(name)
        grouped = grouped_d.items()
    out = []
    for cat, types in grouped:
        items = [{"type": t, "help": layer_help(t), "formula": layer_formula(t)} for t in types
                 if not is_input(t) and not is_output(t)]
        if items:
            out.append({"category": str(cat), "items": items})
    return out


def field_specs(layer_type: str) -> list[FieldSpec]:
    """The layer's config fields as :class:`FieldSpec`, in schema order."""
    spec = _spec_of(layer_type)
    schema = getattr(spec, "schema", None) or getattr(spec, "fields", None) or []
    items = schema.items() if hasattr(schema, "items") else ((getattr(f, "name", None), f) for f in schema)
    out = []
    for name, f in items:
        get = (lambda k, d=None, f=f: f.get(k, d)) if isinstance(f, dict) else (
            lambda k, d=None, f=f: getattr(f, k, d))
        kind = str(get("kind", None) or get("type", "int"))
        kind = {"integer": "int", "number": "float", "boolean": "bool", "enum": "choice", "select": "choice",
                "string": "str", "ints": "tuple"}.get(kind, kind)
        choices = list(get("choices", None) or [])
        lo, hi = get("min", None), get("max", None)
        rng = get("range", None)
        if rng is not None and lo is None and hi is None:
            lo, hi = rng
        out.append(FieldSpec(name=name or get("name"), kind=kind, default=get("default"),
                             optional=bool(get("optional", False) or get("auto", False) or get("nullable", False)),
                             min=lo, max=hi, choices=choices, length=get("length", None),
                             help=str(get("help", "") or "")))
    return out
