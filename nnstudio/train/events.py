"""A thread-safe event stream that never blocks the training thread.

The trainer calls `emit()` (an append to a bounded deque, about a microsecond); a daemon dispatcher thread hands
the events to the subscribers in batches, at most `max_rate` times a second. A slow subscriber only delays its own
deliveries; past `capacity` undelivered events the oldest are dropped (and counted in `dropped`).

Where threads are missing (Pyodide) the batches are delivered by callbacks on the event loop instead, at the same
rate, between the trainer's slices (a subscriber that blocks then blocks the loop); with no loop at all, at once.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import _platform

EVENT_KINDS = ("state", "step", "epoch", "grad", "error", "reset", "done")


@dataclass(frozen=True)
class TrainerEvent:
    """One thing that happened in training.

    kind: "state" (data: state, previous), "step" (loss, lr), "epoch" (epoch, train_loss, train_accuracy,
    val_loss, val_accuracy), "grad" (grad_norm, weight_norm: dicts name -> float), "error" (error: TrainingError,
    message), "reset", "done" (the last epoch finished).
    """

    kind: str
    step: int
    epoch: int
    data: dict[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.monotonic)


class EventStream:
    """Subscribers and the dispatcher thread. `emit` is cheap and returns at once."""

    def __init__(self, capacity: int = 10_000, max_rate: float = 50.0):
        self._queue: deque[TrainerEvent] = deque(maxlen=capacity)
        self._subscribers: dict[int, tuple[Callable[[TrainerEvent], None], frozenset | None]] = {}
        self._next_id = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._period = 1.0 / max_rate
        self._wanted: frozenset = frozenset()  # the kinds some subscriber wants (EVENT_KINDS when one wants all)
        self.dropped = 0
        self.callback_errors: list[str] = []
        self._loop = None  # the loop delivering the batches where threads are missing; None: a thread, or none yet

    @property
    def active(self) -> bool:
        """True when someone listens (the trainer skips building events otherwise)."""
        return bool(self._subscribers)

    def wants(self, kind: str) -> bool:
        """True when a subscriber listens to `kind` (the trainer skips building other events)."""
        return kind in self._wanted

    def _update_wanted(self) -> None:
        wanted: set = set()
        for _, kinds in self._subscribers.values():
            wanted |= set(EVENT_KINDS) if kinds is None else kinds
        self._wanted = frozenset(wanted)

    def subscribe(self, callback: Callable[[TrainerEvent], None], kinds=None) -> Callable[[], None]:
        """Call `callback(event)` for every event (of `kinds`, if given) on the dispatcher thread.

        Returns a function that unsubscribes. An exception in a callback is recorded in `callback_errors`.
        """
        if not callable(callback):
            raise TypeError(f"subscribe needs a callable, got {type(callback).__name__}")
        if kinds is not None:
            kinds = frozenset([kinds] if isinstance(kinds, str) else kinds)
            unknown = kinds - set(EVENT_KINDS)
            if unknown:
                raise ValueError(f"unknown event kind {sorted(unknown)[0]!r}; kinds are: {', '.join(EVENT_KINDS)}")
        with self._lock:
            key = self._next_id
            self._next_id += 1
            self._subscribers[key] = (callback, kinds)
            self._update_wanted()
            if (self._thread is None or not self._thread.is_alive()) and _platform.threads_available():
                self._thread = threading.Thread(target=self._run, name="nnstudio-events", daemon=True)
                self._thread.start()

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers.pop(key, None)
                self._update_wanted()

        return unsubscribe

    def emit(self, event: TrainerEvent) -> None:
        """Queue an event for the subscribers; never blocks."""
        if event.kind not in self._wanted:
            return
        if len(self._queue) == self._queue.maxlen:
            self.dropped += 1
        self._queue.append(event)
        if self._thread is not None:
            self._wake.set()
        else:
            self._schedule()

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait until the queued events were delivered (for tests and `fit`). True when the queue is empty."""
        if self._thread is None:  # delivered on the loop, which cannot run while we wait here: deliver now
            if not self._delivering:
                self._deliver()
            return not self._queue
        deadline = time.monotonic() + timeout
        while (self._queue or self._delivering) and time.monotonic() < deadline:
            time.sleep(0.005)
        return not self._queue

    _delivering = False

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            self._deliver()
            time.sleep(self._period)

    def _deliver(self) -> None:
        """Hand every queued event to its subscribers (on the dispatcher thread, or a loop callback)."""
        self._delivering = True
        try:
            while self._queue:
                event = self._queue.popleft()
                with self._lock:
                    subs = list(self._subscribers.values())
                for callback, kinds in subs:
                    if kinds is None or event.kind in kinds:
                        try:
                            callback(event)
                        except Exception:  # noqa: BLE001 - a subscriber must never stop the stream
                            if len(self.callback_errors) < 100:
                                self.callback_errors.append(traceback.format_exc())
        finally:
            self._delivering = False

    # ---- without threads: batches from loop callbacks, at most max_rate a second -----------------------------------
    def _schedule(self) -> None:
        if self._loop is not None:
            return  # a batch is due
        loop = _platform.event_loop()
        if loop is None:  # no loop either (a script without threads): deliver at once
            if not self._delivering:
                self._deliver()
            return
        self._loop = loop
        loop.call_soon(self._loop_batch)

    def _loop_batch(self) -> None:
        if not self._queue:
            self._loop = None  # idle: the next emit schedules a batch
            return
        self._deliver()
        self._loop.call_later(self._period, self._loop_batch)
