"""`nnstudio.data.table.Table`: CSV bytes, arrays and frames to a dataset; refusals name the row and the column."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio import data
from nnstudio.data.table import Table


def test_csv_with_header_text_labels_and_a_split():
    t = Table.from_csv_bytes(b"\xef\xbb\xbfx;y;kind\n1;2;a\n3;4;b\n5;6;a\n7;8;b\n9;10;c\n", name="f")
    assert t.columns == ["x", "y", "kind"] and t.default_target == "kind"
    assert t.task_for("kind") == "classification" and t.task_for("y") == "classification"  # whole numbers
    assert Table.from_csv_text("a,b\n1,0.5\n2,1.5\n").task_for("b") == "regression"
    ds = t.to_dataset("kind", val_fraction=0.4)
    assert ds.num_classes == 3 and ds.class_names == ("a", "b", "c") and ds.input_shape == (2,)
    assert len(ds.X_train) + len(ds.X_val) == 5 and ds.params["feature_names"] == ["x", "y"]


def test_csv_without_header_and_whole_number_classes():
    t = Table.from_csv_bytes(b"0.5,1.5,1\n2.5,3.5,2\n1.0,1.0,1\n2,2,2\n")
    assert t.columns == ["column 0", "column 1", "column 2"] and len(t.rows) == 4
    ds = t.to_dataset()
    assert ds.task == "classification" and ds.y_train.dtype == np.int64
    np.testing.assert_array_equal(np.sort(np.concatenate([ds.X_train[:, 0], ds.X_val[:, 0]])), [0.5, 1, 2, 2.5])


def test_negative_class_numbers_are_renumbered():
    ds = Table.from_csv_bytes(b"a,b\n1,-1\n2,1\n3,-1\n4,1\n").to_dataset("b", task="classification")
    assert ds.num_classes == 2 and set(np.concatenate([ds.y_train, ds.y_val])) == {0, 1}


@pytest.mark.parametrize("content, target, message", [
    (b"", None, "has no rows"),
    (b"just one column\n1\n", None, "single column"),
    (b"a,b\n", None, "header but no data rows"),
    (b"a,b,c\n1,2,3\n4,5\n", None, "line 3 has 2 fields but the header (line 1) has 3: a ragged row"),
    (b"a,b,c\n1,2,0\n4,x,1\n", "c", "line 3, feature column 'b': 'x' is not a number"),
    (b"a,b,c\n1,2,0\n4,inf,1\n", "c", "line 3, feature column 'b': 'inf' is not a finite number"),
    (b"a,b,c\n1,NaN,0\n4,5,1\n", "c", "line 2, feature column 'b' is empty or NaN"),
    (b"a,b,c\n1,2,0\n4,5,0\n", "c", "target column 'c' holds a single class (0)"),
    (b"a,b,c\n1,2,0.5\n4,5,1\n", "c", "'0.5' is not a whole number"),
    (b"a,b,c\n1,2,0\n4,5,1\n", "d", "no column named 'd'"),
])
def test_refusals_name_the_row_and_the_column(content, target, message):
    with pytest.raises(ValueError) as err:
        kwargs = {"task": "classification"} if message.endswith("whole number") else {}
        Table.from_csv_bytes(content, name="f").to_dataset(target, **kwargs)
    assert message in str(err.value)


def test_size_limits(monkeypatch):
    import nnstudio.data.table as table

    with pytest.raises(ValueError, match="the file is 0.0 MB; the Studio takes CSV files up to"):
        monkeypatch.setattr(table, "MAX_BYTES", 10)
        Table.from_csv_bytes(b"a,b\n1,2\n3,4\n")
    monkeypatch.setattr(table, "MAX_BYTES", 10**9)
    monkeypatch.setattr(table, "MAX_ROWS", 3)
    with pytest.raises(ValueError, match="more than 3 rows"):
        Table.from_csv_bytes(b"a,b\n" + b"1,2\n" * 10)
    with pytest.raises(ValueError, match="too large for the Studio"):
        Table.from_object(np.zeros((10, 2)), name="X")
    with pytest.raises(ValueError, match="not utf-8 text"):
        Table.from_csv_bytes(b"a,b\n\xff\xfe,1\n")


def test_arrays_and_frames():
    X = np.c_[np.arange(6.0), np.arange(6.0) ** 2, [0, 1, 2, 0, 1, 2]]
    t = Table.from_object(X, name="X")
    assert t.where[2] == "row 2" and t.default_target == "column 2"
    ds = t.to_dataset(val_fraction=0.5)
    assert ds.num_classes == 3 and ds.input_shape == (2,)
    bad = X.copy()
    bad[4, 0] = np.nan
    with pytest.raises(ValueError, match="X: row 4, feature column 'column 0' is empty or NaN"):
        Table.from_object(bad, name="X").to_dataset()
    with pytest.raises(ValueError, match="need a 2-D array"):
        Table.from_object(np.arange(3), name="v")


def test_gauss_with_k_classes_and_two_unchanged():
    two = data.gauss(n_samples=200, noise=0.0, spread=0.0)
    assert two.num_classes == 2 and set(map(tuple, np.round(two.X_train, 3))) <= {(-0.5, -0.5), (0.5, 0.5)}
    assert data.gauss().params["classes"] == 2
    four = data.gauss(n_samples=400, noise=0.0, spread=0.0, classes=4)
    centres = {tuple(np.round(c, 3)) for c in np.concatenate([four.X_train, four.X_val])}
    assert four.num_classes == 4 and len(centres) == 4
    assert all(abs(np.hypot(*c) - 0.6) < 1e-3 for c in centres)
    with pytest.raises(ValueError, match="gauss: classes must be >= 2"):
        data.gauss(classes=1)
    assert data.load("spiral", arms=5).num_classes == 5
