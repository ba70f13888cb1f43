"""Tensor.index_put / index_put_ and torch.index_put: values, gradients and errors against torch 2.13, and a
float64 gradcheck of the primitive (written and accumulated positions, broadcast values)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio
from tests.helpers.gradcheck import gradcheck

rng = np.random.default_rng(5)
X = rng.standard_normal((4, 3)).astype(np.float32)
ROWS = np.array([2, 0, 2, 3])  # row 2 twice: accumulates
COLS = np.array([1, 1, 0, 2])

CASES = {
    "rows_and_cols": ((ROWS, COLS), (4,)),
    "rows_only_broadcast_row": ((ROWS,), (3,)),
    "rows_only_full_values": ((ROWS,), (4, 3)),
    "scalar_value": ((ROWS, COLS), ()),
    "negative_indices": ((np.array([-1, 0, -1]),), (1, 3)),
    "2d_index": ((np.array([[0, 1], [1, 3]]), np.array([[2, 2], [0, 1]])), (2, 2)),
}


def _run(lib, case, accumulate, inplace):
    index, v_shape = CASES[case]
    x = lib.tensor(X, requires_grad=True)
    values = lib.tensor(np.linspace(-1.0, 2.0, int(np.prod(v_shape))).reshape(v_shape).astype(np.float32),
                        requires_grad=True)
    idx = tuple(lib.tensor(i) for i in index)
    if inplace:
        out = x * 1.0
        ret = out.index_put_(idx, values, accumulate=accumulate)
        assert ret is out
    else:
        out = x.index_put(idx, values, accumulate)
    weights = lib.tensor(rng_weights(out.shape))
    (out * weights).sum().backward()
    return out.detach().numpy(), x.grad.numpy(), values.grad.numpy(), repr(out).split("grad_fn=")[1]


def rng_weights(shape):
    return np.arange(1, int(np.prod(shape)) + 1, dtype=np.float32).reshape(tuple(shape)) / 7.0


@pytest.mark.parametrize("inplace", [False, True], ids=["index_put", "index_put_"])
@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("case", sorted(CASES))
def test_index_put_matches_torch(case, accumulate, inplace):
    if not accumulate and case in ("rows_and_cols", "rows_only_broadcast_row", "rows_only_full_values",
                                   "negative_indices"):
        pytest.skip("a position written twice without accumulate keeps an unspecified value in torch")
    ours, theirs = _run(nnstudio, case, accumulate, inplace), _run(torch, case, accumulate, inplace)
    for a, b in zip(ours[:3], theirs[:3]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert ours[3] == "<IndexPutBackward0>)" == theirs[3]


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_without_repeats_matches_torch(accumulate):
    rows, cols = np.array([0, 3, 1]), np.array([2, 0, 1])
    for lib in (nnstudio, torch):
        x = lib.tensor(X, requires_grad=True)
        v = lib.tensor(np.array([5.0, -2.0, 0.5], dtype=np.float32), requires_grad=True)
        out = (x * 2).index_put((lib.tensor(rows), lib.tensor(cols)), v, accumulate=accumulate)
        (out ** 2).sum().backward()
        if lib is nnstudio:
            ours = (out.detach().numpy(), x.grad.numpy(), v.grad.numpy())
        else:
            for a, b in zip(ours, (out.detach().numpy(), x.grad.numpy(), v.grad.numpy())):
                np.testing.assert_allclose(a, b, rtol=1e-6)


def test_bool_mask_and_function_form_match_torch():
    mask = np.array([True, False, True, False])
    for accumulate in (False, True):
        ours = nnstudio.index_put(nnstudio.tensor(X), (nnstudio.tensor(mask),), nnstudio.tensor(7.0), accumulate)
        theirs = torch.index_put(torch.tensor(X), (torch.tensor(mask),), torch.tensor(7.0), accumulate)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_confusion_matrix_by_accumulation_matches_torch():
    t = np.array([0, 1, 2, 2, 1, 0, 2]), np.array([0, 2, 2, 2, 1, 1, 0])
    ours = nnstudio.zeros(3, 3, dtype=nnstudio.long)
    ours.index_put_(tuple(nnstudio.tensor(a) for a in t), nnstudio.ones(7, dtype=nnstudio.long), accumulate=True)
    theirs = torch.zeros(3, 3, dtype=torch.long)
    theirs.index_put_(tuple(torch.tensor(a) for a in t), torch.ones(7, dtype=torch.long), accumulate=True)
    assert ours.dtype == nnstudio.int64
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_gradcheck(accumulate):
    rows, cols = nnstudio.tensor(np.array([2, 0, 3])), nnstudio.tensor(np.array([1, 1, 0]))
    gradcheck(lambda x, v: x.index_put((rows, cols), v, accumulate=accumulate), [X, np.array([0.5, -1.0, 2.0])])
    gradcheck(lambda x, v: x.index_put((nnstudio.tensor(ROWS),), v, accumulate=True), [X, np.ones((1, 3))])


def test_inplace_on_a_leaf_that_requires_grad_raises():
    x = nnstudio.tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.index_put_((nnstudio.tensor([0]),), nnstudio.tensor(1.0))
    with nnstudio.no_grad():
        x.index_put_((nnstudio.tensor([0]),), nnstudio.tensor(1.0))
    assert np.all(x.detach().numpy()[0] == 1.0)


def _error(lib, call):
    x = lib.zeros(3, 4)
    with pytest.raises(Exception) as info:
        call(lib, x)
    return type(info.value), str(info.value)


@pytest.mark.parametrize("call", [
    lambda lib, x: x.index_put_((lib.tensor([0]),), lib.tensor([1])),
    lambda lib, x: x.index_put_((lib.tensor([5]),), lib.tensor(1.0)),
    lambda lib, x: x.index_put_((lib.tensor([0, -4]),), lib.tensor(1.0)),
    lambda lib, x: x.index_put_((lib.tensor([0]), lib.tensor([0]), lib.tensor([0])), lib.tensor(1.0)),
    lambda lib, x: x.index_put_((lib.tensor([0.0]),), lib.tensor(1.0)),
    lambda lib, x: x.index_put_([lib.tensor([0])], 1.0),
    lambda lib, x: x.index_put_(lib.tensor([0]), lib.tensor(1.0)),
    lambda lib, x: x.index_put_((lib.tensor([0, 1]),), lib.ones(3)),
], ids=["dtype", "out_of_bounds", "negative_out_of_bounds", "too_many", "float_index", "number_values",
        "bare_tensor_indices", "shape_mismatch"])
def test_errors_match_torch(call):
    ours, theirs = _error(nnstudio, call), _error(torch, call)
    assert ours[0] is theirs[0] or issubclass(ours[0], theirs[0]), (ours, theirs)
    assert ours[1].replace("nnstudio", "torch") == theirs[1]
