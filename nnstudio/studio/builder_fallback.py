"""A minimal training strip (Train / Pause / Step / Reset and the latest loss), used by the Studio only when the
full `Dashboard` (nnstudio.studio.dashboard) is not installed. It carries the same CSS hooks."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets


class MiniDashboard(widgets.VBox):
    """Buttons that drive `trainer` and a text line with its state, step and loss (refreshed on each click)."""

    def __init__(self, trainer: Any) -> None:
        self.trainer = trainer
        self.status = widgets.HTML()
        self.status.add_class("nnstudio-plot-loss")
        buttons = []
        for label, cls, fn in (("Train", "nnstudio-train", trainer.start), ("Pause", "nnstudio-pause", trainer.pause),
                               ("Step", "nnstudio-step", trainer.step), ("Reset", "nnstudio-reset", trainer.reset)):
            b = widgets.Button(description=label)
            b.add_class(cls)
            b.on_click(lambda _b, fn=fn: (fn(), self.refresh()))
            buttons.append(b)
        super().__init__([widgets.HBox(buttons), self.status])
        self.add_class("nnstudio-mini-dashboard")
        self._last = 0.0
        trainer.subscribe(lambda _e: self.refresh(min_interval=0.25))  # at most 4 updates/s from the thread
        self.refresh()

    def refresh(self, min_interval: float = 0.0) -> None:
        import time

        now = time.monotonic()
        if now - self._last < min_interval:
            return
        self._last = now
        losses = self.trainer.history.get("loss", [])
        last = f"{losses[-1]:.4f}" if losses else "—"
        self.status.value = f"<b>{self.trainer.state}</b> · steps {len(losses)} · loss {last}"
