"""`BlockStatsFeed`: the builder's teachable blocks come alive: live statistics of the watched blocks.

The builder watches the selected block and the hovered one (`BuilderWidget.watched`). While training runs, the
feed sends their statistics (`nnstudio.train.BlockStats`: mean, std, range and a 16-bin histogram of each weight
and of the block's latest output) to the builder's ``stats`` trait at most `rate` times a second, from the
trainer's existing metrics path (the "grad" events, every ``grad_every`` steps) and only when a message token of
the dashboard's budget is free (``gate``). Nothing is computed or sent while no block is watched, and never per
step; a send that comes too early is made at the end of its period instead (so the last steps are always
shown). When training pauses, stops or resets, and when the watched blocks change while it does not run, the
statistics are sent at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from nnstudio.train.block_stats import BlockStats

RATE = 3.0


class BlockStatsFeed:
    """Keep ``builder.stats`` up to date with ``trainer``'s model.

    Args:
        builder: a `BuilderWidget` (its ``watched`` blocks, ``on_watch`` and the ``stats`` trait).
        trainer: a `Trainer` whose model's submodules are named after the blocks (a graph's built module).
        rate: sends per second while training, at most.
        gate: called before each send while training; False skips it (the dashboard's message budget).
    """

    def __init__(self, builder: Any, trainer: Any, rate: float = RATE,
                 gate: Callable[[], bool] | None = None) -> None:
        self.builder, self.trainer = builder, trainer
        self.period = 1.0 / rate
        self.gate = gate
        self.probe = BlockStats(trainer)
        self.sent = 0
        self._last = 0.0
        self._lock = threading.Lock()
        self._closed = False
        self._trailing: threading.Timer | None = None
        self.probe.watch(builder.watched)
        builder.on_watch(self._on_watch)
        self._unsubscribe = trainer.subscribe(self._on_event, kinds=("grad", "state", "reset"))

    def push(self, *, paced: bool = False) -> bool:
        """Send the watched blocks' statistics now (``paced``: only if the gate lets it); True when sent."""
        with self._lock:
            if self._closed:
                return False
            if not self.probe.names:
                if self.builder.stats:
                    self.builder.stats = {}
                return False
            if paced and self.gate is not None and not self.gate():
                return False
            blocks = self.probe.stats()
            self._last = time.monotonic()
            self.builder.stats = {"step": int(self.trainer.steps), "state": self.trainer.state, "blocks": blocks}
            self.sent += 1
            return True

    def close(self) -> None:
        """Stop sending and remove the model hooks."""
        self._unsubscribe()
        if self._trailing is not None:
            self._trailing.cancel()
        with self._lock:
            self._closed = True
            self.probe.close()

    def _on_watch(self, names: list[str]) -> None:  # the kernel's thread: the user hovered or selected a block
        with self._lock:
            self.probe.watch(names)
        if self.trainer.state != "running":
            self.push()
        else:
            self._soon()

    def _soon(self) -> None:
        """Send now if the period has passed since the last send, else once it has."""
        wait = self._last + self.period - time.monotonic()
        if wait <= 0:
            self.push(paced=True)
        elif self._trailing is None:  # a later send shows where the last steps left the block
            self._trailing = threading.Timer(wait, self._trailing_push)
            self._trailing.daemon = True
            self._trailing.start()

    def _on_event(self, event: Any) -> None:  # the trainer's event thread
        if event.kind == "grad":
            self._soon()
        elif event.kind == "reset" or event.data.get("state") in ("paused", "stopped", "idle"):
            self.push()

    def _trailing_push(self) -> None:
        self._trailing = None
        self.push(paced=True)
