"""`Panel`: one matplotlib figure drawn off-screen (Figure + FigureCanvasAgg, no pyplot state) into PNG bytes.

A panel builds its figure and artists once. The moving artists are "animated": a full draw (axes, ticks, labels,
static artists) is cached as a background and only redone when the view changes (`relayout()`), which the
sticky limits below keep rare; a frame restores the background, draws the moving artists and encodes the pixels
(PNG, fast zlib level). `update(trainer)` changes the artists' data and marks the panel dirty.
"""

from __future__ import annotations

import io
import math
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

INK = "#8a8a8a"  # mid grey: readable on JupyterLab's light and dark themes (the figure background is transparent)
GRID = "#8a8a8a40"
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f")


class Panel:
    """Base class: a reusable figure, a dirty flag, `render() -> png bytes`, a cached background."""

    width, height, dpi = 4.4, 3.0, 90

    def __init__(self):
        self.figure = Figure(figsize=(self.width, self.height), dpi=self.dpi, layout="constrained")
        self.figure.patch.set_alpha(0.0)
        self.canvas = FigureCanvasAgg(self.figure)
        self.dirty = True
        self.last_render_s = 0.0
        self.full_draws = 0
        self.probe_seconds = 0.0  # time the last update spent in the model's forward (on the training thread)
        self._animated: list = []
        self._background = None
        self._needs_layout = True

    def animate(self, *artists) -> None:
        """Mark artists as moving: drawn every frame over the cached background."""
        for a in artists:
            a.set_animated(True)
            if a not in self._animated:
                self._animated.append(a)

    def forget(self, artist) -> None:
        """Stop drawing a removed moving artist."""
        if artist in self._animated:
            self._animated.remove(artist)

    def relayout(self, labels: bool = False) -> None:
        """The static part changed (limits, ticks): redraw it fully on the next frame.

        With `labels` (new tick labels or legend entries) the constrained layout runs again; otherwise the axes
        keep their place, which halves the cost of a full draw.
        """
        self._background = None
        self._needs_layout = self._needs_layout or labels
        self.dirty = True

    def style(self, ax, title: str = "", xlabel: str = "", ylabel: str = "") -> None:
        """Grey ink, light grid, transparent face: one look for every panel, light or dark theme."""
        ax.set_facecolor("none")
        if title:
            ax.set_title(title, color=INK, fontsize=9, loc="left")
        ax.set_xlabel(xlabel, color=INK, fontsize=8)
        ax.set_ylabel(ylabel, color=INK, fontsize=8)
        ax.tick_params(colors=INK, labelsize=7)
        # few ticks: text is most of a full draw's cost
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        if ax.get_yscale() == "linear":
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        for spine in ax.spines.values():
            spine.set_color(INK)
        ax.grid(True, color=GRID, linewidth=0.5)

    def render(self) -> bytes:
        """Draw a frame and return PNG bytes; clears the dirty flag and times itself (`last_render_s`)."""
        t0 = time.perf_counter()
        if self._background is None:
            if self._needs_layout:
                self.figure.set_layout_engine("constrained")
            self.canvas.draw()
            if self._needs_layout:
                self.figure.set_layout_engine("none")  # freeze the positions found
                self._needs_layout = False
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self.full_draws += 1
        else:
            self.canvas.restore_region(self._background)
        for artist in self._animated:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        rgba = self.canvas.buffer_rgba()
        buf = io.BytesIO()
        Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1).save(
            buf, format="png", compress_level=1)
        self.dirty = False
        self.last_render_s = time.perf_counter() - t0
        return buf.getvalue()


def downsample(y: np.ndarray, x: np.ndarray | None = None, max_points: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """At most `max_points` points: the series as is when short enough, else the means of equal buckets.

    Returns `(x, y)`; `x` defaults to 1..n (step numbers).
    """
    y = np.asarray(y, dtype=np.float64)
    x = np.arange(1, len(y) + 1, dtype=np.float64) if x is None else np.asarray(x, dtype=np.float64)
    n = len(y)
    if n <= max_points:
        return x, y
    k = -(-n // max_points)
    cut = (n // k) * k
    xs = x[:cut].reshape(-1, k).mean(1)
    ys = y[:cut].reshape(-1, k).mean(1)
    if cut < n:
        xs, ys = np.append(xs, x[cut:].mean()), np.append(ys, y[cut:].mean())
    return xs, ys


def sticky_limits(current: tuple[float, float], values, log: bool = False, grow: float = 1.25,
                  min_fill: float = 0.3) -> tuple[float, float] | None:
    """New axis limits when the finite `values` leave `current` or fill less than `min_fill` of it, else None.

    The new view pads the data by a margin, so small changes never move the view (and never force a full draw).
    With `log` the rule works on log10 of the positive values.
    """
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if log:
        v = np.log10(v[v > 0])
    if not v.size:
        return None
    lo, hi = float(v.min()), float(v.max())
    a, b = current
    if log:
        if a <= 0 or b <= 0:
            a, b = math.inf, -math.inf
        else:
            a, b = math.log10(a), math.log10(b)
    span = max(hi - lo, 1e-12 if not log else 1e-3)
    inside = a <= lo and hi <= b
    if inside and (hi - lo) >= min_fill * (b - a):
        return None
    pad = (grow - 1) * span / 2
    new = (lo - pad, hi + pad)
    return (10 ** new[0], 10 ** new[1]) if log else new


def growing_limit(current_hi: float, value: float, grow: float = 3.0, planned: float | None = None,
                  max_planned: float = 50_000) -> float | None:
    """The right edge of a time axis, or None when `current_hi` still does.

    With a `planned` end (the run's total steps or epochs) up to `max_planned`, the axis spans the whole run and
    never moves while it trains (no full redraws). Otherwise it only grows, by `grow` at a time, to keep `value`.
    """
    if planned is not None and value <= planned <= max_planned:
        return None if current_hi == planned else float(planned)
    if value <= current_hi:
        return None
    return max(value * grow, 1.0)


def planned_run(trainer) -> tuple[float, float]:
    """(steps, epochs) the current run of `trainer` is planned to reach."""
    p = trainer.progress()
    return float(max(1, p["epochs"]) * p["batches"]), float(max(1, p["epochs"]))
