"""A design drawn as a static SVG diagram (blocks top to bottom with their output shapes and parameter counts),
for `_repr_mimebundle_`: a `ModelGraph` or a built module shown as a cell's last value draws itself.

No script and no external resource: the SVG is plain markup, so it renders in JupyterLab, Notebook 7, VS Code,
Voila and GitHub's notebook viewer alike, and escapes every user-given text.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .shapes import fmt

BLOCK_W, BLOCK_H, GAP_Y, GAP_X, MARGIN = 230, 44, 26, 30, 14
_COLORS = {"ok": ("#eef4fb", "#3a78c2"), "error": ("#fdecea", "#d32f2f"), "blocked": ("#f3f3f3", "#9e9e9e")}


def _layout(report) -> dict[str, tuple[float, float]]:
    """Rows by depth from the inputs; blocks of one row side by side, centred."""
    rows: dict[int, list[str]] = {}
    for name in report.order:
        rows.setdefault(report.depth.get(name, 0), []).append(name)
    width = max((len(r) for r in rows.values()), default=1) * (BLOCK_W + GAP_X) - GAP_X
    pos = {}
    for row_index, (_, names) in enumerate(sorted(rows.items())):
        row_w = len(names) * (BLOCK_W + GAP_X) - GAP_X
        x0 = MARGIN + (width - row_w) / 2
        for i, name in enumerate(names):
            pos[name] = (x0 + i * (BLOCK_W + GAP_X), MARGIN + row_index * (BLOCK_H + GAP_Y))
    return pos


def graph_svg(graph: Any) -> str:
    """The SVG markup of `graph` (a `ModelGraph`)."""
    report = graph.infer_shapes()
    pos = _layout(report)
    if not pos:
        return "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='40'><text x='10' y='25'>empty design" \
               "</text></svg>"
    width = max(x for x, _ in pos.values()) + BLOCK_W + MARGIN + GAP_X + 10
    height = max(y for _, y in pos.values()) + BLOCK_H + MARGIN + 22
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' height='{height:.0f}' "
             "font-family='sans-serif' font-size='12' role='img' aria-label='model diagram'>",
             "<defs><marker id='nnstudio-arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='6' "
             "markerHeight='6' orient='auto'><path d='M0,0 L10,5 L0,10 z' fill='#777'/></marker></defs>"]
    for src, dst in graph.edges:
        if src in pos and dst in pos:
            (x1, y1), (x2, y2) = pos[src], pos[dst]
            if y2 - y1 > BLOCK_H + GAP_Y and abs(x2 - x1) < 1:
                # a skip connection: bend around the right of the blocks in between
                bx = x1 + BLOCK_W + GAP_X
                parts.append(f"<path d='M{x1 + BLOCK_W:.0f},{y1 + BLOCK_H / 2:.0f} C{bx:.0f},{y1 + BLOCK_H / 2:.0f} "
                             f"{bx:.0f},{y2 + BLOCK_H / 2:.0f} {x2 + BLOCK_W:.0f},{y2 + BLOCK_H / 2:.0f}' fill='none' "
                             "stroke='#3a78c2' stroke-width='1.5' stroke-dasharray='4 3' "
                             "marker-end='url(#nnstudio-arrow)'/>")
                continue
            parts.append(f"<line x1='{x1 + BLOCK_W / 2:.0f}' y1='{y1 + BLOCK_H:.0f}' x2='{x2 + BLOCK_W / 2:.0f}' "
                         f"y2='{y2:.0f}' stroke='#777' stroke-width='1.5' marker-end='url(#nnstudio-arrow)'/>")
    for name, (x, y) in pos.items():
        node = graph.nodes[name]
        status = report.status(name)
        fill, stroke = _COLORS[status]
        shape = report.shapes.get(name)
        detail = fmt(shape) if shape is not None else ("error" if status == "error" else "blocked")
        params = report.params.get(name, 0)
        title = report.errors.get(name, f"{name}: {node.type}, output {detail}, {params:,} parameters")
        parts.append(f"<g><title>{escape(title)}</title>"
                     f"<rect x='{x:.0f}' y='{y:.0f}' width='{BLOCK_W}' height='{BLOCK_H}' rx='6' fill='{fill}' "
                     f"stroke='{stroke}' stroke-width='1.5'/>"
                     f"<text x='{x + 10:.0f}' y='{y + 18:.0f}' font-weight='bold'>{escape(name)}"
                     f"<tspan dx='8' font-weight='normal' fill='#555'>{escape(node.type)}</tspan></text>"
                     f"<text x='{x + 10:.0f}' y='{y + 35:.0f}' fill='{stroke}'>{escape(detail)}</text>"
                     + (f"<text x='{x + BLOCK_W - 10:.0f}' y='{y + 35:.0f}' text-anchor='end' fill='#555'>"
                        f"{params:,}</text>" if params else "") + "</g>")
    state = "ok" if report.ok else f"{len(report.problems())} problem(s)"
    parts.append(f"<text x='{MARGIN}' y='{height - 8:.0f}' fill='#555'>{report.total_params:,} parameters, "
                 f"{escape(state)}</text></svg>")
    return "".join(parts)


def mimebundle(graph: Any) -> dict[str, str]:
    """The rich display of a design: the SVG diagram, plus its text summary as the plain-text fallback."""
    return {"image/svg+xml": graph_svg(graph), "text/plain": graph.summary()}
