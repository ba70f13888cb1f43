"""Live panels drawn in the browser: the kernel sends the numbers (float32 bytes), widgets/plots.js draws them.

A frame of the loss or the gradient panel costs about a millisecond of the kernel's time (reading the new tail of
the history, a min/max envelope, packing bytes) instead of 10-30 ms of matplotlib drawing and PNG encoding, and it
is one widget message (`spec` and `frame` synced together). `LivePlot` is the widget; `LiveLossPanel`,
`LiveGradientPanel`, `LiveBoundaryPanel` and `LiveShapesPanel` turn a trainer's history (or the model's classes
on a grid) into its frames, with the `Panel` interface the dashboard's refresher uses (`update(trainer) -> changed`,
`dirty`, `render() -> frame`).
"""

from __future__ import annotations

import math

import anywidget
import numpy as np
import traitlets
from matplotlib import colormaps
from matplotlib.colors import LogNorm, to_hex

from ..builder import asset
from .base import PALETTE
from .boundary import DecisionBoundaryPanel
from .grads import GradientPanel
from .loss import LossPanel
from .series import EnvelopeSeries, envelope, epoch_columns, grad_norms
from .shapes import follow_norms, latest_grad_norms, new_record, shape_rows


class Frame:
    """Collects float32 arrays into one buffer; `add(a)` returns its `[offset, n]` reference for the spec."""

    def __init__(self):
        self.parts: list[np.ndarray] = []
        self.size = 0

    def add(self, values) -> list[int]:
        a = np.ascontiguousarray(values, dtype="<f4").ravel()
        ref = [self.size, int(a.size)]
        self.parts.append(a)
        self.size += a.size
        return ref

    def bytes(self) -> bytes:
        return np.concatenate(self.parts).tobytes() if self.parts else b""


class LivePlot(anywidget.AnyWidget):
    """A canvas in the browser drawing the stacked plots of `spec` from the float32 values in `frame`.

    `visible` is reported by the browser (an IntersectionObserver): False while the panel is scrolled out of view,
    so the dashboard skips its frames. It stays True without a front end. A spec's own `aspect` (height / width)
    overrides the widget's (a panel whose rows follow the model's parameters).
    """

    _esm = asset("plots.js")
    spec = traitlets.Dict().tag(sync=True)
    frame = traitlets.Bytes(b"").tag(sync=True)
    aspect = traitlets.Float(0.77).tag(sync=True)
    max_width = traitlets.Int(396).tag(sync=True)
    visible = traitlets.Bool(True).tag(sync=True)

    def show(self, rendered: tuple[dict, bytes]) -> None:
        """Send one frame: the spec and its values in one message."""
        spec, frame = rendered
        with self.hold_sync():
            self.spec = spec
            self.frame = frame


class LiveLossPanel:
    """Loss per step (a min/max envelope of true samples), train and validation loss per epoch, and accuracy (each
    per-epoch line an envelope of at most about `max_epoch_points` true points)."""

    def __init__(self, max_points: int = 800, max_epoch_points: int = 400):
        self.max_epoch_points = max_epoch_points
        self.log = False
        self.dirty = True
        self.probe_seconds = 0.0
        self.full_draws = 0
        self._loss = EnvelopeSeries(buckets=max(2, max_points // 2))
        self._seen = None
        self._spec: tuple[dict, bytes] = ({}, b"")

    set_log = LossPanel.set_log  # the same toggle as the matplotlib panel's

    def update(self, trainer) -> bool:
        h = trainer.history
        key = (id(h), len(h["loss"]), len(h["epoch"]), self.log)
        if key == self._seen:
            return False
        self._seen = key
        x, y = self._loss.read(h["loss"])
        epoch_step, epochs, cols, n = epoch_columns(h)
        f = Frame()

        def per_epoch(x_of, column):  # at most about max_epoch_points true points: a long run's frame stays small
            ex, ey = envelope(cols[column][:n], x_of[:n], self.max_epoch_points)
            return {"x": f.add(ex), "y": f.add(ey)}

        dots = n <= 200  # a dot per epoch while they can be told apart
        log = self.log and bool(len(y)) and bool(np.all(y[np.isfinite(y)] > 0))
        loss = {"title": "Loss per step", "ratio": 2, "ylog": log, "xlim": [0, max(10.0, float(x[-1]) if len(x)
                                                                                    else 0.0)],
                "series": [
                    {"label": "train (step)", "color": PALETTE[0], "alpha": 0.35, "width": 0.8,
                     "x": f.add(x), "y": f.add(y)},
                    {"label": "train (epoch)", "color": PALETTE[0], "width": 1.6,
                     **per_epoch(epoch_step, "train_loss")},
                    {"label": "validation", "color": PALETTE[1], "width": 1.6, "dots": dots,
                     **per_epoch(epoch_step, "val_loss")}]}
        acc = {"title": "Accuracy per epoch", "ratio": 1, "ylim": [0, 1.02],
               "xlim": [0.5, max(2.0, float(epochs[n - 1]) + 0.5 if n else 2.0)], "series": [
                   {"color": PALETTE[0], "width": 1.4, **per_epoch(epochs, "train_accuracy")},
                   {"color": PALETTE[1], "width": 1.4, "dots": dots, **per_epoch(epochs, "val_accuracy")}]}
        if trainer.data.task != "classification":
            acc["note"] = "no accuracy for regression"
        self.x, self.y = x, y
        self._spec = ({"title": "Loss and accuracy", "plots": [loss, acc]}, f.bytes())
        self.dirty = True
        return True

    def render(self) -> tuple[dict, bytes]:
        self.dirty = False
        return self._spec


class LiveGradientPanel:
    """Gradient norm of each named parameter by step (log scale; the selected one bold) and a histogram of the
    selected parameter's latest gradient, scaled by its largest magnitude."""

    def __init__(self, max_points: int = 300, bins: int = 41):
        self.max_points, self.bins = max_points, bins
        self.selected: str | None = None
        self.histogram: np.ndarray | None = None
        self.dirty = True
        self.probe_seconds = 0.0
        self.full_draws = 0
        self._seen = None
        self._spec: tuple[dict, bytes] = ({}, b"")

    select = GradientPanel.select  # the same selection as the matplotlib panel's

    def update(self, trainer) -> bool:
        h = trainer.history
        names = tuple(h["grad_norm"])
        if self.selected not in names:
            self.selected = names[0] if names else None
        key = (id(h), len(h["grad_step"]), self.selected)
        if key == self._seen:
            return False
        self._seen = key
        steps, series = grad_norms(h, names)
        f = Frame()
        lines = []
        for i, name in enumerate(names):
            m = min(len(steps), len(series[name]))
            x, y = envelope(series[name][:m], steps[:m], self.max_points)
            lines.append({"label": name, "color": PALETTE[i % len(PALETTE)],
                          "width": 2.2 if name == self.selected else 1.0, "x": f.add(x), "y": f.add(y)})
        norms = {"title": "Gradient norm per parameter (by step)", "ratio": 3, "ylog": True, "legend": True,
                 "xlim": [0, max(10.0, float(steps[-1]) if len(steps) else 0.0)], "series": lines}
        hist = {"title": "", "ratio": 2, "noyticks": True, "series": []}
        sample = trainer.latest_gradients().get(self.selected)
        if sample is not None and sample.size:
            finite = sample[np.isfinite(sample)]
            scale = float(np.abs(finite).max()) if finite.size else 0.0
            counts, _ = np.histogram(finite / scale if scale > 0 else finite, bins=self.bins, range=(-1, 1))
            self.histogram = counts
            hist["bars"] = {"lo": -1, "hi": 1, "y": f.add(counts / max(1, counts.max())), "color": PALETTE[0],
                            "label": f"{self.selected}: latest gradient, max |g| = {scale:.3g}"}
            hist["ylim"] = [0, 1.3]
        else:
            self.histogram = None
            hist["note"] = "no gradient yet"
        self._spec = ({"title": "Gradient norms", "plots": [norms, hist]}, f.bytes())
        self.dirty = True
        return True

    def render(self) -> tuple[dict, bytes]:
        self.dirty = False
        return self._spec


class LiveBoundaryPanel(DecisionBoundaryPanel):
    """The decision boundary of 2-D data drawn in the browser: the same grid, classes and confidence shading as
    `DecisionBoundaryPanel` (whose `update` computes them), sent as float32 RGBA cells plus the points, instead of
    a matplotlib PNG."""

    def __init__(self, data, resolution: int = 60):
        super().__init__(data, resolution)
        self._points = (data.X_train[:, 0], data.X_train[:, 1],
                        data.y_train if data.task == "classification" else np.zeros(len(data.X_train)))
        self._ncolors = len(self.colors)

    def render(self) -> tuple[dict, bytes]:
        f = Frame()
        rgba = np.asarray(self.image.get_array(), dtype=np.float32)  # (n, n, 4), row 0 at the bottom
        x, y, c = self._points
        plot = {"title": "Decision boundary", "ratio": 1, "xlim": [float(self.x0), float(self.x1)],
                "ylim": [float(self.y0), float(self.y1)], "yfree": True, "series": [],
                "image": {"w": int(rgba.shape[1]), "h": int(rgba.shape[0]), "rgba": f.add(rgba)},
                "points": {"x": f.add(x), "y": f.add(y), "c": f.add(c),
                           "colors": list(PALETTE[:self._ncolors]) if self._ncolors else list(PALETTE)}}
        self.dirty = False
        return {"title": "Decision boundary", "plots": [plot]}, f.bytes()


class LiveShapesPanel:
    """One bar per named parameter: its label (name and shape), its element count as the length (log scale) and
    its latest gradient norm as the colour (viridis on a log scale that follows the norms), with a colour bar.
    The browser-drawn twin of `ParameterShapesPanel` (whose matplotlib frames cost 5-160 ms; these about 0.3 ms)."""

    def __init__(self):
        self.cmap = colormaps["viridis"]
        self.norm = LogNorm(1e-4, 1.0)
        self.labels: list[str] = []
        self.counts: list[int] = []
        self.grad_norms: list[float] = []
        self.colors: list[str] = []
        self.dirty = True
        self.probe_seconds = 0.0
        self.full_draws = 0
        self._seen = None
        self._spec: tuple[dict, bytes] = ({}, b"")
        self._stops = [to_hex(self.cmap(t)) for t in np.linspace(0, 1, 9)]

    def color(self, value: float) -> str:
        """The bar colour of a gradient norm (grey when there is none yet)."""
        return to_hex(self.cmap(self.norm(value))) if math.isfinite(value) and value > 0 else "#bbbbbb"

    def update(self, trainer) -> bool:
        h = trainer.history
        shapes = h["param_shapes"]
        if not new_record(self, h):
            return False
        self.labels, self.counts = shape_rows(shapes)
        self.grad_norms = latest_grad_norms(h, shapes)
        follow_norms(self.norm, self.grad_norms)
        self.colors = [self.color(v) for v in self.grad_norms]
        f = Frame()
        plot = {"title": "Named parameters: size, coloured by gradient norm", "ratio": 1,
                "hbars": {"labels": self.labels, "x": f.add(self.counts), "colors": self.colors,
                          "xlabel": "elements (log)"},
                "colorbar": {"lo": float(self.norm.vmin), "hi": float(self.norm.vmax), "stops": self._stops,
                             "label": "grad norm"}}
        aspect = min(1.6, max(0.45, 0.2 + 0.075 * len(self.labels)))
        self._spec = ({"title": "Named parameters", "aspect": aspect, "plots": [plot]}, f.bytes())
        self.dirty = True
        return True

    def render(self) -> tuple[dict, bytes]:
        self.dirty = False
        return self._spec
