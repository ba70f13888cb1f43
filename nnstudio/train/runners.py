"""Where a `Trainer`'s steps run in the background: a daemon thread, or a task on the asyncio event loop.

`Trainer(..., runner="auto" | "thread" | "asyncio")`:

- "thread": a daemon thread ("nnstudio-trainer") runs `trainer._run()`, which waits for work on the trainer's
  condition and does it (queued settings, then one optimizer step at a time).
- "asyncio": a `LoopWorker`, a task on the event loop of the thread that starts the run (a Jupyter kernel runs
  cells and widget callbacks on its loop; Pyodide has its browser loop). It does the same units of work
  (`trainer._next_work(block=False)`) in slices of about `slice_seconds` (50 ms) and yields to the loop between
  them (`await asyncio.sleep(0.001)`), so widget clicks, redraws and other cells get through; paused, it polls the
  trainer's flags every `idle_seconds`. It never awaits a future or an Event set from a widget callback (those did
  not wake on some ipykernel versions): the controls only set flags.
- "auto" (the default) picks "asyncio" where threads are missing (Pyodide, JupyterLite) and "thread" elsewhere.

A control called on the loop's own thread runs between two slices, when no step is in flight: `pause()` returns
at once, `stop()` ends the run at once, and `step(n)` and `fit()` take their steps right there (the loop cannot run
them while the caller holds its thread). So `fit()` in a browser trains inside its cell, blocking that kernel (not
the page) until it is done; `trainer.start()` or the Studio's Train button train without blocking. Without any
running loop (a script), `fit()` runs one until the run is over.

The worker looks like a `threading.Thread` to the trainer (`start`, `is_alive`, `join`, `daemon`), so the trainer's
controls, guards and shutdown (`stop_all`) are one code for both runners.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable

from .. import _platform

RUNNERS = ("auto", "thread", "asyncio")
_ids = itertools.count(1)


def resolve_runner(runner: str) -> str:
    """"thread" or "asyncio" for a runner name ("auto": "asyncio" where threads are missing)."""
    if runner not in RUNNERS:
        raise ValueError(f"runner must be one of {', '.join(map(repr, RUNNERS))}, got {runner!r}")
    if runner == "auto":
        return "thread" if _platform.threads_available() else "asyncio"
    if runner == "thread" and not _platform.threads_available():
        raise ValueError("runner='thread' needs threads, which this Python lacks (Pyodide): use runner='asyncio'")
    return runner


def make_worker(runner: str, trainer) -> threading.Thread | LoopWorker:
    """A not yet started worker for one run of `trainer` (`runner` as resolved by `resolve_runner`)."""
    if runner == "thread":
        return threading.Thread(target=trainer._run, name="nnstudio-trainer", daemon=True)
    return LoopWorker(trainer)


def is_current(worker) -> bool:
    """True when the caller runs on `worker`: the training thread itself, or the thread of the worker's loop."""
    if worker is None:
        return False
    if isinstance(worker, LoopWorker):
        return worker.is_current()
    return worker is threading.current_thread()


def cpu_clock(worker) -> float | None:
    """Seconds of training done by a live `worker` (a thread's CPU clock); None when it cannot be read."""
    if worker is None or not worker.is_alive():
        return None
    if isinstance(worker, LoopWorker):
        return worker.seconds
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(worker.ident))
    except (AttributeError, OSError, TypeError):  # not Linux/Unix, or the thread just ended
        return None


class LoopWorker:
    """One run of a trainer as an asyncio task, with the part of `threading.Thread`'s interface the trainer uses.

    Args:
        trainer: the `Trainer`; the task calls its `_next_work(block=False)`, `_fail` and `_drain_tasks`.
        slice_seconds: the time budget of one slice of steps before the task yields to the loop.
        idle_seconds: how often a task with nothing to do (paused) looks at the trainer's flags again.
        yield_seconds: the pause between two slices. A real sleep, not `sleep(0)`: in ipykernel 7.4 a Pause sent
            while training took 0.3 s to be handled with `sleep(0)`, 0.08-0.12 s with 0.2-1 ms (median of 5).
    """

    daemon = True
    name = "nnstudio-trainer"

    def __init__(self, trainer, slice_seconds: float = 0.05, idle_seconds: float = 0.02,
                 yield_seconds: float = 0.001):
        self.trainer = trainer
        self.slice_seconds = slice_seconds
        self.idle_seconds = idle_seconds
        self.yield_seconds = yield_seconds
        self.ident = next(_ids)  # tells runs apart (never a thread id: no pthread call may be made with it)
        self.task: asyncio.Task | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.loop_thread: int | None = None
        self.seconds = 0.0  # CPU time spent in steps and settings (the dashboard paces its frames by it, as by a
        # training thread's CPU clock: on a busy machine wall time would overcount the training done)
        self.slices = 0
        self._over = False  # ended: by itself, or finished at once by join() on the loop's thread

    # ---- the thread-like interface --------------------------------------------------------------------------------
    def start(self) -> None:
        """Schedule the task on this thread's loop (raises RuntimeError where none runs)."""
        loop = _platform.event_loop()
        if loop is None:
            raise RuntimeError("runner='asyncio' trains on a running asyncio event loop (a Jupyter kernel and "
                               "Pyodide have one) and none runs in this thread: use runner='thread', or fit()")
        self.loop, self.loop_thread = loop, threading.get_ident()
        self.task = loop.create_task(self._main(), name=self.name)

    def is_alive(self) -> bool:
        return self.task is not None and not self._over and not self.task.done()

    def is_current(self) -> bool:
        """True on the thread of the loop the task runs on (the task is then suspended between two slices)."""
        return self.loop_thread is not None and threading.get_ident() == self.loop_thread

    def join(self, timeout: float | None = None) -> None:
        """Wait up to `timeout` for the run to end; on the loop's own thread, end a stopping run at once."""
        if not self.is_alive():
            return
        if self.is_current():
            if self.trainer._stop_flag:
                self._finish_here()
            return
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.is_alive() and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.005)

    # ---- training in the caller's thread -------------------------------------------------------------------------
    def run_here(self, until: Callable[[], bool], every: float = 0.2, tick: Callable[[], None] | None = None) -> None:
        """On the loop's thread: take steps right here while `until()` holds and there is work to do, calling
        `tick()` every `every` seconds. The loop does not run meanwhile (that is what blocking means here)."""
        t = self.trainer
        last = time.monotonic()
        try:
            while until() and self.is_alive():
                c0 = _platform.thread_time()
                work = t._next_work(block=False)
                self.seconds += _platform.thread_time() - c0
                if not work:
                    if work is False:
                        self._finish_here()
                    return
                if tick is not None and time.monotonic() - last > every:
                    last = time.monotonic()
                    tick()
        except KeyboardInterrupt:  # Ctrl-C in fit(): the caller pauses; the step it cut short is not counted
            raise
        except BaseException as exc:  # noqa: BLE001 - as on the thread: kept on the trainer, never "running"
            t._fail(exc)
            self._finish_here()

    def _finish_here(self) -> None:
        """End the run now, from the loop's thread: what the task's end would do, without waiting for it."""
        if self._over:
            return
        self._over = True
        if self.task is not None and not self.task.done():
            self.task.cancel()  # suspended at an await: it never takes another step
        self.trainer._drain_tasks()

    # ---- the task -------------------------------------------------------------------------------------------------
    async def _main(self) -> None:
        t = self.trainer
        t.model.train()
        try:
            while not self._over:
                t0, c0 = time.perf_counter(), _platform.thread_time()
                while (work := t._next_work(block=False)) and time.perf_counter() - t0 < self.slice_seconds:
                    pass
                self.seconds += _platform.thread_time() - c0
                self.slices += 1
                if work is False:
                    break
                await asyncio.sleep(self.idle_seconds if work is None else self.yield_seconds)
        except asyncio.CancelledError:
            return
        except BaseException as exc:  # noqa: BLE001 - never lose an error in the task, never leave "running"
            t._fail(exc)
        finally:
            if not self._over:
                self._over = True
                t._drain_tasks()


async def run_until_over(trainer, tick: Callable[[], None] | None = None, every: float = 0.2) -> None:
    """Start `trainer` on this loop and wait, polling, until it no longer runs (fit() without a running loop)."""
    trainer.start()
    last = time.monotonic()
    while trainer.state == "running" and trainer._alive():
        await asyncio.sleep(0.02)
        if tick is not None and time.monotonic() - last > every:
            last = time.monotonic()
            tick()


def train_blocking(trainer, tick: Callable[[], None] | None = None, every: float = 0.2) -> None:
    """`fit()`'s wait: start the run and return once it no longer runs, calling `tick()` every `every` seconds.

    Thread runner: wait for the thread. Asyncio runner on its loop's thread (a cell, the browser): take the steps
    right here. Asyncio runner where no loop runs (a script): run a loop until the run is over.
    """
    if trainer._runner == "asyncio" and _platform.event_loop() is None:
        asyncio.run(run_until_over(trainer, tick, every))
        return
    trainer.start()
    worker = trainer._thread
    if isinstance(worker, LoopWorker) and worker.is_current():
        worker.run_here(lambda: trainer.state == "running", every, tick)
        return
    last = 0.0
    while trainer.state == "running" and trainer._alive():
        trainer._thread.join(0.2)
        if tick is not None and time.monotonic() - last > every:
            last = time.monotonic()
            tick()
