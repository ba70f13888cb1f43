"""What the builder's front end draws, read straight off a `ModelGraph`, its `ShapeReport` and the registry.

Pure functions of the graph (no widget state), so the view can be checked without a browser:
``palette()`` (categories, colours, one-line help and shape formula of every placeable layer), ``blocks()`` (every
node with its shape, parameter count, error, colour and summary, in topological order), ``inspector()`` (the
selected node's form: each field with its kind, range, help and the value an auto field takes).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from nnstudio.graph import ModelGraph, ShapeReport, registry
from nnstudio.graph.spec import INPUT, LAYER, OUTPUT, LayerSpec


def spec_of(graph: ModelGraph, name: str) -> LayerSpec:
    """The registry spec of node ``name``."""
    return registry.get(graph[name].type)


def is_merge(spec: LayerSpec) -> bool:
    """Takes any number of inputs (Add, Concat ...): a wire drawn into it joins it."""
    return spec.inputs[1] is None or spec.inputs[1] > 1


def role(spec: LayerSpec) -> str | None:
    """"input", "output", or None for a layer or an op (the canvas draws the ends apart)."""
    return spec.role if spec.role in (INPUT, OUTPUT) else None


def jsonable(value: Any) -> Any:
    """A config value as JSON (tuples become lists)."""
    if isinstance(value, tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def shape_of(report: ShapeReport, name: str) -> list[int] | None:
    shape = report.shapes.get(name)
    return None if shape is None else [int(v) for v in shape]


@cache
def palette() -> tuple[dict[str, Any], ...]:
    """The palette: ``({"category", "hue", "items": [{"type", "help", "formula"}]}, ...)`` in registry order."""
    out = []
    for category, types in registry.palette().items():
        items = [{"type": t, "help": registry.get(t).help, "formula": registry.get(t).formula} for t in types]
        out.append({"category": category, "hue": registry.hue(category), "items": items})
    return tuple(out)


def blocks(graph: ModelGraph, report: ShapeReport) -> tuple[list[dict[str, Any]], list[list[str]]]:
    """The canvas: every node in ``report.order`` as a dict, and the wires as ``[source, destination]``."""
    outputs = set(graph.outputs)
    nodes, edges = [], []
    for name in report.order:
        node = graph[name]
        spec = registry.get(node.type)
        shape = shape_of(report, name)
        error = report.errors.get(name)
        kind = role(spec)
        nodes.append({
            "name": name, "type": node.type, "category": spec.category, "hue": registry.hue(spec.category),
            "role": kind, "shape": shape, "params": int(report.params.get(name) or 0), "error": error,
            "blocked": name in report.blocked or (shape is None and error is None and kind != INPUT),
            "summary": spec.summarize(node.config), "help": spec.help, "formula": spec.formula,
            "inputs": list(node.inputs), "is_output": name in outputs, "has_params": bool(report.params.get(name)),
            "is_module": spec.role == LAYER,
        })
        edges += [[s, name] for s in node.inputs]
    return nodes, edges


def downstream(graph: ModelGraph, name: str) -> set[str]:
    """``name`` and every node that reads its output, directly or not."""
    out, frontier = {name}, [name]
    while frontier:
        for c in graph.consumers(frontier.pop()):
            if c not in out:
                out.add(c)
                frontier.append(c)
    return out


def inspector(graph: ModelGraph, report: ShapeReport, name: str) -> dict[str, Any]:
    """The form of node ``name``: its facts, its fields, its inputs and the nodes that may be wired into it."""
    node = graph[name]
    spec = registry.get(node.type)
    resolved = report.resolved.get(name) or {}
    fields = []
    for f in spec.fields:
        value = node.config.get(f.name, f.default)
        inferred = resolved.get(f.name) if f.auto else None
        fields.append({
            "name": f.name, "kind": f.kind, "value": jsonable(value), "display": f.text(value),
            "optional": f.nullable, "min": f.min, "max": f.max, "choices": [jsonable(c) for c in f.choices],
            "help": f.help, "default": jsonable(f.default), "inferred": jsonable(inferred),
        })
    order = list(report.order)
    later = downstream(graph, name)
    candidates = [n for n in order[:order.index(name)] if n not in node.inputs and n not in later
                  and spec_of(graph, n).role != OUTPUT]
    return {
        "name": name, "type": node.type, "role": role(spec), "help": spec.help, "formula": spec.formula,
        "shape": shape_of(report, name), "params": report.params.get(name), "error": report.errors.get(name),
        "fields": fields, "inputs": list(node.inputs), "candidates": candidates, "merge": is_merge(spec),
        "is_module": spec.role == LAYER,
        "removable": True,
    }
