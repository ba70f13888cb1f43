"""`nnstudio.Studio()`: one call opens builder + trainer; edits retrain the drawn model; editing asks to stop first."""

from __future__ import annotations

import time

import numpy as np
import pytest

import nnstudio
import nnstudio.nn as nn


def _descendants(box) -> list:
    out = []
    for child in getattr(box, "children", ()):
        out += [child, *_descendants(child)]
    return out


@pytest.fixture
def studio(tmp_path):
    s = nnstudio.Studio(folder=tmp_path, epochs=2)
    yield s
    s.close()


def test_one_call_opens_builder_and_a_ready_trainer(studio):
    assert "nnstudio-studio" in studio._dom_classes
    assert studio.builder in _descendants(studio) and studio.dashboard in _descendants(studio)
    assert studio.trainer.state == "idle" and studio.builder.view["ok"]
    names = [k for k, _ in studio.trainer.model.named_parameters()]
    assert names and all("." in k for k in names)  # parameters are named after the blocks
    studio.trainer.step(3)
    assert len(studio.trainer.history["loss"]) == 3


def test_an_edit_retrains_the_model_on_the_canvas(studio):
    b = studio.builder
    first = next(n["name"] for n in b.view["nodes"] if n["type"] == "Linear")
    b.apply_command({"cmd": "update", "name": first, "field": "out_features", "value": "5"})
    shapes = {k: tuple(p.shape) for k, p in studio.trainer.model.named_parameters()}
    assert shapes[f"{first}.weight"][0] == 5
    studio.trainer.step(1)
    assert studio.trainer.history["loss"]


def test_an_invalid_design_keeps_the_last_valid_model(studio):
    b = studio.builder
    model = studio.trainer.model
    linears = [n["name"] for n in b.view["nodes"] if n["type"] == "Linear"]
    b.apply_command({"cmd": "update", "name": linears[1], "field": "in_features", "value": "7"})
    assert not b.view["ok"] and studio.trainer.model is model


def test_editing_while_training_asks_first_and_stops_on_confirm(studio):
    b = studio.builder
    studio.trainer.start()
    deadline = time.monotonic() + 10
    while studio.trainer.state != "running" and time.monotonic() < deadline:
        time.sleep(0.01)
    victim = next(n["name"] for n in b.view["nodes"] if n["type"] not in ("Input", "Output", "Linear"))
    b.apply_command({"cmd": "remove", "name": victim})
    assert b.view["confirm"] and victim in [n["name"] for n in b.view["nodes"]]
    assert studio.trainer.state == "running"
    b.apply_command({"cmd": "confirm"})
    assert studio.trainer.state in ("stopped", "idle")
    assert victim not in [n["name"] for n in b.view["nodes"]] and b.view["confirm"] is None


def test_studio_opens_an_existing_sequential(tmp_path):
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    s = nnstudio.Studio(model=model, data="spiral", folder=tmp_path, epochs=1)
    try:
        v = s.builder.view
        assert v["ok"] and v["total_params"] == 2 * 16 + 16 + 16 * 3 + 3
        s.trainer.step(1)
    finally:
        s.close()


def test_studio_needs_a_shape_for_a_module():
    with pytest.raises(ValueError, match="input_shape"):
        nnstudio.Studio(model=nn.Sequential(nn.Linear(2, 3)))


def test_a_design_without_data_trains_on_a_dataset_that_fits_it(tmp_path):
    from nnstudio.graph import starters

    s = nnstudio.Studio(model=starters.load("lenet"), folder=tmp_path, epochs=1)
    try:
        assert s.data == "digits" and s.data_options == {"flat": False}
        assert tuple(s.trainer.data.input_shape) == (1, 8, 8)
    finally:
        s.close()


def test_switching_the_starter_design_switches_the_dataset(studio):
    studio.builder.apply_command({"cmd": "design", "name": "lenet"})
    assert studio.trainer.data.name == "digits" and studio.builder.view["ok"]
    assert any(k.startswith("conv1.") for k, _ in studio.trainer.model.named_parameters())


def _weights(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def test_reset_gives_the_seeded_initial_weights_of_the_current_design(studio):
    from nnstudio.studio.app import seeded_build

    b, t, d = studio.builder, studio.trainer, studio.dashboard
    first = next(n["name"] for n in b.view["nodes"] if n["type"] == "Linear")
    b.apply_command({"cmd": "update", "name": first, "field": "out_features", "value": "9"})
    fresh = _weights(seeded_build(studio.graph, 0))  # what a fresh build of this design from the seed gives
    assert all(np.array_equal(fresh[k], v) for k, v in _weights(t.model).items())
    t.step(5)
    assert not all(np.array_equal(fresh[k], v) for k, v in _weights(t.model).items())
    d.reset_button.click()
    assert t.state == "idle" and t.steps == 0 and t.history["loss"] == []
    assert all(np.array_equal(fresh[k], v) for k, v in _weights(t.model).items())
    assert t.param_shapes[f"{first}.weight"] == (9, 2)


def test_the_dataset_picker_fits_the_design_or_says_why(studio):
    b, t, d = studio.builder, studio.trainer, studio.dashboard

    def input_shape():
        return [tuple(n["shape"]) for n in b.view["nodes"] if n["type"] == "Input"]

    d.controls.dataset.value = "digits"  # 64 inputs, 10 classes: the design follows
    assert t.data.name == "digits" and input_shape() == [(64,)] and d.error_panel.value == ""
    assert [s for k, s in t.param_shapes.items() if k.endswith(".weight")][-1][0] == 10
    b.apply_command({"cmd": "undo"})  # the fit was one undoable edit; undoing it asks for data that fits again
    b.apply_command({"cmd": "redo"})
    assert input_shape() == [(64,)] and t.data.name == "digits"
    first = next(n["name"] for n in b.view["nodes"] if n["type"] == "Linear")
    b.apply_command({"cmd": "update", "name": first, "field": "out_features", "value": "6"})  # later edits stay
    assert t.data.name == "digits" and t.param_shapes[f"{first}.weight"] == (6, 64)
    before = b.graph.to_json()
    d.controls.dataset.value = "sequence"  # an MLP cannot read sequences: refused, nothing changes
    assert "nnstudio-error" in d.error_panel.value and "sequence" in d.error_panel.value
    assert t.data.name == "digits" and d.controls.dataset.value == "digits"
    assert input_shape() == [(64,)] and b.graph.to_json() == before


def test_the_dataset_picker_with_a_cnn_design(studio):
    b, t, d = studio.builder, studio.trainer, studio.dashboard
    b.apply_command({"cmd": "design", "name": "lenet"})
    assert t.data.input_shape == (1, 8, 8) and d.controls.dataset.value == "digits"
    d.controls.dataset.value = "spiral"  # points are no images: refused with the layer's sentence
    assert "conv1" in d.error_panel.value and "(2,)" in d.error_panel.value
    assert t.data.name == "digits" and d.controls.dataset.value == "digits"
    d._updating_controls = True  # the picker shows another dataset without applying it
    d.controls.dataset.value = "moons"
    d._updating_controls = False
    d.controls.dataset.value = "digits"  # the image form of digits is taken, not the flat one
    assert t.data.input_shape == (1, 8, 8) and d.error_panel.value == ""


def test_repr_is_one_informative_line():
    """`print(studio)` in a terminal gives a summary line, not ipywidgets' dump of every child widget."""
    studio = nnstudio.Studio()
    try:
        text = repr(studio)
        total = sum(studio.graph.infer_shapes().params.values())
        assert "\n" not in text and f"params={total:,}" in text and "data='spiral'" in text
        assert repr(studio.dashboard).startswith("Dashboard(") and "state='idle'" in repr(studio.dashboard)
    finally:
        studio.close()
