"""Your own data: from_arrays (NumPy, lists, tensors) and from_csv (with errors that name the line)."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
from nnstudio import data


def _xy(n=100, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)), np.arange(n) % k


def test_from_arrays_classification():
    X, y = _xy()
    ds = data.from_arrays(X, y, val_fraction=0.3, seed=1)
    assert ds.task == "classification" and ds.num_classes == 3 and ds.name == "arrays"
    assert ds.X_train.dtype == np.float32 and ds.y_train.dtype == np.int64
    assert (ds.n_train, ds.n_val) == (70, 30) and ds.input_shape == (4,)
    np.testing.assert_array_equal(np.bincount(ds.y_val), [10, 10, 10])
    # each sample keeps its label
    lookup = {tuple(np.float32(r)): int(lab) for r, lab in zip(X, y, strict=True)}
    for r, lab in zip(ds.X_train, ds.y_train, strict=True):
        assert lookup[tuple(r)] == lab


def test_from_arrays_is_deterministic_and_copies():
    X, y = _xy()
    a, b = data.from_arrays(X, y, seed=5), data.from_arrays(X, y, seed=5)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    X[:] = 0
    assert np.abs(a.X_train).sum() > 0


def test_from_arrays_regression_targets_become_columns():
    X = np.linspace(0, 1, 50)
    ds = data.from_arrays(X, 2 * X)
    assert ds.task == "regression" and ds.input_shape == (1,) and ds.y_train.shape == (40, 1)
    np.testing.assert_allclose(ds.y_train[:, 0], 2 * ds.X_train[:, 0], rtol=1e-6)


def test_from_arrays_text_and_negative_labels_are_numbered():
    X = np.arange(12.0).reshape(6, 2)
    ds = data.from_arrays(X, ["cat", "dog", "cat", "emu", "dog", "emu"], val_fraction=0.0)
    assert ds.class_names == ("cat", "dog", "emu") and ds.num_classes == 3
    assert dict(zip(map(tuple, ds.X_train), ds.y_train, strict=True))[(2.0, 3.0)] == 1
    signs = data.from_arrays(X, [-1, 1, -1, 1, -1, 1], val_fraction=0.0)
    assert signs.class_names == ("-1", "1") and set(signs.y_train) == {0, 1}


def test_from_arrays_keeps_integer_labels_meaning():
    X, _ = _xy(n=20)
    ds = data.from_arrays(X, np.array([1, 4] * 10), val_fraction=0.0)
    assert ds.num_classes == 5 and set(ds.y_train) == {1, 4}


def test_from_arrays_accepts_tensors_and_explicit_validation():
    X, y = _xy(n=30)
    ds = data.from_arrays(nnstudio.tensor(X[:20]), nnstudio.tensor(y[:20]), X_val=X[20:], y_val=y[20:])
    assert (ds.n_train, ds.n_val) == (20, 10)
    np.testing.assert_array_equal(ds.y_val, y[20:])
    np.testing.assert_allclose(ds.X_val, X[20:].astype(np.float32))


def test_from_arrays_images_keep_their_shape():
    X = np.zeros((10, 1, 8, 8), dtype=np.uint8)
    ds = data.from_arrays(X, np.arange(10) % 2)
    assert ds.input_shape == (1, 8, 8) and ds.X_train.dtype == np.float32 and not ds.is_2d


@pytest.mark.parametrize("kwargs, message", [
    (dict(X=np.zeros((5, 2)), y=np.zeros(4, int)), "X has 5 samples but y has 4"),
    (dict(X=np.array([[0.0, np.nan], [1, 2]]), y=[0, 1]), "X[0] holds NaN or inf"),
    (dict(X=np.array([["a", "b"], ["c", "d"]]), y=[0, 1]), "X must hold numbers"),
    (dict(X=np.zeros((4, 2)), y=[0.5, 1, 0, 1], task="classification"), "class label y[0] = 0.5 is not a whole"),
    (dict(X=np.zeros((4, 2)), y=[0, 1, 0, 1], task="ranking"), "task must be one of"),
    (dict(X=np.zeros((4, 2)), y=np.zeros((4, 2), int)), "class labels must have shape (N,)"),
    (dict(X=np.zeros((4, 2)), y=[0, 1, 0, 1], X_val=np.zeros((2, 2))), "give both X_val and y_val"),
    (dict(X=np.zeros((4, 2)), y=[0, 1, 0, 1], X_val=np.zeros((2, 3)), y_val=[0, 1]), "X_val samples have (3,)"),
])
def test_from_arrays_errors(kwargs, message):
    kwargs = dict(kwargs)
    X, y = kwargs.pop("X"), kwargs.pop("y")
    with pytest.raises((ValueError, TypeError)) as info:
        data.from_arrays(X, y, **kwargs)
    assert message in str(info.value)


def test_as_dataset():
    X, y = _xy()
    assert data.as_dataset("xor").name == "xor"
    assert data.as_dataset("spiral", arms=4).num_classes == 4
    ds = data.as_dataset((X, y))
    assert data.as_dataset(ds) is ds
    four = data.as_dataset((X[:80], y[:80], X[80:], y[80:]))
    assert (four.n_train, four.n_val) == (80, 20)
    with pytest.raises(TypeError, match="data must be a dataset name"):
        data.as_dataset(42)


def test_loaders_yield_engine_tensors():
    ds = data.spiral(n_samples=90)
    train, val = ds.loaders(batch_size=32)
    xb, yb = next(iter(train))
    assert isinstance(xb, nnstudio.Tensor) and tuple(xb.shape) == (32, 2) and xb.dtype == nnstudio.float32
    assert yb.dtype == nnstudio.int64
    assert sum(len(b[0]) for b in val) == ds.n_val == 18


def test_repr():
    assert repr(data.spiral()) == "SplitDataset('spiral': 480 train + 120 val, input_shape=(2,), 3 classes)"


# ---- CSV --------------------------------------------------------------------------------------------------------
def _write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_with_header_and_text_labels(tmp_path):
    rows = "\n".join(f"{i},{i * 0.5},{['setosa', 'virginica'][i % 2]}" for i in range(20))
    path = _write(tmp_path, "length,width,species\n" + rows + "\n\n")
    ds = data.from_csv(path, label="species", val_fraction=0.25)
    assert ds.name == "table" and ds.task == "classification" and ds.class_names == ("setosa", "virginica")
    assert ds.input_shape == (2,) and (ds.n_train, ds.n_val) == (15, 5)
    assert ds.params["feature_names"] == ["length", "width"]
    for x, lab in zip(ds.X_train, ds.y_train, strict=True):
        assert lab == int(x[0]) % 2 and x[1] == x[0] * 0.5


def test_csv_without_header_label_column_by_index(tmp_path):
    path = _write(tmp_path, "".join(f"{i % 3};{i};{-i}\n" for i in range(30)))
    ds = data.from_csv(path, label=0)
    assert ds.num_classes == 3 and ds.n_train + ds.n_val == 30
    np.testing.assert_array_equal(ds.X_train[:, 0] % 3, ds.y_train)


def test_csv_regression_inferred_and_forced(tmp_path):
    path = _write(tmp_path, "x,y\n" + "".join(f"{i},{i * 1.5 + 0.25}\n" for i in range(10)))
    assert data.from_csv(path).task == "regression"
    ints = _write(tmp_path, "x,y\n" + "".join(f"{i},{2 * i}\n" for i in range(10)), "ints.csv")
    assert data.from_csv(ints).task == "classification"
    forced = data.from_csv(ints, task="regression")
    assert forced.task == "regression" and forced.y_train.shape == (8, 1)


@pytest.mark.parametrize("text, kwargs, message", [
    ("a,b,c\n1,2,0\n3,4\n5,6,1\n", {}, "line 3 has 2 fields but line 1 has 3 (a ragged row)"),
    ("a,b,c\n1,2,0\n3,four,1\n", {}, "line 3, column 'b' (index 1): 'four' is not a number"),
    ("1,2,0\n\n3,,1\n", {}, "line 3, column 'column 1' (index 1) is empty"),
    ("1,2,0\n3,inf,1\n", {}, "line 2, column 'column 1' (index 1): 'inf' is not a finite number"),
    ("a,b,c\n1,2,0\n", {"label": "d"}, "no column named 'd'; the columns are ['a', 'b', 'c']"),
    ("a,b,c\n1,2,0\n", {"label": 3}, "label=3 is out of range for 3 columns"),
    ("a,b,c\n", {}, "the file has a header but no data lines"),
    ("", {}, "the file has no rows"),
    ("1\n2\n", {}, "line 1 has 1 column"),
    ("1,2,x\n3,4,y\n", {"task": "regression"}, "line 1, label column 'column 2': 'x' is not a number"),
    ("1,2,0.5\n3,4,1\n", {"task": "classification"}, "line 1: class label '0.5' is not a whole number"),
])
def test_csv_errors_name_the_line(tmp_path, text, kwargs, message):
    path = _write(tmp_path, text)
    with pytest.raises(ValueError) as info:
        data.from_csv(path, **kwargs)
    assert message in str(info.value) and "table.csv" in str(info.value)
