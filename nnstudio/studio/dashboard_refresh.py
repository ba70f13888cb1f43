"""`Refresher`: the dashboard's UI thread. Paces redraws so that live plots stay cheap.

Rules (see LIVE-UPDATES.md): the training loop never draws; this daemon thread wakes every `tick` seconds and
- sends at most `max_messages` widget updates per second (a token bucket), since a flood of messages from a thread
  that never lets the kernel go idle trips the server's rate limit and costs most of the throughput;
- keeps the CPU time spent updating and drawing panels under `share` of the training thread's CPU time: after a
  frame that cost d seconds the next one waits until the training thread has run d * (1 / share - 1) seconds more
  (on a busy machine the training thread gets less than a core, so wall time would overspend); while nothing trains,
  frames are only spaced in wall time;
- draws one changed panel per frame, in turn, so every panel moves while the cost stays flat.
"""

from __future__ import annotations

import threading
import time
import traceback


class Refresher:
    """Calls `dashboard.refresh_step(budget)` from a daemon thread at a paced rate."""

    def __init__(self, dashboard, share: float = 0.03, max_messages: float = 10.0, tick: float = 0.1):
        if not 0 < share < 1:
            raise ValueError(f"share must be in (0, 1), got {share}")
        self.dashboard = dashboard
        self.share = share
        self.max_messages = max_messages
        self.tick = tick
        self.tokens = max_messages
        self.next_frame = 0.0
        self.draw_seconds = 0.0  # total time spent in panel updates and renders
        self.frames = 0
        self.messages = 0
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._last = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="nnstudio-dashboard", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # ---- budget ---------------------------------------------------------------------------------------------------
    def take(self, n: int = 1) -> bool:
        """Spend `n` message tokens if there are enough."""
        if self.tokens >= n:
            self.tokens -= n
            self.messages += n
            return True
        return False

    def frame_allowed(self) -> bool:
        """A token is left and the last frame's cost has been paid for by enough training."""
        if self.tokens < 1:
            return False
        clock = self._training_clock()
        if clock is None or self._clock_owner != self._owner():  # nothing trains, or a new thread: wall time
            return time.monotonic() >= self.next_frame
        return clock >= self._cpu_due

    def frame_done(self, seconds: float) -> None:
        """Account a frame that cost `seconds` and schedule the next one to keep the share."""
        self.draw_seconds += seconds
        self.frames += 1
        wait = seconds * (1.0 / self.share - 1.0)
        self.next_frame = time.monotonic() + wait
        clock = self._training_clock()
        self._cpu_due = (clock + wait) if clock is not None else 0.0
        self._clock_owner = self._owner()

    _cpu_due = 0.0
    _clock_owner = None

    def hurry(self) -> None:
        """Allow the next frame at once (the user changed a view: show it now)."""
        self.next_frame = 0.0
        self._cpu_due = 0.0

    def _owner(self):
        thread = getattr(getattr(self.dashboard, "trainer", None), "_thread", None)
        return None if thread is None else thread.ident

    def _training_clock(self) -> float | None:
        """CPU seconds of the training thread while it runs; None when it does not run (or cannot be read)."""
        trainer = getattr(self.dashboard, "trainer", None)
        thread = getattr(trainer, "_thread", None)
        if trainer is None or trainer.state != "running" or thread is None or not thread.is_alive():
            return None
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
        except (AttributeError, OSError, TypeError):  # not Linux/Unix, or the thread just ended
            return None

    def _run(self) -> None:
        while not self._stop.wait(self.tick):
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
