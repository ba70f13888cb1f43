"""Run the trainer tests on both runners.

`make_trainer(...)` (fixture, parametrized by `runner`) builds a `Trainer` with `runner="thread"` or
`runner="asyncio"`. For "asyncio" it does what a Jupyter kernel does: an event loop runs in its own thread
("the kernel"), the trainer is built there and every method call the test makes runs there as one callback
(a cell, or a widget click), while the test itself only waits and reads attributes, as a user watching the page.
So the runner's task, its slices and the controls between them are the code that runs in a kernel.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import threading

import pytest

from nnstudio.train import Trainer

RUNNERS = ("thread", "asyncio")


class Kernel:
    """An asyncio loop on a daemon thread; `call(fn, ...)` runs `fn` on it and returns its result."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="test-kernel-loop", daemon=True)
        self.thread.start()

    def call(self, fn, *args, timeout: float = 120.0, **kwargs):
        done: concurrent.futures.Future = concurrent.futures.Future()

        def run():
            try:
                done.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - raised in the test
                done.set_exception(exc)

        self.loop.call_soon_threadsafe(run)
        return done.result(timeout)

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class OnLoop:
    """A trainer whose public methods run on the kernel's loop thread; attributes are read directly."""

    def __init__(self, kernel: Kernel, trainer: Trainer):
        object.__setattr__(self, "_kernel", kernel)
        object.__setattr__(self, "_trainer", trainer)

    def __getattr__(self, name):
        value = getattr(self._trainer, name)
        if inspect.ismethod(value) and not name.startswith("__"):
            return lambda *args, **kwargs: self._kernel.call(value, *args, **kwargs)
        return value

    def __setattr__(self, name, value):
        setattr(self._trainer, name, value)


@pytest.fixture(scope="session")
def kernel():
    k = Kernel()
    yield k
    k.close()


@pytest.fixture(params=RUNNERS)
def runner(request) -> str:
    return request.param


@pytest.fixture
def make_trainer(runner, kernel):
    """`make_trainer(model, data, **options)`: a Trainer on `runner`, stopped at the end of the test."""
    made = []

    def make(*args, **kwargs):
        if runner == "thread":
            trainer = Trainer(*args, runner="thread", **kwargs)
        else:
            trainer = OnLoop(kernel, kernel.call(Trainer, *args, runner="asyncio", **kwargs))
        made.append(trainer)
        return trainer

    make.call = (lambda fn, *a, **k: fn(*a, **k)) if runner == "thread" else kernel.call  # where controls run
    yield make
    for trainer in made:
        trainer.stop()
