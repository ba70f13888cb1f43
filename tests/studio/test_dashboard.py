"""Python-side tests of the training dashboard: buttons drive the trainer, the plots hold the history's numbers.

These check the matplotlib panels (plots="matplotlib"); test_dashboard_live.py checks the browser-drawn ones.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import nnstudio
import nnstudio.nn as nn
from nnstudio.studio.dashboard import Dashboard
from nnstudio.train import Trainer


def mlp(classes=3, inputs=2):
    return nn.Sequential(nn.Linear(inputs, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, classes))


def wait_for(cond, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


@pytest.fixture
def dash():
    trainer = Trainer(mlp(), "spiral", epochs=1000, grad_every=5)
    d = Dashboard(trainer, autorefresh=False, plots="matplotlib")
    yield d
    trainer.stop()
    d.close()


def test_buttons_carry_the_css_hooks_and_change_the_state(dash):
    t = dash.trainer
    for button, css in ((dash.train_button, "nnstudio-train"), (dash.pause_button, "nnstudio-pause"),
                        (dash.step_button, "nnstudio-step"), (dash.reset_button, "nnstudio-reset")):
        assert css in button._dom_classes
    assert t.state == "idle" and dash.pause_button.disabled and not dash.train_button.disabled
    dash.train_button.click()
    assert t.state == "running"
    assert dash.train_button.disabled and not dash.pause_button.disabled
    wait_for(lambda: t.steps > 3)
    dash.pause_button.click()
    assert t.state == "paused"
    n = t.steps
    time.sleep(0.05)
    assert t.steps == n
    dash.step_button.click()
    assert t.state == "paused" and t.steps == n + 1
    dash.step_button.click()
    assert t.steps == n + 2
    dash.train_button.click()
    assert t.state == "running"
    dash.reset_button.click()
    assert t.state == "idle" and t.steps == 0 and t.history["loss"] == []
    assert not dash.train_button.disabled and dash.pause_button.disabled


def test_the_plots_hold_the_numbers_in_history(dash):
    t = dash.trainer
    t.fit(epochs=3, progress=False)
    dash.refresh()
    h = t.history
    lp = dash.loss_panel
    np.testing.assert_array_equal(lp.step_line.get_ydata(), h["loss"])
    np.testing.assert_array_equal(lp.step_line.get_xdata(), np.arange(1, t.steps + 1))
    np.testing.assert_array_equal(lp.train_line.get_ydata(), h["train_loss"])
    np.testing.assert_array_equal(lp.val_line.get_ydata(), h["val_loss"])
    np.testing.assert_array_equal(lp.val_line.get_xdata(), h["epoch_step"])
    np.testing.assert_array_equal(lp.val_acc_line.get_ydata(), h["val_accuracy"])
    np.testing.assert_array_equal(lp.train_acc_line.get_ydata(), h["train_accuracy"])
    gp = dash.grads_panel
    assert set(gp.lines) == set(h["grad_norm"])
    for name, line in gp.lines.items():
        np.testing.assert_array_equal(line.get_ydata(), h["grad_norm"][name])
        np.testing.assert_array_equal(line.get_xdata(), h["grad_step"])
    sample = t.latest_gradients()[gp.selected]
    expect, _ = np.histogram(sample / np.abs(sample).max(), bins=gp.edges)
    np.testing.assert_array_equal(gp.histogram, expect)
    sp = dash.shapes_panel
    assert sp.labels == ["0.weight (32, 2)", "0.bias (32)", "2.weight (32, 32)", "2.bias (32)", "4.weight (3, 32)",
                         "4.bias (3)"]
    assert [bar.get_width() for bar in sp.bars] == [64, 32, 1024, 32, 96, 3]
    latest = [h["grad_norm"][n][-1] for n in h["param_shapes"]]
    assert sp.grad_norms == latest
    for bar, value in zip(sp.bars, latest):
        np.testing.assert_allclose(bar.get_facecolor(), sp.cmap(sp.norm(value)))
    table = dash.table.value
    assert 'class="nnstudio-param-table"' in table
    for name, shape in h["param_shapes"].items():
        assert f'<td>{name}</td><td>{tuple(shape)}</td>' in table
    assert f"{h['weight_norm']['2.weight'][-1]:.4g}" in table and "1,024" in table
    for image in (dash.loss_image, dash.grads_image, dash.boundary_image, dash.shapes_image):
        assert image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "nnstudio-plot-loss" in dash.loss_image._dom_classes
    assert "nnstudio-plot-grads" in dash.grads_image._dom_classes
    assert "nnstudio-param-table-box" in dash.table._dom_classes


def test_the_decision_boundary_is_the_models_argmax_on_the_grid(dash):
    t = dash.trainer
    t.fit(epochs=2, progress=False)
    dash.refresh()
    bp = dash.boundary_panel
    np.testing.assert_array_equal(bp.classes, t.predict(bp.grid).argmax(1))
    assert bp.image.get_array().shape == (bp.resolution, bp.resolution, 4)


def test_log_toggle_and_parameter_selection(dash):
    dash.trainer.fit(epochs=1, progress=False)
    dash.log_scale.value = True
    dash.param_select.value = "4.weight"
    dash.refresh()
    assert dash.loss_panel.ax_loss.get_yscale() == "log"
    assert dash.grads_panel.selected == "4.weight" and dash.grads_panel.lines["4.weight"].get_linewidth() == 2.2
    assert 'data-param="4.weight" class="nnstudio-selected"' in dash.table.value


def test_controls_change_the_trainer(dash):
    t = dash.trainer
    c = dash.controls
    c.lr.value = 0.05
    assert t.lr == 0.05
    c.optimizer.value = "sgd"
    assert not c.momentum.disabled and c.beta1.disabled
    c.momentum.value = 0.9
    assert type(t.optimizer).__name__ == "SGD" and t.optimizer.param_groups[0]["momentum"] == 0.9
    assert t.lr == 0.05
    c.batch_size.value = 64
    c.epochs.value = 7
    assert t.batch_size == 64 and t.epochs == 7
    c.loss.value = "nll"
    assert t.loss_name == "nll"
    assert dash.error_panel.value == ""


def test_a_dataset_the_model_cannot_take_is_refused_in_the_error_panel(dash):
    dash.controls.dataset.value = "circles"  # 2 classes, the model gives 3
    assert "has 2 classes" in dash.error_panel.value and "nnstudio-error" in dash.error_panel.value
    assert dash.trainer.data.name == "spiral" and dash.controls.dataset.value == "spiral"


def test_the_dataset_picker_uses_the_model_factory():
    trainer = Trainer(mlp(), "spiral", epochs=2)
    d = Dashboard(trainer, model_factory=lambda ds: mlp(ds.num_outputs, ds.input_shape[0]), autorefresh=False,
                  plots="matplotlib")
    d.controls.dataset.value = "moons"
    assert trainer.data.name == "moons" and trainer.param_shapes["4.weight"] == (2, 32)
    assert d.error_panel.value == ""
    d.controls.dataset.value = "digits"
    assert trainer.data.input_shape == (64,) and isinstance(d.boundary_panel.images, np.ndarray)
    trainer.fit(epochs=1, progress=False)
    d.refresh()
    assert d.boundary_panel.predicted.shape == (12,)
    d.close()


def test_a_nan_pause_shows_in_the_error_panel():
    model = nn.Sequential(nn.Linear(1, 16), nn.ReLU(), nn.Linear(16, 1))
    trainer = Trainer(model, "regression1d", optimizer="sgd", lr=1e6, epochs=20)
    d = Dashboard(trainer, autorefresh=False, plots="matplotlib")
    trainer.fit(progress=False)
    d.refresh()
    assert trainer.state == "paused" and "training paused" in d.error_panel.value
    assert "no accuracy for regression" == d.loss_panel.note.get_text()
    d.close()


class Handwritten(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(64, 24)
        self.scale = nn.Parameter(nnstudio.ones(24))
        self.head = nn.Linear(24, 10)

    def forward(self, x):
        return self.head(self.encoder(x).relu() * self.scale)


def test_any_module_works_and_the_refresher_thread_paces_itself():
    trainer = Trainer(Handwritten(), "digits", epochs=3)
    d = Dashboard(trainer, plots="matplotlib")
    assert d.refresher.alive
    start = time.monotonic()
    trainer.fit(progress=False)
    wait_for(lambda: d.refresher.frames >= 2)
    elapsed = time.monotonic() - start
    assert d.shapes_panel.labels == ["scale (24)", "encoder.weight (24, 64)", "encoder.bias (24)",
                                     "head.weight (10, 24)", "head.bias (10)"]
    # the token bucket: never more than max_messages per second plus the initial burst
    assert d.refresher.messages <= 10 * (elapsed + 1) + 10
    assert not d.refresher.errors
    d.close()
    assert not d.refresher.alive


def test_refresher_spacing_keeps_the_drawing_share():
    from nnstudio.studio.dashboard_refresh import Refresher

    r = Refresher(dashboard=None, share=0.05, smoothing=1.0)  # pace by the last frame alone
    r.frame_done(0.02)
    assert not r.frame_allowed()
    assert 0.37 < r.next_frame - time.monotonic() <= 0.38
    r.tokens = 0
    r.hurry()
    assert not r.frame_allowed() and not r.take()


def test_an_expensive_frame_of_one_panel_never_holds_back_another():
    """The cause of a loss curve stuck far behind training: one shared clock, so a slow full redraw of another
    panel made every panel wait. Each panel now pays only for its own frames, within its part of the share."""
    from nnstudio.studio.dashboard_refresh import Refresher

    r = Refresher(dashboard=None, share=0.04, weights={"loss": 0.5, "grads": 0.5}, smoothing=1.0)
    r.frame_done(0.5, "grads")  # a full redraw of the gradient panel
    assert not r.frame_allowed("grads") and r.frame_allowed("loss")
    r.frame_done(0.002, "loss")
    assert not r.frame_allowed("loss")  # 0.002 s at 2% of the time: the next loss frame in about 0.1 s
    with pytest.raises(ValueError, match="add up to at most 1"):
        Refresher(dashboard=None, weights={"a": 0.7, "b": 0.5})


def test_a_rare_costly_frame_is_paid_back_over_the_next_frames():
    from nnstudio.studio.dashboard_refresh import Refresher

    r = Refresher(dashboard=None, share=0.05, smoothing=0.25)
    for _ in range(20):
        r.frame_done(0.01)
    r.frame_done(0.2)  # 20x a normal frame
    wait = r.next_frame - time.monotonic()
    assert 0.01 * 19 < wait < 0.2 * 19 / 3  # paced by the running mean, not frozen for the whole 0.2 * 19 s
    assert r.mean_cost[None] == pytest.approx(0.01 + 0.25 * 0.19, rel=1e-3)  # the mean starts from 0


def assert_loss_panel_holds(dash):
    """The loss panel's per-step line holds the whole history: every point a real (step, loss) pair, the x-range
    reaching the last step, the extremes kept; the epoch lines hold every epoch."""
    t, lp = dash.trainer, dash.loss_panel
    loss = np.asarray(t.history["loss"])
    x, y = lp.step_line.get_xdata(), lp.step_line.get_ydata()
    assert len(loss) == t.steps > 0
    assert x[0] == 1 and x[-1] == t.steps and np.all(np.diff(x) > 0)
    np.testing.assert_array_equal(y, loss[x.astype(int) - 1])
    assert y.min() == loss.min() and y.max() == loss.max()
    assert len(x) <= min(len(loss), lp.max_points + 4)
    assert lp.ax_loss.get_xlim()[1] >= t.steps
    np.testing.assert_array_equal(lp.val_line.get_xdata(), t.history["epoch_step"])
    np.testing.assert_array_equal(lp.val_line.get_ydata(), t.history["val_loss"])


def test_after_pause_one_tick_draws_the_complete_history(dash):
    t = dash.trainer
    dash.train_button.click()
    wait_for(lambda: t.steps > 2500, timeout=90)  # longer than the line's 1000 points: the envelope is drawn
    dash.pause_button.click()
    assert t.state == "paused"
    before = dash.loss_image.value
    dash.refresher.tokens = dash.refresher.max_messages
    dash.refresher.tick_once()  # the refresher thread's next wake-up, here on the test's thread
    assert_loss_panel_holds(dash)
    assert dash.loss_image.value != before
    gp = dash.grads_panel
    for line in gp.lines.values():
        assert line.get_xdata()[-1] == t.history["grad_step"][-1]
    assert "step " + f"{t.steps:,}" in dash.progress.value


def test_after_step_and_at_the_end_of_training_one_tick_draws_the_complete_state(dash):
    t = dash.trainer
    dash.step_button.click()
    dash.step_button.click()
    dash.refresher.tick_once()
    assert t.steps == 2 and list(dash.loss_panel.step_line.get_xdata()) == [1, 2]
    t.set_epochs(3)
    dash.train_button.click()
    wait_for(lambda: t.state == "stopped")
    dash.refresher.tokens = dash.refresher.max_messages
    dash.refresher.tick_once()
    assert t.finished and t.epoch == 3
    assert_loss_panel_holds(dash)
    np.testing.assert_array_equal(dash.loss_panel.val_acc_line.get_ydata(), t.history["val_accuracy"])
    assert dash.shapes_panel.grad_norms == [t.history["grad_norm"][n][-1] for n in t.param_shapes]


def test_no_panel_waits_longer_than_max_wait():
    """A panel whose frames are dear (a full redraw of the gradient panel) is still drawn at least every
    `max_wait` seconds of training, so it never looks frozen; a cheap panel keeps its shorter wait."""
    from nnstudio.studio.dashboard_refresh import Refresher

    r = Refresher(dashboard=None, share=0.03, weights={"loss": 0.5, "grads": 0.5}, smoothing=1.0, max_wait=2.0)
    r.frame_done(0.5, "grads")  # uncapped: 0.5 s * (1 / 0.015 - 1) = 33 s
    r.frame_done(0.001, "loss")  # uncapped: 0.066 s
    assert 1.9 < r._due["grads"][0] - time.monotonic() <= 2.0
    assert r._due["loss"][0] - time.monotonic() < 0.07
    with pytest.raises(ValueError, match="max_wait"):
        Refresher(dashboard=None, max_wait=0)


def test_a_stopped_training_clock_never_freezes_a_panel(monkeypatch):
    """Pyodide's CPU clock never moves: paced by it alone, a panel drawn once while training was never drawn
    again. The wall-time cap draws it anyway."""
    from nnstudio.studio.dashboard_refresh import Refresher

    r = Refresher(dashboard=None, share=0.03, max_wait=2.0, max_wall_wait=0.05)
    monkeypatch.setattr(r, "_training_clock", lambda: 0.0)  # training, and its clock stays where it was
    monkeypatch.setattr(r, "_owner", lambda: 7)
    r.frame_done(0.001, "loss")
    assert not r.frame_allowed("loss")
    time.sleep(0.06)
    assert r.frame_allowed("loss")
    assert Refresher(dashboard=None, max_wait=1.5).max_wall_wait == 3.0
