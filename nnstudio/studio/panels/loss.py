"""`LossPanel`: training loss per step, train/validation loss per epoch (log toggle), and accuracy per epoch."""

from __future__ import annotations

import numpy as np

from .base import INK, PALETTE, Panel, growing_limit, planned_run, sticky_limits
from .series import EnvelopeSeries, epoch_columns


class LossPanel(Panel):
    """Top: loss against the step (per-step line, per-epoch train and validation). Bottom: accuracy per epoch."""

    height = 3.4

    def __init__(self, max_points: int = 1000):
        """`max_points`: about the most points the per-step line draws (a min/max envelope of true samples beyond)."""
        super().__init__()
        self.max_points = max_points
        self.log = False
        self.ax_loss, self.ax_acc = self.figure.subplots(2, 1, height_ratios=[2, 1])
        self.style(self.ax_loss, "Loss per step", "", "loss")
        self.style(self.ax_acc, "Accuracy per epoch", "", "")
        self.step_line, = self.ax_loss.plot([], [], color=PALETTE[0], alpha=0.35, linewidth=0.8, label="train (step)")
        self.train_line, = self.ax_loss.plot([], [], color=PALETTE[0], linewidth=1.6, label="train (epoch)")
        self.val_line, = self.ax_loss.plot([], [], color=PALETTE[1], linewidth=1.6, marker=".", markersize=3,
                                           label="validation")
        self.train_acc_line, = self.ax_acc.plot([], [], color=PALETTE[0], linewidth=1.4, label="train")
        self.val_acc_line, = self.ax_acc.plot([], [], color=PALETTE[1], linewidth=1.4, marker=".", markersize=3,
                                              label="validation")
        self.ax_loss.set_xlim(0, 100)
        self.ax_loss.set_ylim(0, 2.5)  # holds cross-entropy's start (ln k) for up to 10 classes: no early redraw
        self.ax_acc.set_xlim(0.5, 10)
        self.ax_acc.set_ylim(0, 1.02)
        leg = self.ax_loss.legend(fontsize=7, frameon=False, loc="upper right")  # the accuracy lines share colours
        for text in leg.get_texts():
            text.set_color(INK)
        self.note = self.ax_acc.text(0.5, 0.5, "", transform=self.ax_acc.transAxes, ha="center", va="center",
                                     color=INK, fontsize=8)
        self.animate(self.step_line, self.train_line, self.val_line, self.train_acc_line, self.val_acc_line,
                     self.note)
        self._loss = EnvelopeSeries(buckets=max(2, max_points // 2))
        self._seen = None

    def set_log(self, log: bool) -> None:
        """Log scale on the loss axis."""
        if bool(log) != self.log:
            self.log = bool(log)
            self._seen = None

    def update(self, trainer) -> bool:
        """Copy the history's new numbers into the artists; True when something changed."""
        h = trainer.history
        key = (id(h), len(h["loss"]), len(h["epoch"]), self.log)
        if key == self._seen:
            return False
        if self._seen is None or self._seen[0] != id(h):  # a fresh history: start from a small view
            self.ax_loss.set_xlim(0, 100)
            if self.ax_loss.get_yscale() == "linear":
                self.ax_loss.set_ylim(0, 2.5)
            self.ax_acc.set_xlim(0.5, 10)
            self.relayout()
        self._seen = key
        x, y = self._loss.read(h["loss"])
        self.step_line.set_data(x, y)
        epoch_step, epochs, cols, n = epoch_columns(h)
        self.train_line.set_data(epoch_step[:n], cols["train_loss"][:n])
        self.val_line.set_data(epoch_step[:n], cols["val_loss"][:n])
        self.train_acc_line.set_data(epochs[:n], cols["train_accuracy"][:n])
        self.val_acc_line.set_data(epochs[:n], cols["val_accuracy"][:n])
        self.note.set_text("no accuracy for regression" if trainer.data.task != "classification" else "")
        self._fit_view(y, cols["val_loss"][:n], int(x[-1]) if len(x) else 0, epochs[n - 1] if n else 0,
                       planned_run(trainer))
        self.dirty = True
        return True

    def _fit_view(self, loss, val, steps: int, epochs: float, planned: tuple[float, float]) -> None:
        values = np.concatenate([loss, val])
        log = self.log and values.size and (values[np.isfinite(values)] > 0).all()
        scale = "log" if log else "linear"
        if self.ax_loss.get_yscale() != scale:
            self.ax_loss.set_yscale(scale)
            self.ax_loss.set_ylim(1e-3, 1) if log else self.ax_loss.set_ylim(0, 1)
            self.relayout()
        if not log and values.size and np.nanmin(values) >= 0:
            # a loss is >= 0: anchor the linear view at 0, so only a new maximum moves it (a full redraw), not
            # every new minimum on the way down (the log toggle shows the late detail)
            values = np.append(values, 0.0)
        ylim = sticky_limits(self.ax_loss.get_ylim(), values, log=bool(log))
        if ylim is not None:
            self.ax_loss.set_ylim(*ylim)
            self.relayout()
        right = growing_limit(self.ax_loss.get_xlim()[1], steps, planned=planned[0])
        if right is not None:
            self.ax_loss.set_xlim(0, right)
            self.relayout()
        right = growing_limit(self.ax_acc.get_xlim()[1], epochs + 0.5, planned=planned[1] + 0.5,
                              max_planned=5_000)
        if right is not None:
            self.ax_acc.set_xlim(0.5, right)
            self.relayout()
