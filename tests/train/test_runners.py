"""The asyncio runner where threads are missing (as in Pyodide): chosen by "auto", training in slices on the loop
the test drives itself, yielding to other callbacks (widget clicks) between slices, events delivered by loop
callbacks; and fit() on the loop's thread, or without any loop."""

from __future__ import annotations

import asyncio

import pytest
from helpers.threads import in_fresh_thread
from trainer_models import spiral_mlp

from nnstudio import _platform
from nnstudio.train import Trainer
from nnstudio.train.runners import LoopWorker, resolve_runner


@pytest.fixture
def no_threads(monkeypatch):
    """Behave as Pyodide: no background thread may be started by nnstudio."""
    monkeypatch.setattr(_platform, "threads_available", lambda: False)


def test_runner_choice(no_threads):
    assert resolve_runner("auto") == "asyncio" and resolve_runner("asyncio") == "asyncio"
    with pytest.raises(ValueError, match="runner='thread' needs threads.*Pyodide"):
        resolve_runner("thread")
    with pytest.raises(ValueError, match="runner must be one of 'auto', 'thread', 'asyncio', got 'greenlet'"):
        Trainer(spiral_mlp(), "spiral", runner="greenlet")


def test_auto_uses_threads_where_they_exist():
    assert resolve_runner("auto") == "thread"


@in_fresh_thread
def test_start_without_a_loop_says_what_to_do():
    trainer = Trainer(spiral_mlp(), "spiral", runner="asyncio")
    with pytest.raises(RuntimeError, match=r"none runs in this thread: use runner='thread', or fit\(\)"):
        trainer.start()


@in_fresh_thread
def test_without_threads_training_shares_the_loop_with_clicks_and_events(no_threads):
    """The kernel's view: cells and clicks are callbacks on one loop; training runs between them."""

    async def kernel():
        trainer = Trainer(spiral_mlp(), "spiral", epochs=1000)  # "auto": the asyncio runner here
        seen = []
        trainer.subscribe(seen.append)
        assert trainer.events._thread is None  # no dispatcher thread: loop callbacks deliver
        ticks = 0

        async def other_callbacks():  # what a redraw timer or widget messages would do meanwhile
            nonlocal ticks
            while trainer.state != "stopped":
                ticks += 1
                await asyncio.sleep(0.005)

        other = asyncio.create_task(other_callbacks())
        trainer.start()
        assert isinstance(trainer._thread, LoopWorker) and trainer.state == "running"
        while trainer.steps < 300 or trainer._thread.slices < 8:  # several slices, however fast the machine
            await asyncio.sleep(0.01)
        ticks_during = ticks
        loop = asyncio.get_running_loop()
        loop.call_soon(trainer.pause)  # a Pause click: a callback between two slices
        await asyncio.sleep(0.05)
        assert trainer.state == "paused"
        frozen = trainer.steps
        await asyncio.sleep(0.2)
        assert trainer.steps == frozen and len(trainer.history["loss"]) == frozen
        trainer.step(3)  # on the loop's thread: the three steps happen right here
        assert trainer.steps == frozen + 3 and trainer.state == "paused"
        trainer.stop()
        assert trainer.state == "stopped" and not trainer._alive()
        await asyncio.sleep(0.1)  # the last event batch
        other.cancel()
        return trainer, seen, ticks_during

    trainer, seen, ticks_during = asyncio.run(kernel())
    assert ticks_during > 3  # the other callbacks ran while it trained
    assert trainer.events.flush()
    steps = [e for e in seen if e.kind == "step"]
    assert [e.data["loss"] for e in steps] == trainer.history["loss"]
    states = [e.data["state"] for e in seen if e.kind == "state"]
    assert states == ["running", "paused", "stopped"]


@in_fresh_thread
def test_fit_on_the_loop_thread_trains_in_the_cell(no_threads):
    """fit() in a cell (the loop's thread, as in the browser) blocks that cell and returns the whole run."""

    async def cell():
        trainer = Trainer(spiral_mlp(), "spiral", epochs=3)
        history = trainer.fit(progress=False)
        return trainer, history

    trainer, history = asyncio.run(cell())
    assert trainer.state == "stopped" and trainer.finished and trainer.steps == 45
    assert history["epoch"] == [1, 2, 3]


@in_fresh_thread
def test_fit_without_a_loop_runs_one():
    trainer = Trainer(spiral_mlp(), "spiral", epochs=2, runner="asyncio")
    trainer.fit(progress=False)
    assert trainer.finished and trainer.steps == 30 and trainer._thread.slices >= 1
    reference = Trainer(spiral_mlp(), "spiral", epochs=2, runner="thread")
    reference.model.load_state_dict(trainer._initial_weights)
    reference._initial_weights = trainer._initial_weights
    reference.reset()
    reference.fit(progress=False)
    assert reference.history["loss"] == trainer.history["loss"]  # the same steps, whichever runner

