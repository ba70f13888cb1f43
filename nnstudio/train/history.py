"""`History`: the numbers a training run produced, appended by the training thread, copied out under a lock."""

from __future__ import annotations

import threading

PER_STEP = ("loss",)
PER_EPOCH = ("epoch", "epoch_step", "train_loss", "train_accuracy", "val_loss", "val_accuracy")
PER_RECORD = ("grad_step",)


class History(dict):
    """A dict of lists (torch-style training logs) with a lock for consistent copies.

    Keys: "loss" (per step), "epoch", "epoch_step" (the step count at the end of each epoch), "train_loss",
    "train_accuracy", "val_loss", "val_accuracy" (per epoch; accuracy is nan for regression), "grad_step" (the
    steps at which the norms were recorded), "grad_norm" and "weight_norm" (dicts: parameter name -> list, one
    value per recorded step), "param_shapes" (dict: parameter name -> shape tuple).
    """

    def __init__(self, param_shapes: dict[str, tuple[int, ...]]):
        super().__init__()
        self.lock = threading.Lock()
        for key in PER_STEP + PER_EPOCH + PER_RECORD:
            self[key] = []
        self["grad_norm"] = {name: [] for name in param_shapes}
        self["weight_norm"] = {name: [] for name in param_shapes}
        self["param_shapes"] = dict(param_shapes)

    def add_step(self, loss: float) -> None:
        with self.lock:
            self["loss"].append(loss)

    def add_epoch(self, **values: float) -> None:
        with self.lock:
            for key in PER_EPOCH:
                self[key].append(values[key])

    def add_norms(self, step: int, grad_norm: dict[str, float], weight_norm: dict[str, float]) -> None:
        with self.lock:
            self["grad_step"].append(step)
            for name, series in self["grad_norm"].items():
                series.append(grad_norm.get(name, float("nan")))
            for name, series in self["weight_norm"].items():
                series.append(weight_norm.get(name, float("nan")))

    def snapshot(self) -> dict:
        """A deep copy (plain dicts and lists) that later appends do not change."""
        with self.lock:
            return {key: (list(v) if isinstance(v, list) else
                          {n: (list(s) if isinstance(s, list) else s) for n, s in v.items()})
                    for key, v in self.items()}

    def lengths(self) -> tuple[int, int, int]:
        """(steps, epochs, norm records): cheap to poll for "did anything change?"."""
        return len(self["loss"]), len(self["epoch"]), len(self["grad_step"])
