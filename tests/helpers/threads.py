"""`in_fresh_thread`: run a test's body on a new thread, where no asyncio event loop runs.

Tests of code that looks for the calling thread's running loop (the asyncio runner) must not see a loop some
other test left running on the main thread (Playwright's sync API, kept open for the whole session by the browser
tests, runs one there)."""

from __future__ import annotations

import functools
import threading


def in_fresh_thread(test):
    """Decorator: the test runs on its own thread; its exception (or assertion) is re-raised here."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        outcome: dict = {}

        def body():
            try:
                test(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test's own thread below
                outcome["error"] = exc

        worker = threading.Thread(target=body, name=f"test-{test.__name__}")
        worker.start()
        worker.join()
        if "error" in outcome:
            raise outcome["error"]

    return wrapper
