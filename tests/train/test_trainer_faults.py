"""Issue 15 regressions: settings validated (9), an exact NaN guard (12), the thread's state machine (13, 14)."""

from __future__ import annotations

import copy
import threading
import time

import numpy as np
import pytest
from trainer_models import spiral_mlp

import nnstudio
import nnstudio.nn as nn
from nnstudio.train import Trainer, TrainingError
from nnstudio.train.checks import all_finite


def wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


def weights(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def optimizer_state(opt):
    return {id(p): {k: (np.array(v) if hasattr(v, "shape") else copy.deepcopy(v)) for k, v in st.items()}
            for p, st in opt.state.items()}


# ------------------------------------------------------------------ (9) settings validate type and range
@pytest.mark.parametrize("call, kind", [
    (lambda t: t.set_lr("0.1"), TypeError),
    (lambda t: t.set_lr(True), TypeError),
    (lambda t: t.set_lr(float("nan")), ValueError),
    (lambda t: t.set_lr(-1.0), ValueError),
    (lambda t: t.set_lr(float("inf")), ValueError),
    (lambda t: t.set_batch_size(10**12), ValueError),
    (lambda t: t.set_batch_size(2.0), TypeError),
    (lambda t: t.set_batch_size("8"), TypeError),
    (lambda t: t.set_epochs("3"), TypeError),
    (lambda t: t.set_epochs(0), ValueError),
    (lambda t: t.set_optimizer("sgd", lr="1"), TypeError),
    (lambda t: t.set_optimizer("adam", weight_decay=float("nan")), ValueError),
    (lambda t: t.set_optimizer("sgd", momentum=-0.5), ValueError),
])
def test_a_refused_setting_raises_and_changes_nothing(call, kind):
    trainer = Trainer(spiral_mlp(), "spiral", epochs=1000)
    trainer.start()
    wait_for(lambda: trainer.steps > 2)
    before = (trainer.lr, trainer.batch_size, trainer.epochs, trainer.optimizer)
    with pytest.raises(kind):
        call(trainer)
    assert (trainer.lr, trainer.batch_size, trainer.epochs, trainer.optimizer) == before
    assert trainer.state == "running"
    trainer.stop()


def test_constructor_refuses_wrong_types():
    with pytest.raises(TypeError, match="lr must be a number, got str"):
        Trainer(spiral_mlp(), "spiral", lr="0.1")
    with pytest.raises(TypeError, match="seed must be an integer"):
        Trainer(spiral_mlp(), "spiral", seed=1.5)


def test_set_model_with_a_misfit_model_keeps_the_run_going():
    trainer = Trainer(spiral_mlp(), "spiral", epochs=1000)
    model = trainer.model
    trainer.start()
    wait_for(lambda: trainer.steps > 2)
    with pytest.raises(TrainingError):
        trainer.set_model(nn.Sequential(nn.Linear(5, 3)))
    assert trainer.model is model and trainer.state == "running" and trainer._thread.is_alive()
    n = trainer.steps
    wait_for(lambda: trainer.steps > n + 2)
    trainer.stop()


# ------------------------------------------------------------------ (12) the NaN guard
def test_finite_check_counts_huge_finite_float32_as_finite():
    assert all_finite([np.full(100, 1e37, np.float32)])
    assert not all_finite([np.array([1.0, np.inf], np.float32)])
    assert not all_finite([np.array([np.inf, -np.inf], np.float32)])  # a sum would say nan: still non-finite
    assert not all_finite([np.array([0.0, np.nan], np.float16)])
    assert all_finite([np.full(10, 1e308)])  # float64 near its max: a float64 sum would overflow
    assert not all_finite([np.array([1.0, np.nan])])


class HugeGradient(nn.Module):
    """A parameter with no effect on the loss's value whose gradient is about 1e35 per element: finite, though a
    float32 sum of it overflows."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.big = nn.Parameter(nnstudio.zeros(100_000))

    def forward(self, x):
        shift = ((self.big - self.big.detach()) * 1e38).sum()  # value 0, gradient 1e38 * dloss/dshift
        return self.fc(x) + shift * nnstudio.tensor([1.0, 0.0, 0.0])


def test_huge_but_finite_gradients_are_not_called_non_finite():
    trainer = Trainer(HugeGradient(), "spiral", optimizer="adam", epochs=1000)
    trainer.step(1, wait=False)
    wait_for(lambda: trainer.steps == 1 or trainer.error is not None)
    grad = trainer.model.big.grad.numpy()
    assert np.isfinite(grad).all() and not np.isfinite(grad.sum())  # the premise: a float32 sum overflows
    assert trainer.error is None and trainer.steps == 1
    trainer.step(2)
    assert trainer.error is None and trainer.steps == 3


def test_an_update_that_breaks_the_weights_is_undone_exactly():
    model = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Linear(16, 1))
    trainer = Trainer(model, "regression1d", optimizer="adam", lr=0.01, grad_every=10, epochs=1000)
    trainer.step(5)
    good_w, good_state = weights(trainer.model), optimizer_state(trainer.optimizer)
    trainer.set_lr(1e39)  # Adam's step is about lr: the float32 weights become inf
    trainer.step(1)
    assert trainer.error is not None and trainer.error.kind == "nonfinite" and trainer.error.step == 6
    assert trainer.steps == 5 and len(trainer.history["loss"]) == 5
    assert "exactly those after step 5" in trainer.error.message
    for k, v in weights(trainer.model).items():
        np.testing.assert_array_equal(v, good_w[k])
    state = optimizer_state(trainer.optimizer)
    assert state.keys() == good_state.keys()
    for pid, entries in good_state.items():
        assert state[pid].keys() == entries.keys()
        for k, v in entries.items():
            np.testing.assert_array_equal(state[pid][k], v)
    trainer.set_lr(0.01)
    trainer.step(2)  # the run goes on from step 5
    assert trainer.steps == 7 and trainer.error is None
    trainer.stop()


class NanAt(nn.Module):
    """Gives a nan output at training call `at`; has a BatchNorm whose running statistics the nan would spoil."""

    def __init__(self, at: int):
        super().__init__()
        self.bn = nn.BatchNorm1d(2)
        self.fc = nn.Linear(2, 3)
        self.at, self.calls = at, 0

    def forward(self, x):
        if self.training:
            self.calls += 1
            if self.calls == self.at:
                x = x * float("nan")
        return self.fc(self.bn(x))


def test_a_nan_loss_restores_buffers_and_optimizer_state_of_the_last_good_step():
    trainer = Trainer(NanAt(at=4), "spiral", optimizer="adam", epochs=1000)
    trainer.step(3)
    good_w, good_state = weights(trainer.model), optimizer_state(trainer.optimizer)
    trainer.step(1)
    assert trainer.error.kind == "nonfinite" and trainer.steps == 3
    for k, v in weights(trainer.model).items():  # running_mean / running_var included
        np.testing.assert_array_equal(v, good_w[k], err_msg=k)
    for pid, entries in good_state.items():
        for k, v in entries.items():
            np.testing.assert_array_equal(optimizer_state(trainer.optimizer)[pid][k], v)
    trainer.stop()


# ------------------------------------------------------------------ (13) BaseException on the thread
class RaisesAt(nn.Module):
    def __init__(self, exc):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.exc, self.calls, self.armed = exc, 0, True

    def forward(self, x):
        if self.training:
            self.calls += 1
            if self.armed and self.calls == 3:
                raise self.exc("from forward")
        return self.fc(x)


@pytest.mark.parametrize("exc", [SystemExit, KeyboardInterrupt, GeneratorExit])
def test_a_base_exception_in_forward_stops_cleanly_and_start_works_again(exc):
    model = RaisesAt(exc)
    trainer = Trainer(model, "spiral", epochs=1000)
    trainer.start()
    wait_for(lambda: trainer._thread is not None and not trainer._thread.is_alive())
    assert trainer.state == "stopped"
    assert trainer.error.kind == "exception" and exc.__name__ in trainer.error.message
    model.armed = False
    trainer.start()
    assert trainer.state == "running"
    wait_for(lambda: trainer.steps > 5)
    trainer.stop()
    assert trainer.state == "stopped" and not trainer._thread.is_alive()


# ------------------------------------------------------------------ (14) start() after a stop() that timed out
class Gate(nn.Module):
    """A model whose training forward waits at a gate while `hold` is set (a slow step on demand)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.hold, self.inside, self.release = False, threading.Event(), threading.Event()

    def forward(self, x):
        if self.training and self.hold:
            self.inside.set()
            self.release.wait(10)
        return self.fc(x)


def test_start_after_a_timed_out_stop_resumes_training():
    model = Gate()
    trainer = Trainer(model, "spiral", epochs=1000)
    trainer.start()
    wait_for(lambda: trainer.steps > 1)
    model.hold = True
    assert model.inside.wait(5)
    trainer.stop(timeout=0.05)  # the slow step is still running
    assert trainer._thread.is_alive()
    trainer.start()
    assert trainer.state == "running"
    model.hold = False
    model.release.set()
    n = trainer.steps
    wait_for(lambda: trainer.steps > n + 3)
    assert trainer.state == "running" and trainer._thread.is_alive()
    trainer.stop()


def test_a_setting_queued_before_a_stop_is_applied_not_dropped():
    model = Gate()
    trainer = Trainer(model, "spiral", epochs=1000)
    trainer.start()
    wait_for(lambda: trainer.steps > 1)
    model.hold = True
    assert model.inside.wait(5)
    errors = []

    def set_lr():
        try:
            trainer.set_lr(0.5)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    setter = threading.Thread(target=set_lr)
    setter.start()
    wait_for(lambda: len(trainer._tasks) == 1)
    stopper = threading.Thread(target=trainer.stop)
    stopper.start()
    wait_for(lambda: trainer._stop_flag)
    model.release.set()
    setter.join(10)
    stopper.join(10)
    assert errors == [] and trainer.lr == 0.5
    assert trainer.state == "stopped" and not trainer._thread.is_alive()


def test_reset_while_a_slow_step_runs_refuses_and_changes_nothing():
    model = Gate()
    trainer = Trainer(model, "spiral", epochs=1000)
    trainer.start()
    wait_for(lambda: trainer.steps > 1)
    model.hold = True
    assert model.inside.wait(5)
    steps = trainer.steps
    trainer.stop(timeout=0.05)
    with pytest.raises(TrainingError, match="still finishing a slow step"):
        trainer.reset(timeout=0.05)
    assert trainer.steps == steps and len(trainer.history["loss"]) == steps
    model.hold = False
    model.release.set()
    wait_for(lambda: not trainer._thread.is_alive())
    trainer.reset()
    assert trainer.steps == 0
