"""The issue's "must show": spiral (3 arms) and digits reach 95% validation accuracy, each in seconds."""

from __future__ import annotations

import pytest
from trainer_models import digits_cnn, has_conv, spiral_mlp

import nnstudio


def test_spiral_three_arms_reaches_95_percent_with_default_mlp_and_adam(make_trainer):
    data = nnstudio.data.load("spiral", arms=3)
    trainer = make_trainer(spiral_mlp(), data, optimizer="adam", lr=0.01, epochs=60)
    history = trainer.fit(progress=False)
    assert trainer.state == "stopped" and trainer.finished and trainer.error is None
    assert len(history["val_accuracy"]) == 60
    assert history["val_accuracy"][-1] >= 0.95
    assert len(history["loss"]) == trainer.steps == 60 * 15  # 480 samples / 32 per batch
    assert history["loss"][-1] < history["loss"][0] / 5


@pytest.mark.skipif(not has_conv(), reason="nnstudio.nn.Conv2d / MaxPool2d have not landed yet")
def test_digits_reaches_95_percent_with_a_small_cnn(make_trainer):
    data = nnstudio.data.load("digits", flat=False)
    trainer = make_trainer(digits_cnn(), data, optimizer="adam", lr=0.01, epochs=6)
    history = trainer.fit(progress=False)
    assert trainer.error is None
    assert max(history["val_accuracy"][-3:]) >= 0.95
    assert history["val_accuracy"][-1] >= 0.95


def test_regression_uses_mse_and_reports_no_accuracy(make_trainer):
    trainer = make_trainer(spiral_mlp(classes=1, inputs=1), "regression1d", lr=0.01, epochs=30)
    assert trainer.loss_name == "mse"
    history = trainer.fit(progress=False)
    assert history["val_loss"][-1] < history["val_loss"][0] / 3
    assert all(a != a for a in history["val_accuracy"])  # nan


def test_numpy_arrays_in_and_progress_text_out(capsys, make_trainer):
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    trainer = make_trainer(spiral_mlp(classes=2), (X, y), epochs=5)
    trainer.fit()
    err = capsys.readouterr().err
    assert "epoch 5/5" in err and "steps/s" in err and "val acc" in err
    assert trainer.history["val_accuracy"][-1] >= 0.9


def test_a_short_fit_still_reports_its_speed(make_trainer):
    """A run shorter than the half-second rate window must not print `0 steps/s` on its progress bar."""
    import io

    out = io.StringIO()
    trainer = make_trainer(spiral_mlp(), "spiral", epochs=8, batch_size=32)
    trainer.fit(file=out)
    assert trainer.steps > 0 and trainer.progress()["steps_per_second"] > 0
    assert " 0 steps/s" not in out.getvalue().splitlines()[-1]
