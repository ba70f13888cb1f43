"""`GradientPanel`: gradient norm of each named parameter over the steps, and a histogram of one of them."""

from __future__ import annotations

import numpy as np

from .base import INK, PALETTE, Panel, growing_limit, planned_run, sticky_limits
from .series import envelope, grad_norms


class GradientPanel(Panel):
    """Top: one line per named parameter (log scale). Bottom: histogram of the selected parameter's latest
    gradient, on a fixed axis scaled by its largest magnitude (written beside it)."""

    height = 3.4

    def __init__(self, max_points: int = 600, bins: int = 41):
        super().__init__()
        self.max_points, self.bins = max_points, bins
        self.ax_norm, self.ax_hist = self.figure.subplots(2, 1, height_ratios=[3, 2])
        self.style(self.ax_norm, "Gradient norm per parameter (by step)", "", "")
        self.style(self.ax_hist, "", "", "")
        self.ax_hist.set_yticks([])
        self.ax_norm.set_yscale("log")
        self.ax_norm.set_xlim(0, 100)
        self.ax_norm.set_ylim(1e-3, 1)
        self.ax_hist.set_xlim(-1, 1)
        self.ax_hist.set_ylim(0, 1.3)  # headroom for the label
        self.edges = np.linspace(-1, 1, bins + 1)
        self.hist = self.ax_hist.stairs(np.zeros(bins), self.edges, fill=True, color=PALETTE[0], alpha=0.7)
        self.hist_label = self.ax_hist.text(0.01, 0.97, "", transform=self.ax_hist.transAxes, ha="left",
                                            va="top", color=INK, fontsize=7)
        self.animate(self.hist, self.hist_label)
        self.lines: dict = {}
        self.selected: str | None = None
        self.histogram: np.ndarray | None = None
        self._names = None
        self._legend = None
        self._seen = None

    def select(self, name: str | None) -> None:
        """The parameter whose gradient histogram is drawn (and whose line is bold)."""
        if name != self.selected:
            self.selected = name
            self._seen = None

    def _make_lines(self, names) -> None:
        for line in self.lines.values():
            self.forget(line)
            line.remove()
        self.lines = {}
        for i, name in enumerate(names):
            self.lines[name], = self.ax_norm.plot([], [], color=PALETTE[i % len(PALETTE)], linewidth=1.0,
                                                  label=name)
        self.animate(*self.lines.values())
        if self._legend is not None:
            self._legend.remove()
        self._legend = None
        if names and len(names) <= 16:
            # beside the axes: the moving lines are drawn over the cached background, so a legend inside would hide
            self._legend = self.ax_norm.legend(fontsize=6, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                                               ncols=2 if len(names) > 8 else 1, borderaxespad=0.2, handlelength=1.2)
            for text in self._legend.get_texts():
                text.set_color(INK)
        self._names = tuple(names)
        self.relayout(labels=True)

    def update(self, trainer) -> bool:
        h = trainer.history
        names = tuple(h["grad_norm"])
        if self.selected not in names:
            self.selected = names[0] if names else None
        key = (id(h), len(h["grad_step"]), self.selected)
        if key == self._seen:
            return False
        if self._seen is None or self._seen[0] != id(h):
            self.ax_norm.set_xlim(0, 100)
            self.relayout()
        self._seen = key
        if names != self._names:
            self._make_lines(names)
        steps, series = grad_norms(h, names)
        shown = []
        for name, line in self.lines.items():
            m = min(len(steps), len(series[name]))
            x, y = envelope(series[name][:m], steps[:m], self.max_points)
            line.set_data(x, y)
            line.set_linewidth(2.2 if name == self.selected else 1.0)
            shown.append(y)
        if shown:
            # wide margins (half the span on each side, in decades): noisy norms rarely force a full redraw
            ylim = sticky_limits(self.ax_norm.get_ylim(), np.concatenate(shown), log=True, grow=2.0)
            if ylim is not None:
                self.ax_norm.set_ylim(*ylim)
                self.relayout()
        right = growing_limit(self.ax_norm.get_xlim()[1], steps[-1] if len(steps) else 0,
                              planned=planned_run(trainer)[0])
        if right is not None:
            self.ax_norm.set_xlim(0, right)
            self.relayout()
        self._update_histogram(trainer.latest_gradients().get(self.selected))
        self.dirty = True
        return True

    def _update_histogram(self, sample) -> None:
        if sample is None or not sample.size:
            self.hist.set_data(np.zeros(self.bins), self.edges)
            self.hist_label.set_text("")
            self.histogram = None
            return
        finite = sample[np.isfinite(sample)]
        scale = float(np.abs(finite).max()) if finite.size else 0.0
        counts, _ = np.histogram(finite / scale if scale > 0 else finite, bins=self.edges)
        self.histogram = counts
        self.hist.set_data(counts / max(1, counts.max()), self.edges)
        self.hist_label.set_text(f"{self.selected}: latest gradient, max |g| = {scale:.3g}")
