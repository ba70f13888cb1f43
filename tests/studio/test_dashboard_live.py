"""The browser-drawn panels (the Dashboard's default, plots="browser"): one widget message per frame, holding the
history's true numbers as float32 bytes that widgets/plots.js draws."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
import nnstudio.nn as nn
from nnstudio.studio.dashboard import Dashboard
from nnstudio.studio.panels.live import Frame, LivePlot
from nnstudio.train import Trainer


def _values(plot: LivePlot, ref) -> np.ndarray:
    data = np.frombuffer(plot.frame, dtype="<f4")
    return data[ref[0]:ref[0] + ref[1]]


@pytest.fixture
def dash():
    nnstudio.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 3))
    trainer = Trainer(model, "spiral", epochs=3, grad_every=1)
    d = Dashboard(trainer, autorefresh=False)
    yield d
    trainer.stop()
    d.close()


def test_frame_packs_float32_and_references_them():
    f = Frame()
    a, b = f.add([1.5, 2.5]), f.add(np.arange(3))
    assert a == [0, 2] and b == [2, 3]
    np.testing.assert_array_equal(np.frombuffer(f.bytes(), "<f4"), [1.5, 2.5, 0, 1, 2])


def test_loss_and_gradient_panels_are_live_plots_with_the_css_hooks(dash):
    assert isinstance(dash.loss_image, LivePlot) and isinstance(dash.grads_image, LivePlot)
    assert "nnstudio-plot-loss" in dash.loss_image._dom_classes
    assert "nnstudio-plot-grads" in dash.grads_image._dom_classes
    assert dash.loss_image._esm and "export default" in str(dash.loss_image._esm)


def test_a_frame_holds_the_history_and_is_one_message(dash):
    t = dash.trainer
    t.fit()
    sent = []
    orig = dash.loss_image._send  # count the messages the widget sends to the front end
    dash.loss_image._send = lambda msg, buffers=None: sent.append(msg) or orig(msg, buffers)
    dash.refresh()
    assert len(sent) == 1 and set(sent[0]["state"]) == {"spec"} and sent[0]["buffer_paths"] == [["frame"]]
    spec = dash.loss_image.spec
    loss, acc = spec["plots"]
    step, train, val = loss["series"]
    x, y = _values(dash.loss_image, step["x"]), _values(dash.loss_image, step["y"])
    history = np.asarray(t.history["loss"], dtype=np.float32)
    assert x[0] == 1 and x[-1] == t.steps and len(history) == t.steps
    np.testing.assert_array_equal(y, history[x.astype(int) - 1])  # true samples, the extremes kept
    assert y.min() == history.min() and y.max() == history.max()
    np.testing.assert_allclose(_values(dash.loss_image, val["y"]), t.history["val_loss"], rtol=1e-6)
    np.testing.assert_allclose(_values(dash.loss_image, acc["series"][1]["y"]), t.history["val_accuracy"],
                               rtol=1e-6)


def test_gradient_panel_follows_the_selected_parameter(dash):
    t = dash.trainer
    t.step(4)
    dash.param_select.value = "2.weight"
    dash.refresh()
    norms, hist = dash.grads_image.spec["plots"]
    bold = [s for s in norms["series"] if s["width"] > 2]
    assert [s["label"] for s in bold] == ["2.weight"]
    np.testing.assert_allclose(_values(dash.grads_image, bold[0]["y"]), t.history["grad_norm"]["2.weight"],
                               rtol=1e-6)
    assert "2.weight" in hist["bars"]["label"]
    assert dash.grads_panel.histogram.sum() == t.latest_gradients()["2.weight"].size


def test_log_toggle_sets_a_log_axis(dash):
    dash.trainer.step(3)
    dash.log_scale.value = True
    dash.refresh()
    assert dash.loss_image.spec["plots"][0]["ylog"] is True


def test_a_panel_out_of_view_is_not_drawn_while_training(dash):
    t = dash.trainer
    dash.loss_image.set_state({"visible": False})  # the browser reports it scrolled away
    t.start()
    try:
        import time

        deadline = time.monotonic() + 30
        while t.state != "running" and time.monotonic() < deadline:
            time.sleep(0.01)
        before = dash.loss_image.frame
        for _ in range(5):
            dash.refresher.tokens = dash.refresher.max_messages
            dash.refresher.hurry()
            dash.refresher.tick_once()
        if t.state == "running":  # (a fast machine may finish the 3 epochs first: then nothing is paced)
            assert dash.loss_image.frame == before
    finally:
        t.stop()


def test_the_default_pace_stays_under_the_message_budget(dash):
    r = dash.refresher
    assert r.max_messages <= 6 and r.tick >= 0.5 and r.min_interval["loss"] >= 0.3 and r.min_interval["grads"] >= 0.5
    with pytest.raises(ValueError, match="plots must be"):
        Dashboard(dash.trainer, autorefresh=False, plots="svg")


def test_the_decision_boundary_is_drawn_in_the_browser_for_2d_data(dash):
    t = dash.trainer
    t.step(2)
    dash.refresh()
    assert isinstance(dash.boundary_image, LivePlot) and "nnstudio-plot-boundary" in dash.boundary_image._dom_classes
    (plot,) = dash.boundary_image.spec["plots"]
    n = dash.boundary_panel.resolution
    assert plot["image"]["w"] == plot["image"]["h"] == n
    rgba = _values(dash.boundary_image, plot["image"]["rgba"]).reshape(n, n, 4)
    classes = t.predict(dash.boundary_panel.grid).argmax(1).reshape(n, n)
    colors = np.asarray(dash.boundary_panel.colors, dtype=np.float32)
    np.testing.assert_allclose(rgba[..., :3], colors[classes][..., :3])  # each cell the model's argmax colour
    np.testing.assert_array_equal(_values(dash.boundary_image, plot["points"]["c"]), t.data.y_train)


def test_switching_to_image_data_swaps_in_a_png_panel(dash):
    from nnstudio.data import load

    data = load("digits")
    model = nn.Sequential(nn.Linear(64, 10))
    dash.trainer.set_data(data, model=model)
    dash.on_model_change()
    assert not isinstance(dash.boundary_image, LivePlot) and bytes(dash.boundary_image.value)[:4] == b"\x89PNG"
    assert dash._boundary_box.children == (dash.boundary_image,)


def test_the_parameter_shapes_are_drawn_in_the_browser(dash):
    """One bar per named parameter: label, element count and the colour of its latest gradient norm, as the
    matplotlib panel draws them, in one message of a few hundred bytes."""
    t = dash.trainer
    t.fit()
    dash.refresh()
    sp = dash.shapes_panel
    assert isinstance(dash.shapes_image, LivePlot) and "nnstudio-plot-shapes" in dash.shapes_image._dom_classes
    (plot,) = dash.shapes_image.spec["plots"]
    bars = plot["hbars"]
    assert bars["labels"] == ["0.weight (16, 2)", "0.bias (16)", "2.weight (3, 16)", "2.bias (3)"]
    np.testing.assert_array_equal(_values(dash.shapes_image, bars["x"]), [32, 16, 48, 3])
    latest = [t.history["grad_norm"][n][-1] for n in t.param_shapes]
    assert sp.grad_norms == latest
    lo, hi = plot["colorbar"]["lo"], plot["colorbar"]["hi"]
    assert lo <= min(latest) and max(latest) <= hi  # the colour scale holds every norm
    from matplotlib.colors import to_hex

    assert bars["colors"] == [to_hex(sp.cmap(sp.norm(v))) for v in latest]
    assert len(set(bars["colors"])) > 1  # different norms, different colours
    assert len(dash.shapes_image.frame) == 4 * 4


def test_per_epoch_lines_are_thinned_to_true_points():
    """A long run's per-epoch lines are sent as an envelope of true points (the frame stays small), ending at the
    last epoch."""
    from nnstudio.studio.panels.live import LiveLossPanel

    nnstudio.manual_seed(0)
    trainer = Trainer(nn.Sequential(nn.Linear(2, 3)), "spiral", epochs=40, batch_size=256)
    trainer.fit(progress=False)
    panel = LiveLossPanel(max_epoch_points=8)
    panel.update(trainer)
    spec, raw = panel.render()
    data = np.frombuffer(raw, "<f4")
    val = spec["plots"][0]["series"][2]
    x = data[val["x"][0]:sum(val["x"])]
    y = data[val["y"][0]:sum(val["y"])]
    steps = np.asarray(trainer.history["epoch_step"], dtype=np.float32)
    losses = np.asarray(trainer.history["val_loss"], dtype=np.float32)
    assert len(steps) == 40 and 2 <= len(x) <= 12 and x[-1] == steps[-1]
    idx = np.searchsorted(steps, x)
    np.testing.assert_array_equal(steps[idx], x)
    np.testing.assert_array_equal(losses[idx], y)
