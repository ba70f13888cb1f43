"""Checks of values that live on the GPU, deferred to the next host read-out (torch's device-side asserts).

Reading a CuPy array on the host (`bool(bad.any())`) makes the host wait for every queued kernel: one such
check inside a training step serialises the host with the GPU on every step. So on CUDA a check queues its
verdict as a device flag (`defer`), and the next read-out of any tensor (`.item()`, `.numpy()`, `.cpu()`,
printing) raises the error first (`raise_pending`), as torch reports a device-side assert at the next
synchronisation. Flags of the same check site are OR-ed on the device, so the queue stays one flag per site.
On the CPU nothing is deferred: callers check at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

_pending: dict[str, tuple] = {}  # site -> (device bool flag, error factory)
_lock = threading.Lock()


def defer(site: str, flag, make_error: Callable[[], Exception]) -> None:
    """Queue a device bool scalar `flag` (True = the check failed) under `site`; `make_error()` builds the
    exception raised at the next read-out when any queued flag of the site is True."""
    with _lock:
        queued = _pending.get(site)
        _pending[site] = (flag if queued is None else queued[0] | flag, make_error)


def raise_pending() -> None:
    """Read the queued flags (one small device-to-host copy per site) and raise the first failed check's
    error; the queue is emptied either way."""
    if not _pending:
        return
    with _lock:
        checks = list(_pending.values())
        _pending.clear()
    for flag, make_error in checks:
        if bool(flag):
            raise make_error()
