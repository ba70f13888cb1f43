"""`DecisionBoundaryPanel` (2-D inputs): the predicted class over the plane, shaded by confidence, with the points.
`SamplePredictionsPanel` (image-like inputs): validation images with the predicted label, green when right."""

from __future__ import annotations

import math
import time

import numpy as np
from matplotlib.colors import to_rgba

from .base import INK, PALETTE, Panel


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class DecisionBoundaryPanel(Panel):
    """Class regions on a `resolution` x `resolution` grid over the data, redrawn when the weights changed."""

    width, height = 3.6, 3.4

    def __init__(self, data, resolution: int = 60):
        super().__init__()
        self.resolution = resolution
        self.ax = self.figure.subplots()
        self.style(self.ax, "Decision boundary")
        self.ax.grid(False)
        self.ax.set_aspect("equal", adjustable="box")
        X = np.concatenate([data.X_train, data.X_val])
        lo, hi = X.min(0), X.max(0)
        pad = 0.1 * np.maximum(hi - lo, 1e-6)
        self.x0, self.y0 = lo - pad
        self.x1, self.y1 = hi + pad
        gx = np.linspace(self.x0, self.x1, resolution, dtype=np.float32)
        gy = np.linspace(self.y0, self.y1, resolution, dtype=np.float32)
        xx, yy = np.meshgrid(gx, gy)
        self.grid = np.stack([xx.ravel(), yy.ravel()], axis=1)
        self.colors = np.array([to_rgba(PALETTE[i % len(PALETTE)]) for i in range(max(2, data.num_outputs))])
        self.image = self.ax.imshow(np.zeros((resolution, resolution, 4)), origin="lower", interpolation="nearest",
                                    extent=(self.x0, self.x1, self.y0, self.y1), aspect="auto")
        classify = data.task == "classification"
        c = self.colors[data.y_train] if classify else INK
        self.points = self.ax.scatter(data.X_train[:, 0], data.X_train[:, 1], s=6, c=c, edgecolors="white",
                                      linewidths=0.3)
        self.ax.set_xlim(self.x0, self.x1)
        self.ax.set_ylim(self.y0, self.y1)
        self.animate(self.image, self.points)
        self.classes: np.ndarray | None = None
        self._seen = None

    def update(self, trainer) -> bool:
        key = (id(trainer.history), trainer.steps)
        if key == self._seen:
            return False
        t0 = time.perf_counter()
        out = trainer.predict(self.grid)
        self.probe_seconds = time.perf_counter() - t0
        self._seen = key
        n = self.resolution
        rgba = np.zeros((len(out), 4))
        if trainer.data.task == "classification" and out.shape[1] > 1:
            prob = _softmax(out.astype(np.float64))
            self.classes = prob.argmax(1)
            k = out.shape[1]
            conf = (prob.max(1) - 1.0 / k) / (1.0 - 1.0 / k)
            rgba[:] = self.colors[self.classes % len(self.colors)]
            rgba[:, 3] = 0.12 + 0.5 * np.clip(conf, 0, 1)
        else:  # one output: its value on a two-colour scale
            v = out[:, 0].astype(np.float64)
            span = max(float(np.nanmax(np.abs(v))) if v.size else 1.0, 1e-12)
            t = np.clip(0.5 + 0.5 * v / span, 0, 1)[:, None]
            rgba[:] = (1 - t) * self.colors[0] + t * self.colors[1]
            rgba[:, 3] = 0.45
            self.classes = (v > 0).astype(np.int64)
        self.image.set_data(rgba.reshape(n, n, 4))
        self.dirty = True
        return True


class SamplePredictionsPanel(Panel):
    """Up to 12 validation samples shown as images with the predicted class (green right, red wrong)."""

    width, height = 3.6, 3.4

    def __init__(self, data, count: int = 12):
        super().__init__()
        self.images = _as_images(data.X_val[:count])
        self.truth = data.y_val[:count] if data.task == "classification" else None
        self.axes = self.figure.subplots(3, 4).ravel()
        self.titles = []
        for i, ax in enumerate(self.axes):
            ax.set_axis_off()
            if self.images is not None and i < len(self.images):
                ax.imshow(self.images[i], cmap="gray_r", interpolation="nearest")
                self.titles.append(ax.set_title("", fontsize=8, color=INK))
        self.animate(*self.titles)
        self.figure.suptitle("Sample predictions" if self.images is not None else
                             "Decision boundary: for 2-D inputs only", color=INK, fontsize=9, x=0.02, ha="left")
        self.predicted: np.ndarray | None = None
        self._data = data
        self._seen = None

    def update(self, trainer) -> bool:
        if self.images is None or self.truth is None:
            return False
        key = (id(trainer.history), trainer.steps)
        if key == self._seen:
            return False
        self._seen = key
        t0 = time.perf_counter()
        out = trainer.predict(self._data.X_val[:len(self.titles)])
        self.probe_seconds = time.perf_counter() - t0
        self.predicted = out.argmax(1)
        for title, p, t in zip(self.titles, self.predicted, self.truth):
            title.set_text(str(self._data.class_names[p]) if p < len(self._data.class_names) else str(p))
            title.set_color("#2ca02c" if p == t else "#d62728")
        self.dirty = True
        return True


def _as_images(X: np.ndarray):
    """(N, H, W) images from (N, 1, H, W), (N, H, W) or square flat vectors; None when X is no image."""
    if X.ndim == 4 and X.shape[1] in (1, 3):
        return X[:, 0] if X.shape[1] == 1 else X.transpose(0, 2, 3, 1)
    if X.ndim == 3:
        return X
    if X.ndim == 2:
        side = int(math.isqrt(X.shape[1]))
        if side * side == X.shape[1] and side >= 4:
            return X.reshape(-1, side, side)
    return None
