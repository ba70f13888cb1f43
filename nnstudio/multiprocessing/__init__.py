"""`torch.multiprocessing`: Python's multiprocessing with torch's extra names (tensors here are NumPy arrays,
which pickle between processes; there is no shared-memory tensor storage)."""

from __future__ import annotations

import multiprocessing as _mp
from multiprocessing import (  # noqa: F401  (re-exported as torch does)
    Array,
    Barrier,
    Condition,
    Event,
    JoinableQueue,
    Lock,
    Manager,
    Pipe,
    Pool,
    Process,
    Queue,
    RLock,
    Semaphore,
    SimpleQueue,
    Value,
    active_children,
    cpu_count,
    current_process,
    get_all_start_methods,
    get_context,
    get_start_method,
    set_start_method,
)

_strategy = ["file_descriptor"]


def get_all_sharing_strategies() -> set[str]:
    return {"file_descriptor", "file_system"}


def get_sharing_strategy() -> str:
    return _strategy[0]


def set_sharing_strategy(new_strategy: str) -> None:
    if new_strategy not in get_all_sharing_strategies():
        raise ValueError(f"unknown sharing strategy {new_strategy!r}")
    _strategy[0] = new_strategy


class ProcessRaisedException(Exception):
    """A spawned process raised (its traceback is in the message)."""


def spawn(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False, start_method: str = "spawn"):
    """Run `fn(i, *args)` in `nprocs` new processes (i = 0..nprocs-1), as torch.multiprocessing.spawn."""
    ctx = _mp.get_context(start_method)
    procs = [ctx.Process(target=fn, args=(i, *args), daemon=daemon) for i in range(nprocs)]
    for p in procs:
        p.start()
    if not join:
        return procs
    for p in procs:
        p.join()
    bad = [p for p in procs if p.exitcode != 0]
    if bad:
        raise ProcessRaisedException(f"process {procs.index(bad[0])} exited with code {bad[0].exitcode}")
    return None


start_processes = spawn
