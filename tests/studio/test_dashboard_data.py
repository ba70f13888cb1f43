"""The dashboard's "your own data" panel: a CSV upload or a notebook variable becomes the training data; every bad
file is refused with a message naming the row or the column, and the current dataset stays."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
from nnstudio.data import table as table_module

GOOD = b"sepal,petal,species\n" + b"5.1,1.4,setosa\n4.9,1.3,setosa\n6.3,4.9,virginica\n5.8,5.1,virginica\n" * 5


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    s = nnstudio.Studio(folder=tmp_path_factory.mktemp("designs"), epochs=2)
    yield s
    s.close()


def _panel(studio):
    return studio.dashboard.data_import


def test_the_panel_opens_from_the_your_data_button(studio):
    d = studio.dashboard
    assert d.data_import.layout.display == "none"
    d.controls.own_data.value = True
    assert d.data_import.layout.display is None
    d.controls.own_data.value = False


def test_an_upload_shows_target_task_preview_and_trains(studio):
    p = _panel(studio)
    p._on_upload({"new": ({"name": "iris.csv", "content": memoryview(GOOD)},)})
    assert p.target.options == ("sepal", "petal", "species") and p.target.value == "species"
    assert "classification: 2 classes (setosa, virginica)" in p.task.value
    assert p.preview.value.count("<tr>") == 1 + 5 and "20 rows, 3 columns" in p.preview.value
    p.val_fraction.value = 0.25
    assert p.train_on_it(), p.message.value
    t = studio.trainer
    assert t.data.name == "iris" and t.data.input_shape == (2,) and t.data.num_classes == 2
    assert len(t.data.X_val) == 5 and len(t.data.X_train) == 15
    assert studio.dashboard.controls.dataset.value == "iris"
    t.step(2)  # the design was fitted to 2 inputs and 2 classes: it trains
    assert len(t.history["loss"]) == 2


def test_a_numeric_target_is_regression_and_shown_so(studio):
    p = _panel(studio)
    rows = "".join(f"{i},{i * 0.5:.2f},{i * 1.37 + 0.01:.3f}\n" for i in range(30))
    assert p.read_csv(("a,b,price\n" + rows).encode(), "houses.csv")
    assert "regression" in p.task.value
    assert p.train_on_it(), p.message.value
    assert studio.trainer.data.task == "regression" and studio.trainer.loss_name == "mse"


@pytest.mark.parametrize("content, target, expected", [
    (b"a,b,y\n1,2,0\n3,4\n5,6,1\n", None, "line 3 has 2 fields"),
    (b"a,b,y\n1,2,0\n3,abc,1\n5,6,1\n", "y", "line 3, feature column 'b': 'abc' is not a number"),
    (b"a,b,y\n1,2,0\n3,nan,1\n5,6,1\n", "y", "line 3, feature column 'b' is empty or NaN"),
    (b"a,b,y\n1,2,0\n3,,1\n5,6,1\n", "y", "line 3, feature column 'b' is empty or NaN"),
    (b"a,b,y\n1,2,1\n3,4,1\n5,6,1\n", "y", "target column 'y' holds a single class"),
    (b"a,b,y\n1,2,0\n3,4,\n5,6,1\n", "y", "line 3, target column 'y' is empty"),
])
def test_a_bad_file_is_refused_naming_the_row_or_column_and_the_data_stays(studio, content, target, expected):
    p = _panel(studio)
    before = studio.trainer.data
    if p.read_csv(content, "bad.csv"):
        if target is not None:
            p.target.value = target
        assert not p.train_on_it()
    assert expected in p.message.value and "nnstudio-error" in p.message.value
    assert studio.trainer.data is before


def test_a_too_large_file_is_refused_before_parsing(studio, monkeypatch):
    monkeypatch.setattr(table_module, "MAX_BYTES", 100)
    p = _panel(studio)
    before = studio.trainer.data
    assert not p.read_csv(b"a,b,y\n" + b"1,2,0\n" * 40, "big.csv")
    assert "big: the file is" in p.message.value and "up to" in p.message.value
    assert studio.trainer.data is before


def test_a_notebook_variable_array_or_frame(studio):
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=(40, 3)), np.arange(40) % 3]
    p = _panel(studio)
    p._namespace = {"X": X, "bad": X.copy(), "flat": np.arange(5), "FrameLike": _Frame(X, ["u", "v", "w", "k"])}
    p._namespace["bad"][7, 2] = np.nan
    assert p.read_variable("X") and p.target.value == "column 3"
    assert "classification: 3 classes" in p.task.value
    assert p.train_on_it(), p.message.value
    assert studio.trainer.data.input_shape == (3,) and studio.trainer.data.num_classes == 3
    assert p.read_variable("FrameLike") and p.target.options == ("u", "v", "w", "k")
    before = studio.trainer.data
    assert p.read_variable("bad") and not p.train_on_it()
    assert "row 7, feature column 'column 2' is empty or NaN" in p.message.value
    assert not p.read_variable("flat") and "need a 2-D array" in p.message.value
    assert not p.read_variable("missing") and "no variable 'missing'" in p.message.value
    assert studio.trainer.data is before


def test_a_dataset_the_design_cannot_take_keeps_the_current_data(studio):
    p = _panel(studio)
    assert p.read_csv(GOOD, "iris.csv")
    before = studio.trainer.data
    studio.dashboard.model_factory = _refuse
    try:
        assert not p.train_on_it()
    finally:
        studio.dashboard.model_factory = studio._model_for_data
    assert "the current data stays: no way" in p.message.value and studio.trainer.data is before


def test_multi_class_toy_sets_from_the_classes_control(studio):
    d = studio.dashboard
    d.controls.dataset.value = "gauss"
    d.controls.classes.value = 4
    assert studio.trainer.data.name == "gauss" and studio.trainer.data.num_classes == 4
    d.controls.dataset.value = "spiral"
    d.controls.classes.value = 5
    assert studio.trainer.data.num_classes == 5 and d.error_panel.value == ""
    studio.trainer.step(1)


def _refuse(ds):
    raise ValueError("no way")


class _Frame:
    """The part of a pandas DataFrame the panel reads (pandas is not a dependency)."""

    def __init__(self, values, columns):
        self.values, self.columns = values, columns

    def to_numpy(self, dtype=None):
        return np.asarray(self.values, dtype=dtype)
