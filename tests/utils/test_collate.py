"""default_collate / default_convert and the DataLoader's batches: torch's structure for strings, lists,
tuples (lists), dicts, namedtuples, NumPy arrays and scalars, and numbers; torch's errors."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

Point = namedtuple("Point", ["x", "y"])


def _structure(obj):
    """A comparable picture of a batch: container types by name, tensors by dtype and values."""
    if hasattr(obj, "dtype") and hasattr(obj, "shape") and hasattr(obj, "tolist"):
        if isinstance(obj, np.ndarray):
            return ("ndarray", str(obj.dtype), obj.tolist())
        return ("tensor", str(obj.dtype).split(".")[-1], obj.tolist())
    if isinstance(obj, dict):
        return (type(obj).__name__, {k: _structure(v) for k, v in obj.items()})
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [_structure(v) for v in obj])
    return (type(obj).__name__, obj)


def _samples(lib):
    return {
        "ints": [1, 2, 3],
        "floats": [0.5, 1.5],
        "bools": [True, False],
        "strings": ["a", "bc"],
        "bytes": [b"a", b"b"],
        "tuples": [(1, 0.5, "a"), (2, 1.5, "b")],
        "lists": [[1, 2], [3, 4]],
        "dicts": [{"x": 1, "name": "a", "v": [1.0, 2.0]}, {"x": 2, "name": "b", "v": [3.0, 4.0]}],
        "ordered": [OrderedDict(b=1, a=2), OrderedDict(b=3, a=4)],
        "namedtuples": [Point(1, 2.0), Point(3, 4.0)],
        "arrays": [np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32)],
        "int_arrays": [np.arange(3), np.arange(3, 6)],
        "np_scalars": [np.float32(1.5), np.float32(2.5)],
        "np_ints": [np.int32(1), np.int32(2)],
        "np_float64": [np.float64(1.0), np.float64(2.0)],
        "tensors": [lib.ones(2), lib.zeros(2)],
        "nested": [((lib.ones(1), 1), {"a": [1, "s"]}), ((lib.zeros(1), 2), {"a": [2, "t"]})],
    }


@pytest.mark.parametrize("kind", list(_samples(np)))
def test_default_collate_structure_matches_torch(kind):
    ours = nnstudio.utils.data.default_collate(_samples(nnstudio)[kind])
    theirs = torch.utils.data.default_collate(_samples(torch)[kind])
    assert _structure(ours) == _structure(theirs)


@pytest.mark.parametrize("kind", list(_samples(np)))
def test_default_convert_structure_matches_torch(kind):
    ours = nnstudio.utils.data.default_convert(_samples(nnstudio)[kind][0])
    theirs = torch.utils.data.default_convert(_samples(torch)[kind][0])
    assert _structure(ours) == _structure(theirs)


@pytest.mark.parametrize("batch", [[object(), object()], [np.array(["a"]), np.array(["b"])], [[1, 2], [3]]])
def test_default_collate_errors_match_torch(batch):
    with pytest.raises(Exception) as theirs:
        torch.utils.data.default_collate(batch)
    with pytest.raises(Exception) as ours:
        nnstudio.utils.data.default_collate(batch)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value).replace("nnstudio", "torch") == str(theirs.value)


@pytest.mark.parametrize("batch_size", [2, None])
def test_dataloader_batches_of_a_python_dataset_match_torch(batch_size):
    def run(lib):
        class Words(lib.utils.data.Dataset):
            def __len__(self):
                return 5

            def __getitem__(self, i):
                return {"word": f"w{i}", "ids": [i, i + 1], "length": float(i), "pair": (i, np.full(2, i))}

        return [_structure(b) for b in lib.utils.data.DataLoader(Words(), batch_size=batch_size)]

    assert run(nnstudio) == run(torch)
