"""`describe()`: a design with its inferred shapes as plain data for front ends, and `summary()`, a text table."""

from __future__ import annotations

from typing import Any

from .registry import REGISTRY


def _batched(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "-"
    inner = ", ".join(str(s) for s in shape)
    return f"(N, {inner})" if inner else "(N,)"


def describe(graph: Any) -> dict[str, Any]:
    """Everything a widget draws, JSON-able, nodes in topological order (a top-to-bottom layout).

    Returns::

        {"format": "nnstudio.graph", "version": 1,
         "ok": bool, "total_params": int, "graph_errors": [str], "inputs": [name], "outputs": [name],
         "nodes": [{"name", "type", "category", "role": "input"|"layer"|"op"|"output",
                    "config": {field: value}, "resolved": {field: value} | None, "inputs": [name],
                    "consumers": [name], "shape": [int] | None, "dtype": "float32"|"int64"|None,
                    "params": int, "status": "ok"|"error"|"blocked", "error": str | None,
                    "depth": int, "help": str, "formula": str}],
         "edges": [[src, dst, port]]}
    """
    report = graph.infer_shapes()
    nodes = graph.nodes
    consumers: dict[str, list[str]] = {n: [] for n in nodes}
    for n, node in nodes.items():
        for s in node.inputs:
            consumers[s].append(n)
    out_nodes = []
    edges = []
    for name in report.order:
        node = nodes[name]
        spec = REGISTRY[node.type]
        shape = report.shapes.get(name)
        resolved = report.resolved.get(name)
        out_nodes.append({
            "name": name, "type": node.type, "category": spec.category, "role": spec.role,
            "config": {f.name: f.to_json(node.config[f.name]) for f in spec.fields},
            "resolved": None if resolved is None else {f.name: f.to_json(resolved[f.name]) for f in spec.fields},
            "inputs": list(node.inputs), "consumers": consumers[name],
            "shape": None if shape is None else list(shape), "dtype": report.dtypes.get(name),
            "params": int(report.params.get(name, 0)), "status": report.status(name),
            "error": report.errors.get(name), "depth": int(report.depth[name]), "help": spec.help,
            "formula": spec.formula,
        })
        edges += [[s, name, port] for port, s in enumerate(node.inputs)]
    return {"format": "nnstudio.graph", "version": 1, "ok": report.ok, "total_params": report.total_params,
            "graph_errors": list(report.graph_errors), "inputs": graph.inputs, "outputs": graph.outputs,
            "nodes": out_nodes, "edges": edges}


def summary(graph: Any) -> str:
    """A table: node, type, output shape (N = batch), parameters; then the total and any problems."""
    report = graph.infer_shapes()
    rows = [("node", "type", "output", "params")]
    for name in report.order:
        node = graph.nodes[name]
        status = report.status(name)
        shape = _batched(report.shapes.get(name)) if status != "blocked" else "(blocked)"
        if status == "error" and name not in report.shapes:
            shape = "(error)"
        params = report.params.get(name)
        rows.append((name, node.type, shape, f"{params:,}" if params else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].ljust(widths[2]),
                                r[3].rjust(widths[3])]).rstrip())
        if i == 0:
            lines.append("-" * len(lines[0]))
    lines.append(f"total parameters: {report.total_params:,}")
    for p in report.problems():
        lines.append(f"error: {p}")
    return "\n".join(lines)


