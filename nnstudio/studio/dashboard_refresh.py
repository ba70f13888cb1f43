"""`Refresher`: the dashboard's UI thread. Paces redraws so that live plots stay cheap and never fall behind.

Rules (see LIVE-UPDATES.md): the training loop never draws; this daemon thread wakes every `tick` seconds and
- sends at most `max_messages` widget updates per second (a token bucket), since a flood of messages from a thread
  that never lets the kernel go idle trips the server's rate limit and costs most of the throughput;
- keeps the CPU time spent updating and drawing panels under `share` of the training thread's CPU time. Each panel
  (a `key`) has its own part of that share (`weights`) and its own clock: after a frame of panel k, panel k waits
  until the training thread has run c_k * (1 / (share * weight_k) - 1) seconds more, where c_k is the running mean
  (exponential, weight `smoothing`) of panel k's frame costs. So an expensive frame of one panel never delays the
  others, and a rare full redraw (new axis limits: 5-10x a normal frame) is paid back over the panel's next frames
  instead of freezing it for many seconds; over a run the mean keeps the share. The total stays under `share`
  since the weights add up to at most 1. (On a busy machine the training thread gets less than a core, so wall
  time would overspend: the clock is the training thread's CPU time.)
- no panel waits more than `max_wait` seconds of training for its next frame, whatever its frames cost: a panel
  that looks frozen teaches nothing. The cap bounds what it can overspend: a panel whose frames cost c takes at
  most c / (max_wait + c) of the training time (1.6% for a 50 ms frame and the default 3 s). And none waits more
  than `max_wall_wait` seconds of wall time, whatever the training clock says: a clock that stops (Pyodide's
  `process_time()` is always 0.0) must never freeze the plots while the progress line moves on.
- while nothing trains (paused, stepped, finished) a frame costs no training time: `training()` is False and the
  dashboard catches up at once, drawing every panel that changed.

With the trainer's asyncio runner, and wherever threads are missing (Pyodide), the ticks are callbacks on the
event loop instead of a thread: they run between the trainer's slices, and the training clock is the time the
trainer spent in its slices (drawing and training then share one thread, with no GIL hand-over between them).
"""

from __future__ import annotations

import threading
import time
import traceback

from .. import _platform
from ..train.runners import cpu_clock


class Refresher:
    """Calls `dashboard.refresh_step(self)` from a daemon thread every `tick` seconds.

    Args:
        dashboard: has `trainer` (for its thread's CPU clock), `refresh_step(refresher)` and `show_error(text)`.
        share: the largest share of the training thread's CPU time spent on frames, all panels together.
        max_messages: widget updates per second, at most.
        tick: seconds between two wake-ups.
        weights: each panel key's part of `share` (they should add up to at most 1); a key not named gets 1.
        smoothing: weight of the newest frame in a panel's running mean cost (1: pace by the last frame alone).
        max_wait: the longest a panel waits for its next frame, in seconds of the training thread's CPU time.
        min_interval: the shortest wait between two frames of a panel key (seconds), however cheap its frames (the
            browser-drawn panels: their frames cost little, their messages do).
        max_wall_wait: the longest a panel waits for its next frame in wall time (default: 2 * max_wait).
    """

    def __init__(self, dashboard, share: float = 0.03, max_messages: float = 10.0, tick: float = 0.1,
                 weights: dict | None = None, smoothing: float = 0.25, max_wait: float = 3.0,
                 min_interval: dict | None = None, max_wall_wait: float | None = None):
        if not 0 < share < 1:
            raise ValueError(f"share must be in (0, 1), got {share}")
        self.dashboard = dashboard
        self.share = share
        self.max_messages = max_messages
        self.tick = tick
        self.weights = dict(weights or {})
        if sum(self.weights.values()) > 1 + 1e-9:
            raise ValueError(f"the panels' weights must add up to at most 1, got {self.weights}")
        if not 0 < smoothing <= 1:
            raise ValueError(f"smoothing must be in (0, 1], got {smoothing}")
        self.smoothing = smoothing
        if not max_wait > 0:
            raise ValueError(f"max_wait must be positive, got {max_wait}")
        self.max_wait = max_wait
        self.max_wall_wait = 2.0 * max_wait if max_wall_wait is None else max_wall_wait
        self.min_interval = dict(min_interval or {})
        self.tokens = max_messages
        self.draw_seconds = 0.0  # total time spent in panel updates and renders
        self.frames = 0
        self.messages = 0
        self.errors: list[str] = []
        self._due: dict = {}  # key -> (wall time due, training CPU clock due, training thread id, wall time cap)
        self.mean_cost: dict = {}  # key -> running mean of its frames' cost (seconds)
        self._stop = threading.Event()
        self._last = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="nnstudio-dashboard", daemon=True)
        self._loop = None  # the event loop ticking us, when we tick on one (see the module docstring)

    def start(self) -> None:
        trainer = getattr(self.dashboard, "trainer", None)
        if _platform.threads_available() and getattr(trainer, "_runner", "thread") != "asyncio":
            self._thread.start()
            return
        self._loop = _platform.event_loop()
        if self._loop is None:
            if not _platform.threads_available():
                raise RuntimeError("the dashboard needs threads or a running asyncio event loop to refresh itself")
            self._thread.start()  # a script without a loop: a thread after all
            return
        self._loop.call_later(self.tick, self._loop_tick)

    def _loop_tick(self) -> None:
        if self._stop.is_set():
            return
        self.tick_once()
        self._loop.call_later(self.tick, self._loop_tick)

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() or (self._loop is not None and not self._stop.is_set())

    # ---- budget ---------------------------------------------------------------------------------------------------
    def take(self, n: int = 1) -> bool:
        """Spend `n` message tokens if there are enough."""
        if self.tokens >= n:
            self.tokens -= n
            self.messages += n
            return True
        return False

    def training(self) -> bool:
        """True while the trainer's thread trains (frames then cost training time and are paced)."""
        return self._training_clock() is not None

    def frame_allowed(self, key=None) -> bool:
        """A token is left and panel `key`'s last frame has been paid for by enough training."""
        if self.tokens < 1:
            return False
        wall_due, cpu_due, owner, wall_cap = self._due.get(key, (0.0, 0.0, None, 0.0))
        clock = self._training_clock()
        now = time.monotonic()
        if clock is None or owner != self._owner():  # nothing trains, or a new thread: wall time
            return now >= wall_due
        return clock >= cpu_due or now >= wall_cap

    def frame_done(self, seconds: float, key=None) -> None:
        """Account a frame of panel `key` that cost `seconds`; schedule its next one to keep its share."""
        self.draw_seconds += seconds
        self.frames += 1
        mean = self.mean_cost.get(key, 0.0)  # from 0: the first frames (often full draws before any training) are
        mean += self.smoothing * (seconds - mean)  # one-offs
        self.mean_cost[key] = mean
        wait = min(self.max_wait, mean * (1.0 / (self.share * self.weights.get(key, 1.0)) - 1.0))
        wait = max(wait, self.min_interval.get(key, 0.0))
        clock, now = self._training_clock(), time.monotonic()
        self._due[key] = (now + wait, (clock + wait) if clock is not None else 0.0, self._owner(),
                          now + max(wait, self.max_wall_wait))

    @property
    def next_frame(self) -> float:
        """Wall time at which the next frame of the default key may come."""
        return self._due.get(None, (0.0,))[0]

    def hurry(self) -> None:
        """Allow the next frame of every panel at once (the user changed a view: show it now)."""
        self._due.clear()

    def _owner(self):
        thread = getattr(getattr(self.dashboard, "trainer", None), "_thread", None)
        return None if thread is None else thread.ident

    def _training_clock(self) -> float | None:
        """CPU seconds of the training thread while it runs; None when it does not run (or cannot be read)."""
        trainer = getattr(self.dashboard, "trainer", None)
        if trainer is None or trainer.state != "running":
            return None
        return cpu_clock(getattr(trainer, "_thread", None))  # a thread's CPU clock, or a loop runner's seconds

    # ---- the thread -----------------------------------------------------------------------------------------------
    def tick_once(self) -> None:
        """One wake-up: refill the tokens, let the dashboard draw; an error shows in its error panel."""
        now = time.monotonic()
        self.tokens = min(self.max_messages, self.tokens + (now - self._last) * self.max_messages)
        self._last = now
        try:
            self.dashboard.refresh_step(self)
        except Exception:  # noqa: BLE001 - shown in the dashboard's error panel, the thread goes on
            text = traceback.format_exc()
            if len(self.errors) < 20:
                self.errors.append(text)
            try:
                self.dashboard.show_error(f"dashboard refresh failed: {text.strip().splitlines()[-1]}")
            except Exception:  # noqa: BLE001
                pass

    def _run(self) -> None:
        while not self._stop.wait(self.tick):
            self.tick_once()
