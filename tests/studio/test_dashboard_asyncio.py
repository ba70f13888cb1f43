"""The dashboard without threads (as in Pyodide): its refresher ticks on the event loop between the trainer's
slices, draws the panels while training and after Pause, and its buttons drive the asyncio runner."""

from __future__ import annotations

import asyncio

import pytest
from helpers.threads import in_fresh_thread

import nnstudio.nn as nn
from nnstudio import _platform
from nnstudio.studio.dashboard import Dashboard
from nnstudio.train import Trainer


@pytest.fixture
def no_threads(monkeypatch):
    monkeypatch.setattr(_platform, "threads_available", lambda: False)


@in_fresh_thread
def test_buttons_and_panels_on_one_loop(no_threads):
    async def kernel():
        model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 3))
        trainer = Trainer(model, "spiral", epochs=10_000)
        d = Dashboard(trainer, plots="matplotlib")
        assert trainer._runner == "asyncio" and d.refresher._loop is not None and not d.refresher._thread.is_alive()
        d.train_button.click()  # a click: a callback on the loop
        while trainer.steps < 200 or d.refresher.frames < 3:
            await asyncio.sleep(0.05)
        frames_training = d.refresher.frames
        d.pause_button.click()
        assert trainer.state == "paused"  # on the loop's thread: nothing was in flight
        steps = trainer.steps
        await asyncio.sleep(0.5)  # the refresher catches up with the paused state
        d.step_button.click()
        assert trainer.steps == steps + 1
        await asyncio.sleep(0.3)
        errors = list(d.refresher.errors)
        d.close()
        return trainer, d, frames_training, errors

    trainer, d, frames_training, errors = asyncio.run(kernel())
    assert errors == [] and frames_training >= 3 and d.refresher.frames > frames_training
    assert not d.refresher.alive and trainer.state == "paused"
    assert "paused" in d.progress.value and f"step {trainer.steps:,}" in d.progress.value
