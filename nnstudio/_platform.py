"""What the interpreter can do: threads or not (Pyodide, i.e. JupyterLite in a browser, has none).

Pyodide's default build cannot start a thread (`threading.Thread.start()` raises `RuntimeError: can't start new
thread`), so everything nnstudio would run on a background thread runs on the event loop there instead: the
trainer's steps, the event dispatcher, the dashboard's refresher; and the intra-op parts run serially.

`NNSTUDIO_NO_THREADS=1` makes nnstudio behave as in Pyodide on any machine (to try the browser's code paths in
JupyterLab or in tests); tests may also monkeypatch `threads_available`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

EMSCRIPTEN = sys.platform == "emscripten"


def threads_available() -> bool:
    """True where a background thread can be started (False in Pyodide, or with NNSTUDIO_NO_THREADS=1)."""
    if EMSCRIPTEN:
        return bool(getattr(getattr(sys, "_emscripten_info", None), "pthreads", False))
    return os.environ.get("NNSTUDIO_NO_THREADS", "").lower() not in ("1", "true", "yes")


def event_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop to schedule background work on from this thread: the running one (a Jupyter kernel runs
    cells and widget callbacks on it), or Pyodide's browser loop (always there, even outside a coroutine);
    None when there is none (a plain script)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    if EMSCRIPTEN:
        return asyncio.get_event_loop()
    return None


def _moves(clock, spin: float = 0.005) -> bool:
    """True when `clock` advances while this thread computes for up to `spin` seconds of wall time."""
    a, t0 = clock(), time.perf_counter()
    while time.perf_counter() - t0 < spin:
        if clock() != a:
            return True
    return clock() != a


def _cpu_clock():
    """The CPU clock of this thread, or the closest that works. Pyodide 0.27 has no `thread_time` and its
    `process_time()` always returns 0.0 (Emscripten has no CPU-time clock): a clock that does not move is refused
    (everything paced by it would wait forever) and the wall clock taken instead, which is right where the one
    thread does all the work."""
    if EMSCRIPTEN:
        return time.perf_counter
    for name in ("thread_time", "process_time"):
        clock = getattr(time, name, None)
        try:
            if clock is not None and _moves(clock):
                return clock
        except (TypeError, OSError):
            continue
    return time.perf_counter


#: CPU seconds of the calling thread (`time.thread_time`), or the wall clock where no CPU clock moves (Pyodide)
thread_time = _cpu_clock()
