"""The named-parameter table (HTML): name, shape, count, weight norm, gradient norm; the selected row marked."""

from __future__ import annotations

import html
import math


def _num(v: float) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v:.4g}"


def param_table_html(shapes: dict, weight_norm: dict, grad_norm: dict, selected: str | None = None) -> str:
    """An HTML table with class `nnstudio-param-table`; numbers are the latest recorded norms."""
    rows = []
    total = 0
    for name, shape in shapes.items():
        count = 1
        for d in shape:
            count *= int(d)
        total += count
        sel = ' class="nnstudio-selected" aria-selected="true"' if name == selected else ""
        rows.append(f'<tr data-param="{html.escape(name)}"{sel}><td>{html.escape(name)}</td>'
                    f"<td>{html.escape(str(tuple(shape)))}</td><td>{count:,}</td>"
                    f"<td>{_num(weight_norm.get(name))}</td><td>{_num(grad_norm.get(name))}</td></tr>")
    return ('<table class="nnstudio-param-table" role="table" aria-label="Named parameters"><thead><tr>'
            "<th>name</th><th>shape</th><th>count</th><th>weight norm</th><th>grad norm</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody><tfoot><tr><td>total</td><td></td><td>{total:,}</td><td></td><td></td>"
            "</tr></tfoot></table>")


def latest_norms(history) -> tuple[dict, dict]:
    """The last recorded (weight_norm, grad_norm) per parameter name."""
    with history.lock:
        w = {n: s[-1] for n, s in history["weight_norm"].items() if s}
        g = {n: s[-1] for n, s in history["grad_norm"].items() if s}
    return w, g
