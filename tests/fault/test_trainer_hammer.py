"""Issue 15: the trainer hammer. Four threads call start / pause / step / stop / reset / resume and the settings
(valid and invalid values) at random, every call with a short timeout; afterwards the trainer must be consistent:
a known state, the thread alive exactly while it runs, the history monotone and as long as the step count, the
weights finite, and still able to train."""

from __future__ import annotations

import math
import os
import random
import threading
import time

import numpy as np
import pytest

import nnstudio.nn as nn
from nnstudio.train import STATES, Trainer, TrainingError

CALLS_PER_THREAD = int(os.environ.get("HAMMER_CALLS", 150))
THREADS = 4
CALL_TIMEOUT = 2.0  # what each control is given; a hung call fails the join below
ALLOWED = (ValueError, TypeError, TrainingError, TimeoutError)  # refused values, a busy thread, a slow setting


class SometimesSlow(nn.Module):
    """A small MLP whose training step now and then takes 30 ms, so that short stop() waits time out."""

    def __init__(self, seed: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 3))
        self.rng = random.Random(seed)

    def forward(self, x):
        if self.training and self.rng.random() < 0.2:
            time.sleep(0.03)
        return self.net(x)


def make_trainer(seed: int = 0) -> Trainer:
    return Trainer(SometimesSlow(seed), "spiral", epochs=10_000, batch_size=16, grad_every=3, seed=seed)


def actions(t: Trainer, rng: random.Random):
    lr = rng.choice([1e-3, 0.05, 0.5, 10.0, -1.0, float("nan"), "0.1"])
    return [
        lambda: t.start(),
        lambda: t.resume(),
        lambda: t.pause(timeout=CALL_TIMEOUT),
        lambda: t.step(rng.randint(1, 3), wait=rng.random() < 0.5, timeout=CALL_TIMEOUT),
        lambda: t.stop(timeout=rng.choice([0.01, CALL_TIMEOUT])),
        lambda: t.reset(timeout=CALL_TIMEOUT),
        lambda: t.set_lr(lr),
        lambda: t.set_batch_size(rng.choice([1, 8, 64, 0, 10**12, 2.5])),
        lambda: t.set_epochs(rng.choice([1, 5, 10_000, 0])),
        lambda: t.set_optimizer(rng.choice(["adam", "sgd", "rmsprop"]), lr=0.01),
        lambda: t.predict(np.zeros((3, 2), np.float32), timeout=CALL_TIMEOUT),
        lambda: t.set_loss(rng.choice(["cross_entropy", "nll", "mse", "xent"])),
        lambda: t.set_model(SometimesSlow(rng.randint(0, 9)) if rng.random() < 0.7 else nn.Linear(5, 3)),
        lambda: t.progress(),
    ]


def hammer(t: Trainer, seed: int, errors: list) -> None:
    rng = random.Random(seed)
    for _ in range(CALLS_PER_THREAD):
        fn = rng.choice(actions(t, rng))
        try:
            fn()
        except ALLOWED:
            pass
        except Exception as exc:  # noqa: BLE001 - anything else is a bug; collected for the assert
            errors.append(exc)
        time.sleep(rng.random() * 0.003)


def check_consistent(t: Trainer) -> None:
    assert t.state in STATES
    losses = t.history["loss"]
    assert len(losses) == t.steps, (len(losses), t.steps)
    steps = t.history["grad_step"]
    assert all(a < b for a, b in zip(steps, steps[1:])), steps
    epochs = [e for e in t.history["epoch"]]
    assert all(a < b for a, b in zip(epochs, epochs[1:])), epochs
    for name, p in t.model.named_parameters():
        assert np.isfinite(p.detach().numpy()).all(), name
    assert t.error is None or isinstance(t.error, TrainingError)


@pytest.mark.parametrize("seed", range(int(os.environ.get("HAMMER_SEEDS", 3))))
def test_random_controls_from_four_threads_leave_a_consistent_trainer(seed):
    t = make_trainer(seed)
    errors: list = []
    threads = [threading.Thread(target=hammer, args=(t, seed * 100 + k, errors), daemon=True) for k in range(THREADS)]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 60
    for th in threads:
        th.join(max(0.0, deadline - time.monotonic()))
    assert not any(th.is_alive() for th in threads), "a control call hung (deadlock)"
    assert errors == [], errors

    t.stop(timeout=10)
    assert t.state in ("idle", "stopped") and (t._thread is None or not t._thread.is_alive())
    check_consistent(t)

    if not (isinstance(t.lr, float) and math.isfinite(t.lr) and t.lr < 1):
        t.set_lr(0.01)
    t.set_epochs(10_000)
    t.start()  # still trains: running means a live thread taking steps
    assert t.state == "running" and t._thread.is_alive()
    n = t.steps
    deadline = time.monotonic() + 20
    while t.steps < n + 3 and time.monotonic() < deadline:
        if t.state == "paused" and t.error is not None and t.error.kind == "nonfinite":  # the guard paused it
            t.set_lr(1e-4)
            t.start()
        time.sleep(0.01)
    assert t.steps >= n + 3
    t.pause()
    assert t.state == "paused"
    t.stop()
    assert t.state == "stopped" and not t._thread.is_alive()
    check_consistent(t)
