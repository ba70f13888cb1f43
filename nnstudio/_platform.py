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


def _cpu_clock():
    for name in ("thread_time", "process_time", "perf_counter"):  # Pyodide has no thread_time: one thread anyway
        clock = getattr(time, name, None)
        try:
            clock()
        except (TypeError, OSError):
            continue
        return clock
    return time.perf_counter


#: CPU seconds of the calling thread (`time.thread_time`, or the process's where a build lacks it, as Pyodide's)
thread_time = _cpu_clock()
