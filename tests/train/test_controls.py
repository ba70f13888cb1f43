"""Start / pause / step / resume / stop / reset in the background (thread and asyncio runners), settings between
steps."""

from __future__ import annotations

import time

import numpy as np
import pytest
from trainer_models import spiral_mlp

from nnstudio.train import Trainer


def wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.005)


@pytest.fixture
def trainer(make_trainer):
    return make_trainer(spiral_mlp(), "spiral", epochs=1000)


def weights(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def test_start_returns_at_once_on_a_daemon_worker_and_pause_stops_within_a_step(trainer):
    assert trainer.state == "idle"
    trainer.start()
    assert trainer.state == "running"
    assert trainer._thread.daemon
    wait_for(lambda: trainer.steps > 5)
    trainer.pause()
    assert trainer.state == "paused"
    frozen = trainer.steps
    assert len(trainer.history["loss"]) == frozen
    time.sleep(0.1)
    assert trainer.steps == frozen  # nothing after pause() returned


def test_step_takes_exactly_n_steps_while_paused(trainer):
    trainer.step(3)
    assert trainer.state == "paused" and trainer.steps == 3
    trainer.step()
    assert trainer.steps == 4
    trainer.start()
    wait_for(lambda: trainer.steps > 20)
    trainer.step(5)  # pauses first, then exactly 5 more
    assert trainer.state == "paused"
    before = trainer.steps
    trainer.step(5)
    assert trainer.steps == before + 5 and len(trainer.history["loss"]) == before + 5


def test_resume_stop_and_start_again_continue_from_the_weights(trainer):
    trainer.step(2)
    trainer.resume()
    assert trainer.state == "running"
    wait_for(lambda: trainer.steps > 10)
    trainer.stop()
    assert trainer.state == "stopped" and not trainer._thread.is_alive()
    done = trainer.steps
    trainer.start()
    wait_for(lambda: trainer.steps > done + 5)
    trainer.stop()
    assert trainer.history["loss"][:done] == trainer.history["loss"][:done]


def test_reset_restores_initial_weights_clears_history_and_reproduces_the_run(make_trainer):
    trainer = make_trainer(spiral_mlp(), "spiral", epochs=2)
    initial = weights(trainer.model)
    trainer.fit(progress=False)
    first = list(trainer.history["loss"])
    assert not np.allclose(weights(trainer.model)["0.weight"], initial["0.weight"])
    trainer.reset()
    assert trainer.state == "idle" and trainer.steps == 0 and trainer.epoch == 0
    assert trainer.history["loss"] == [] and all(v == [] for v in trainer.history["grad_norm"].values())
    for k, v in weights(trainer.model).items():
        np.testing.assert_array_equal(v, initial[k])
    trainer.fit(progress=False)
    assert trainer.history["loss"] == first


def test_reset_while_running_stops_the_thread(trainer):
    trainer.start()
    wait_for(lambda: trainer.steps > 3)
    thread = trainer._thread
    trainer.reset()
    assert not thread.is_alive() and trainer.state == "idle" and trainer.history["loss"] == []


def test_set_lr_and_set_optimizer_take_effect_at_the_next_step(trainer):
    seen = []
    trainer.subscribe(lambda e: seen.append((e.step, e.data["lr"])), kinds="step")
    trainer.step(2)
    trainer.set_lr(0.123)
    trainer.step(1)
    trainer.events.flush()
    assert seen[-1] == (3, 0.123) and seen[-2][1] == 0.01
    trainer.start()
    wait_for(lambda: trainer.steps > 10)
    trainer.set_optimizer("sgd", lr=0.05, momentum=0.9)  # while running: swapped between two steps
    assert type(trainer.optimizer).__name__ == "SGD" and trainer.lr == 0.05
    assert trainer.optimizer.param_groups[0]["momentum"] == 0.9
    n = trainer.steps
    wait_for(lambda: trainer.steps > n + 5)
    trainer.set_batch_size(64)
    trainer.pause()
    trainer.reset()  # reset keeps the chosen optimizer, with a fresh state
    assert type(trainer.optimizer).__name__ == "SGD" and trainer.optimizer.state == {}


def test_finished_run_stops_and_start_runs_epochs_more(make_trainer):
    trainer = make_trainer(spiral_mlp(), "spiral", epochs=2)
    trainer.start()
    wait_for(lambda: trainer.state == "stopped")
    assert trainer.finished and trainer.epoch == 2
    trainer.start()
    wait_for(lambda: trainer.state == "stopped" and trainer.epoch == 4)
    assert trainer.history["epoch"] == [1, 2, 3, 4]
    assert trainer.history["epoch_step"] == [15, 30, 45, 60]


def test_predict_runs_between_steps_while_training(trainer):
    trainer.start()
    wait_for(lambda: trainer.steps > 3)
    out = trainer.predict(np.zeros((7, 2), np.float32))
    assert out.shape == (7, 3) and trainer.state == "running"
    trainer.stop()
    assert trainer.predict(np.zeros((2, 2), np.float32)).shape == (2, 3)


def test_unknown_options_are_refused_with_the_names_that_exist():
    with pytest.raises(TypeError, match="'adam' has no option 'momentum'.*betas"):
        Trainer(spiral_mlp(), "spiral", optimizer="adam", momentum=0.9)
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        Trainer(spiral_mlp(), "spiral", optimizer="adamm")
    with pytest.raises(ValueError, match="unknown loss 'xent'"):
        Trainer(spiral_mlp(), "spiral", loss="xent")
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
        Trainer(spiral_mlp(), "spiral", batch_size=0)
    trainer = Trainer(spiral_mlp(), "spiral", optimizer="sgd", momentum=0.9, loss="CrossEntropyLoss")
    assert trainer.optimizer_name == "sgd" and trainer.loss_name == "cross_entropy"


def test_stop_ends_the_thread_from_running_and_from_paused(trainer):
    trainer.start()
    wait_for(lambda: trainer.steps > 2)
    thread = trainer._thread
    trainer.stop()
    assert not thread.is_alive() and trainer.state == "stopped"
    trainer.step(2)  # a paused thread (waiting for credits) also ends at stop()
    thread = trainer._thread
    assert thread.is_alive() and trainer.state == "paused"
    trainer.stop()
    assert not thread.is_alive() and trainer.state == "stopped"


def test_interpreter_exit_stops_every_live_trainer(make_trainer):
    """Kernel shutdown runs the atexit hooks: `stop_all` (registered at import) ends each training worker."""
    from nnstudio.train import trainer as module

    trainers = [make_trainer(spiral_mlp(), "spiral", epochs=1000) for _ in range(2)]
    trainers[0].start()
    trainers[1].step(1)
    wait_for(lambda: trainers[0].steps > 0)
    threads = [t._thread for t in trainers]
    assert all(th.is_alive() for th in threads)
    make_trainer.call(module.stop_all)
    assert not any(th.is_alive() for th in threads)
    assert [t.state for t in trainers] == ["stopped", "stopped"]
