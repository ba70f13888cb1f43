"""The dashboard without threads (as in Pyodide): its refresher ticks on the event loop between the trainer's
slices, draws the panels while training and after Pause, and its buttons drive the asyncio runner."""

from __future__ import annotations

import asyncio
import time

import numpy as np
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


def _pyodide_time(monkeypatch) -> None:
    """The `time` module as Pyodide 0.27.7 has it (checked by running its core under node): no `thread_time`, and
    `process_time()` stays 0.0 (Emscripten has no CPU-time clock); `_platform` picks its clock from it again."""
    monkeypatch.delattr(time, "thread_time")
    monkeypatch.setattr(time, "process_time", lambda: 0.0)
    monkeypatch.setattr(_platform, "thread_time", _platform._cpu_clock())


def _loss_line(d) -> tuple[np.ndarray, np.ndarray]:
    """(steps, losses) of the per-step loss line as synced to the browser (spec + float32 frame)."""
    data = np.frombuffer(d.loss_image.frame, dtype="<f4")
    line = d.loss_image.spec["plots"][0]["series"][0]
    (xo, xn), (yo, yn) = line["x"], line["y"]
    return data[xo:xo + xn], data[yo:yo + yn]


def test_cpu_clock_skips_a_clock_that_does_not_move(monkeypatch):
    _pyodide_time(monkeypatch)
    a = _platform.thread_time()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.01:
        pass
    assert _platform.thread_time() > a


@pytest.mark.parametrize("pyodide_time", [False, True], ids=["cpython-clock", "pyodide-clock"])
@in_fresh_thread
def test_loss_panel_keeps_up_with_the_history(no_threads, monkeypatch, pyodide_time):
    """Train on the loop with the browser-drawn panels: the loss line synced to the front end follows the trainer's
    history while it trains (at most a couple of seconds behind: frames come about twice a second) and holds its
    real values; after Pause it shows every step."""
    if pyodide_time:
        _pyodide_time(monkeypatch)
    lag_allowed = 2.0  # seconds

    async def kernel():
        model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 3))
        trainer = Trainer(model, "spiral", epochs=10_000)
        d = Dashboard(trainer)
        assert d.plots == "browser" and trainer._runner == "asyncio"
        d.train_button.click()
        t0 = time.monotonic()
        seen: list[tuple[float, int]] = []  # (time, steps in the history)
        worst = 0.0
        while time.monotonic() - t0 < 5.0:
            await asyncio.sleep(0.1)
            now = time.monotonic()
            seen.append((now, len(trainer.history["loss"])))
            x, y = _loss_line(d)
            drawn = int(x[-1]) if len(x) else 0
            later = [t for t, n in seen if n > drawn]  # since when the drawn line is behind
            if later:
                worst = max(worst, now - min(later))
            np.testing.assert_array_equal(y, np.float32(np.asarray(trainer.history["loss"])[x.astype(int) - 1]))
        d.pause_button.click()
        await asyncio.sleep(0.8)
        x, _ = _loss_line(d)
        result = (worst, int(x[-1]), trainer.steps, list(d.refresher.errors))
        d.close()
        return result

    worst, last_drawn, steps, errors = asyncio.run(kernel())
    assert errors == []
    assert worst <= lag_allowed, f"the loss panel fell {worst:.1f} s behind the history"
    assert last_drawn == steps
