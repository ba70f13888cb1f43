"""The event stream and history: every step, epoch and norm record arrives; subscribers cannot block training."""

from __future__ import annotations

import threading
import time

import numpy as np
from trainer_models import spiral_mlp


def test_events_match_the_history(make_trainer):
    trainer = make_trainer(spiral_mlp(), "spiral", epochs=3, grad_every=5)
    events = []
    trainer.subscribe(events.append)
    trainer.fit(progress=False)
    assert trainer.events.flush()
    kinds = [e.kind for e in events]
    steps = [e for e in events if e.kind == "step"]
    assert [e.data["loss"] for e in steps] == trainer.history["loss"]
    assert [e.step for e in steps] == list(range(1, 46))
    epochs = [e for e in events if e.kind == "epoch"]
    assert [e.data["val_accuracy"] for e in epochs] == trainer.history["val_accuracy"]
    grads = [e for e in events if e.kind == "grad"]
    assert [e.step for e in grads] == trainer.history["grad_step"] == [1] + list(range(5, 46, 5))
    assert [e.data["grad_norm"]["0.weight"] for e in grads] == trainer.history["grad_norm"]["0.weight"]
    assert kinds[0] == "state" and kinds[-1] == "state" and "done" in kinds


def test_history_norms_and_shapes(make_trainer):
    trainer = make_trainer(spiral_mlp(), "spiral", epochs=1, grad_every=1)
    trainer.fit(progress=False)
    h = trainer.history
    assert h["param_shapes"] == {"0.weight": (64, 2), "0.bias": (64,), "2.weight": (64, 64), "2.bias": (64,),
                                 "4.weight": (3, 64), "4.bias": (3,)}
    assert set(h["grad_norm"]) == set(h["param_shapes"]) == set(h["weight_norm"])
    assert len(h["grad_norm"]["4.bias"]) == len(h["grad_step"]) == trainer.steps
    w = trainer.model.state_dict()["4.weight"].numpy()
    assert np.isclose(h["weight_norm"]["4.weight"][-1], np.linalg.norm(w), rtol=1e-5)
    sample = trainer.latest_gradients()["2.weight"]
    assert sample.dtype == np.float32 and sample.size == 4096
    snap = h.snapshot()
    trainer.fit(epochs=1, progress=False)
    assert len(snap["loss"]) == 15 and len(h["loss"]) == 30


def test_a_blocking_subscriber_does_not_block_training(make_trainer):
    trainer = make_trainer(spiral_mlp(), "spiral", epochs=2)
    gate = threading.Event()
    trainer.subscribe(lambda e: gate.wait(5))
    t0 = time.monotonic()
    trainer.fit(progress=False)
    assert trainer.steps == 30 and time.monotonic() - t0 < 5
    gate.set()


def test_a_failing_subscriber_is_recorded_not_fatal(make_trainer):
    trainer = make_trainer(spiral_mlp(), "spiral", epochs=1)
    trainer.subscribe(lambda e: 1 / 0)
    trainer.fit(progress=False)
    trainer.events.flush()
    assert trainer.error is None and trainer.steps == 15
    assert "ZeroDivisionError" in trainer.events.callback_errors[0]


def test_only_wanted_kinds_are_queued(make_trainer):
    trainer = make_trainer(spiral_mlp(), "spiral", epochs=1)
    seen = []
    unsubscribe = trainer.subscribe(seen.append, kinds=("state", "epoch"))
    assert trainer.events.wants("epoch") and not trainer.events.wants("step")
    trainer.fit(progress=False)
    trainer.events.flush()
    assert {e.kind for e in seen} == {"state", "epoch"}
    unsubscribe()
    assert not trainer.events.wants("state")
