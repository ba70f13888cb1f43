"""Issue 15 (8): whatever bytes a file holds, `nnstudio.load` answers with one `LoadError` naming the file and what
is wrong, never runs or advises pickle, and never raises NumPy's or zipfile's raw errors."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnstudio
from nnstudio.serialization import MAX_DEPTH, LoadError

PICKLE_ADVICE = ("allow_pickle", "unsafe", "weights_only=False", "trust")


def good_file(tmp_path) -> bytes:
    path = tmp_path / "good.npz"
    nnstudio.save({"epoch": 3, "model": {"w": nnstudio.ones(4, 3), "b": nnstudio.zeros(3)}, "loss": 0.5}, path)
    return path.read_bytes()


def assert_refused(path, *words):
    with pytest.raises(LoadError) as info:
        nnstudio.load(path)
    text = str(info.value)
    assert str(path) in text, text  # names the file
    for word in words:
        assert word in text, text
    assert not any(w in text for w in PICKLE_ADVICE), text
    assert len(text) < 800
    assert isinstance(info.value, RuntimeError)


def npz_bytes(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def structure(obj) -> np.ndarray:
    return np.frombuffer(json.dumps(obj).encode(), dtype=np.uint8)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    assert_refused(path, "empty")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_file(tmp_path, keep):
    data = good_file(tmp_path)
    path = tmp_path / "cut.npz"
    path.write_bytes(data[:int(len(data) * keep)])
    assert_refused(path)


def test_random_bytes(tmp_path):
    path = tmp_path / "random.npz"
    path.write_bytes(np.random.default_rng(0).bytes(4096))
    assert_refused(path, "not a weights file")


def test_a_single_npy_array(tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.ones(3))
    assert_refused(path, ".npy", "numpy.load")


def test_a_torch_style_pt_zip_is_refused_without_unpickling(tmp_path):
    """The layout torch.save writes (tests/test_serialization_faults.py checks a file torch itself wrote)."""
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("model/data.pkl", pickle.dumps({"w": 1}, protocol=2))
        z.writestr("model/version", "3\n")
        z.writestr("model/data/0", bytes(24))
    assert_refused(path, "PyTorch", "never loads pickles", "numpy.savez")


def test_a_legacy_pickle_file(tmp_path):
    path = tmp_path / "old.pt"
    path.write_bytes(pickle.dumps({"w": [1.0, 2.0]}, protocol=2))
    assert_refused(path, "pickle", "never loads pickles")


def test_an_object_array_inside_an_npz(tmp_path):
    path = tmp_path / "objects.npz"
    path.write_bytes(npz_bytes(w=np.array([{"a": 1}], dtype=object)))
    assert_refused(path, "Python objects", "never loads pickles")


def test_a_structure_nested_900_deep(tmp_path):
    root = '{"list": [' * 900 + '{"value": 1}' + "]}" * 900  # as text: json.dumps itself would recurse too deep
    text = '{"format": "nnstudio.save/1", "root": ' + root + "}"
    path = tmp_path / "deep.npz"
    path.write_bytes(npz_bytes(__structure__=np.frombuffer(text.encode(), dtype=np.uint8)))
    assert_refused(path, "nested")


def test_saving_a_structure_nested_too_deeply_is_refused_clearly(tmp_path):
    obj = {}
    for _ in range(MAX_DEPTH + 5):
        obj = {"k": obj}
    with pytest.raises(ValueError, match="nested more than"):
        nnstudio.save(obj, tmp_path / "deep.npz")
    assert not (tmp_path / "deep.npz").exists()


@pytest.mark.parametrize("root", [
    {"tensor": 7},                       # names an array the file lacks
    {"dict": [["z", "k", {"value": 1}]]},  # unknown key kind
    {"dict": "oops"},
    {"value": {"nested": "object"}},
    [1, 2, 3],
    {"mystery": 1},
])
def test_a_malformed_structure(tmp_path, root):
    path = tmp_path / "bad.npz"
    path.write_bytes(npz_bytes(__structure__=structure({"format": "nnstudio.save/1", "root": root})))
    assert_refused(path)


def test_a_file_object_is_named_too():
    with pytest.raises(LoadError, match="BytesIO"):
        nnstudio.load(io.BytesIO(b"garbage"))


def test_missing_file_stays_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        nnstudio.load(tmp_path / "nope.npz")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzzed_corruptions_load_or_raise_load_error(tmp_path, data):
    """Flip, cut or splice bytes of a good checkpoint: the result loads, or raises LoadError; nothing else."""
    blob = bytearray(good_file(tmp_path))
    for _ in range(data.draw(st.integers(1, 4))):
        what = data.draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        i = data.draw(st.integers(0, len(blob) - 1))
        if what == "flip":
            blob[i] ^= data.draw(st.integers(1, 255))
        elif what == "cut":
            del blob[i:i + data.draw(st.integers(1, 64))]
        elif what == "insert":
            blob[i:i] = data.draw(st.binary(min_size=1, max_size=32))
        else:
            blob[i:i + 16] = bytes(len(blob[i:i + 16]))
        if not blob:
            blob = bytearray(b"x")
    path = tmp_path / "fuzz.npz"
    path.write_bytes(bytes(blob))
    try:
        nnstudio.load(path)
    except LoadError as exc:
        assert not any(w in str(exc) for w in PICKLE_ADVICE)


@pytest.mark.parametrize("member, content", [("readme.txt", b"hello"), ("w.npy", b"\x93NUMPY broken")])
def test_a_zip_with_members_that_are_not_arrays(tmp_path, member, content):
    path = tmp_path / "other.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(member, content)
    assert_refused(path)


def test_an_array_of_an_unsupported_dtype(tmp_path):
    path = tmp_path / "text.npz"
    path.write_bytes(npz_bytes(names=np.array(["a", "b"])))
    assert_refused(path, "dtype")
