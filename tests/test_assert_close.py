"""`torch.testing.assert_close` / `assert_allclose` / `make_tensor`: the same verdicts as torch's on the same
pairs (tolerances by dtype, shapes, dtypes, NaN, nested containers), and messages that name the worst element."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

F32 = np.float32

# (actual, expected, keyword arguments), built for each library by `lib`
PAIRS = {
    "equal": lambda L: (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0]), {}),
    "inside float32 tolerance": lambda L: (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.0 + 2e-6]), {}),
    "outside float32 tolerance": lambda L: (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.001]), {}),
    "float64 is stricter": lambda L: (L.tensor([1.0], dtype=L.float64), L.tensor([1.0 + 1e-6], dtype=L.float64), {}),
    "custom tolerance": lambda L: (L.tensor([1.0]), L.tensor([1.1]), {"rtol": 0.2, "atol": 0.0}),
    "shape": lambda L: (L.zeros(2), L.zeros(3), {}),
    "dtype": lambda L: (L.zeros(2), L.zeros(2, dtype=L.float64), {}),
    "dtype unchecked": lambda L: (L.zeros(2), L.zeros(2, dtype=L.float64), {"check_dtype": False}),
    "ints exact": lambda L: (L.tensor([1, 2]), L.tensor([1, 3]), {}),
    "nan": lambda L: (L.tensor([float("nan")]), L.tensor([float("nan")]), {}),
    "nan equal": lambda L: (L.tensor([float("nan")]), L.tensor([float("nan")]), {"equal_nan": True}),
    "python floats": lambda L: (1.0, 1.0 + 1e-9, {}),
    "python floats apart": lambda L: (1.0, 1.1, {}),
    "nested": lambda L: ({"a": [L.ones(2), 3]}, {"a": [L.ones(2), 3]}, {}),
    "nested apart": lambda L: ({"a": [L.ones(2), 3]}, {"a": [L.ones(2), 4]}, {}),
    "only rtol": lambda L: (L.ones(1), L.ones(1), {"rtol": 0.1}),
}


def _verdict(lib, name):
    actual, expected, kw = PAIRS[name](lib)
    try:
        lib.testing.assert_close(actual, expected, **kw)
    except Exception as e:  # noqa: BLE001 - the class is compared
        return type(e)
    return None


@pytest.mark.parametrize("name", list(PAIRS))
def test_same_verdict_as_torch(name):
    assert _verdict(nnstudio, name) is _verdict(torch, name)


def test_the_message_names_the_worst_element():
    with pytest.raises(AssertionError) as err:
        nnstudio.testing.assert_close(nnstudio.tensor([1.0, 2.0, 3.0]), nnstudio.tensor([1.0, 2.5, 3.0]))
    text = str(err.value)
    assert "Mismatched elements: 1 / 3 (33.3%)" in text and "at index (1,)" in text and "up to 1e-05 allowed" in text
    with pytest.raises(AssertionError, match="custom"):
        nnstudio.testing.assert_close(nnstudio.ones(1), nnstudio.zeros(1), msg="custom")


def test_assert_allclose_and_make_tensor():
    nnstudio.testing.assert_allclose(nnstudio.tensor([1.0, float("nan")]), [1.0, float("nan")])
    with pytest.raises(AssertionError):
        nnstudio.testing.assert_allclose(nnstudio.tensor([1.0]), [1.5])
    t = nnstudio.testing.make_tensor(3, 4, dtype=nnstudio.float32, low=-1, high=1, requires_grad=True)
    assert t.shape == (3, 4) and t.requires_grad and float(t.abs().max()) <= 1
    i = nnstudio.testing.make_tensor((5,), dtype=nnstudio.int64, exclude_zero=True)
    assert i.dtype == nnstudio.int64 and bool((i != 0).all())


def test_signature_is_torchs():
    ours = inspect.signature(nnstudio.testing.assert_close).parameters
    theirs = inspect.signature(torch.testing.assert_close).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [(p.name, p.kind, p.default)
                                                                      for p in theirs.values()]
