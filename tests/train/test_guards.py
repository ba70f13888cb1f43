"""Guards: data shape misfit named before the first step, nan/inf pause, errors on the thread captured."""

from __future__ import annotations

import time

import numpy as np
import pytest
from trainer_models import spiral_mlp

import nnstudio
import nnstudio.nn as nn
from nnstudio.train import Trainer, TrainingError


def wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def test_wrong_input_width_names_the_first_layer():
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
    with pytest.raises(TrainingError, match=r"layer '0' \(Linear\).*\(2, 2\)") as info:
        Trainer(model, "spiral")
    assert info.value.kind == "shape" and info.value.layer == "0"


def test_wrong_class_count_names_the_last_layer():
    with pytest.raises(TrainingError, match=r"has 3 classes: the last layer '4' should give \(N, 3\)"):
        Trainer(spiral_mlp(classes=2), "spiral")


class Handwritten(nn.Module):
    """A hand-written module whose own forward does the wrong matmul."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(nnstudio.randn(4, 3))
        self.head = nn.Linear(3, 3)

    def forward(self, x):
        return self.head(x @ self.w)


def test_a_handwritten_forward_error_is_caught_before_the_first_step():
    with pytest.raises(TrainingError, match="does not fit dataset 'spiral'") as info:
        Trainer(Handwritten(), "spiral")
    assert info.value.kind == "shape"


class Sqrt(nn.Module):
    """Multiplies by sqrt(s) with s = 0: the loss is finite, d/ds is infinite."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.s = nn.Parameter(nnstudio.zeros(1))

    def forward(self, x):
        return self.fc(x) * self.s.sqrt()


def test_nonfinite_gradient_pauses_naming_the_step_and_the_parameter(make_trainer):
    trainer = make_trainer(Sqrt(), "spiral")
    before = {k: v.numpy().copy() for k, v in trainer.model.state_dict().items()}
    events = []
    trainer.subscribe(events.append, kinds=("error", "state"))
    trainer.start()
    wait_for(lambda: trainer.state == "paused")
    err = trainer.error
    assert err.kind == "nonfinite" and err.step == 1 and err.parameter == "s"
    assert "step 1" in err.message and "'s'" in err.message and "lower learning rate" in err.message
    assert trainer.steps == 0 and trainer.history["loss"] == []
    for k, v in trainer.model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])
    trainer.events.flush()
    assert any(e.kind == "error" and e.data["error"] is err for e in events)
    assert events[-1].kind == "state" and events[-1].data["state"] == "paused"
    trainer.stop()


def test_exploding_learning_rate_pauses_with_finite_weights(make_trainer):
    model = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Linear(16, 1))
    trainer = make_trainer(model, "regression1d", optimizer="sgd", lr=1e6, epochs=50)
    trainer.fit(progress=False)
    assert trainer.state == "paused" and trainer.error.kind == "nonfinite"
    assert f"step {trainer.error.step}" in trainer.error.message
    assert trainer.error.step == trainer.steps + 1
    for p in trainer.model.parameters():
        assert np.isfinite(p.detach().numpy()).all()
    trainer.stop()


class Flaky(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        if self.training and self.calls > 4:
            raise KeyError("boom in forward")
        return self.fc(x)


def test_an_exception_on_the_thread_is_kept_and_sent_as_an_event(make_trainer):
    trainer = make_trainer(Flaky(), "spiral")
    events = []
    trainer.subscribe(events.append)
    trainer.start()
    wait_for(lambda: trainer.state == "stopped")
    assert trainer.error.kind == "exception" and "boom in forward" in trainer.error.message
    assert "KeyError" in trainer.error.traceback and trainer.error.step == trainer.steps + 1
    trainer.events.flush()
    assert [e for e in events if e.kind == "error"][0].data["error"] is trainer.error
    with pytest.raises(TrainingError, match="boom"):
        trainer.fit(progress=False)
