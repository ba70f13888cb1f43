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
        self.counts = [int(np.prod(s)) if len(s) else 1 for s in shapes.values()]
        self.labels = [_label(n, s) for n, s in shapes.items()]
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
        key = (id(h), len(h["grad_step"]), tuple(shapes.items()))
        if key == self._seen:
            return False
        self._seen = key
        if shapes != self._shapes:
            self._make_bars(shapes)
        with h.lock:
            latest = [h["grad_norm"][n][-1] if h["grad_norm"][n] else math.nan for n in shapes]
        finite = [v for v in latest if math.isfinite(v) and v > 0]
        if finite:
            lo, hi = min(finite), max(finite)
            # move the colour scale (a full redraw) only when the norms leave it; the new scale pads them by a
            # decade on each side, so the slow decline of the norms while training moves it rarely
            if lo < self.norm.vmin or hi > self.norm.vmax:
                self.norm.vmin, self.norm.vmax = lo / 10, hi * 10
                self.colorbar.update_normal(self.colorbar.mappable)
                self.relayout()
        for bar, value in zip(self.bars, latest):
            bar.set_color(self.cmap(self.norm(value)) if math.isfinite(value) and value > 0 else "#bbbbbb")
        self.grad_norms = latest
        self.dirty = True
        return True
