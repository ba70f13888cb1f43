"""`ParameterShapesPanel`: one bar per named parameter, labelled name and shape, length = element count,
colour = its latest gradient norm."""

from __future__ import annotations

import math

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LogNorm

from .base import INK, Panel


def _label(name: str, shape) -> str:
    return f"{name} {tuple(shape)}".replace(",)", ")")


def shape_rows(shapes: dict) -> tuple[list[str], list[int]]:
    """(label, element count) of each named parameter: "fc1.weight (64, 2)", 128."""
    return [_label(n, s) for n, s in shapes.items()], [int(np.prod(s)) if len(s) else 1 for s in shapes.values()]


def latest_grad_norms(history, names) -> list[float]:
    """The last recorded gradient norm of each parameter in `names` (nan before the first record)."""
    with history.lock:
        return [history["grad_norm"][n][-1] if history["grad_norm"][n] else math.nan for n in names]


def new_record(panel, history) -> bool:
    """True when `history` holds a gradient record (or parameter shapes) that `panel` has not shown yet; the panel
    remembers it (in `panel._seen`)."""
    key = (id(history), len(history["grad_step"]), tuple(history["param_shapes"].items()))
    if key == panel._seen:
        return False
    panel._seen = key
    return True


def follow_norms(norm: LogNorm, values) -> bool:
    """Move the log colour scale `norm` when finite positive `values` leave it (padded by a decade on each side,
    so the slow decline of the norms while training moves it rarely); True when it moved."""
    finite = [v for v in values if math.isfinite(v) and v > 0]
    if finite and (min(finite) < norm.vmin or max(finite) > norm.vmax):
        norm.vmin, norm.vmax = min(finite) / 10, max(finite) * 10
        return True
    return False


class ParameterShapesPanel(Panel):
    """Horizontal bars (log-scaled length) coloured by gradient norm on a log colour scale."""

    width, height = 4.4, 3.0

    def __init__(self):
        super().__init__()
        self.ax = self.figure.subplots()
        self.style(self.ax, "Named parameters: size, coloured by gradient norm", "elements (log)", "")
        self.ax.grid(False)
        self.ax.set_xscale("log")
        self.cmap = colormaps["viridis"]
        self.norm = LogNorm(1e-4, 1.0)
        self.colorbar = self.figure.colorbar(ScalarMappable(self.norm, self.cmap), ax=self.ax, pad=0.01,
                                             fraction=0.05)
        self.colorbar.set_label("grad norm", color=INK, fontsize=7)
        self.colorbar.ax.tick_params(which="both", colors=INK, labelsize=6)
        self.bars = None
        self.counts: list[int] = []
        self.labels: list[str] = []
        self.grad_norms: list[float] = []
        self._shapes = None
        self._seen = None

    def _make_bars(self, shapes: dict) -> None:
        if self.bars is not None:
            for bar in self.bars:
                self.forget(bar)
            self.bars.remove()
        names = list(shapes)
        self.labels, self.counts = shape_rows(shapes)
        y = np.arange(len(names))[::-1]
        self.bars = self.ax.barh(y, self.counts, color=self.cmap(0.0), height=0.7)
        self.animate(*self.bars)
        self.ax.set_yticks(y, self.labels, fontsize=7 if len(names) <= 16 else 5)
        self.ax.set_xlim(0.8, max(self.counts) * 1.6)
        self.ax.set_ylim(-0.6, len(names) - 0.4)
        self._shapes = dict(shapes)
        self.relayout(labels=True)

    def update(self, trainer) -> bool:
        h = trainer.history
        shapes = h["param_shapes"]
        if not new_record(self, h):
            return False
        if shapes != self._shapes:
            self._make_bars(shapes)
        latest = latest_grad_norms(h, shapes)
        if follow_norms(self.norm, latest):  # a new colour scale: a full redraw
            self.colorbar.update_normal(self.colorbar.mappable)
            self.relayout()
        for bar, value in zip(self.bars, latest):
            bar.set_color(self.cmap(self.norm(value)) if math.isfinite(value) and value > 0 else "#bbbbbb")
        self.grad_norms = latest
        self.dirty = True
        return True
