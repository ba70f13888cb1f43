"""Views share their base's memory as in torch: an in-place write into a view (a row, a column of a transpose, a
diagonal, a reshape, a 0-d element, a chunk) changes the base, with torch's values and gradients (CopySlices),
also for sibling views and views of views; a view of a leaf that requires grad refuses the write as torch does.
Each program runs on both libraries and prints the same."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio


def _programs():
    def no_grad_writes(lib):
        x = lib.zeros(3, 4)
        x.diagonal().fill_(-1)
        x[0].add_(2)
        x.T[1].mul_(3)
        x.view(12)[5:7] = 9
        x[2][3] += 4
        a, b = x.chunk(2, dim=1)
        b.sub_(1)
        x.unbind(0)[1].clamp_(min=0)
        x.reshape(4, 3)[0, 0] = 7  # a reshape of a contiguous tensor is a view
        return [x]

    def row_of_a_nonleaf(lib):
        w = lib.arange(12.0).reshape(3, 4).requires_grad_()
        y = w * 2
        y[1].mul_(3)
        (y * y).sum().backward()
        return [y, w.grad, type(y.grad_fn).__name__]

    def siblings_and_view_of_view(lib):
        w = lib.ones(3, 3, requires_grad=True)
        y = w * 2
        a, b = y[0], y[1]
        a.mul_(3)
        b.add_(a)  # b reads a's new value through the base
        y.T[2][1:].zero_()  # a view of a view: column 2, rows 1 and 2
        (y * lib.arange(9.0).reshape(3, 3)).sum().backward()
        return [y, a, b, w.grad]

    def diagonal_and_setitem_on_views(lib):
        w = lib.linspace(-1, 1, 16).reshape(4, 4).requires_grad_()
        v = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        y = w * 1.5  # (tanh would keep its output for backward: writing into it is refused, see below)
        y.diagonal().add_(v)
        y[:, 0][1:] = v[:3] * 5
        y[2, 3].mul_(10)
        loss = (y ** 2).sum()
        loss.backward()
        return [y, w.grad, v.grad, loss]

    def written_view_keeps_reading_its_base(lib):
        w = lib.ones(2, 3, requires_grad=True)
        y = w + 0
        row = y[0]
        y.mul_(2)  # the base gets a new value: the row reads it
        row.add_(1)
        (row.sum() + y.sum()).backward()
        return [y, row, w.grad]

    def confusion_matrix_counts(lib):
        confusion = lib.zeros(3, 3)
        for i, j in ((0, 0), (1, 2), (1, 2), (2, 1)):
            confusion[i][j] += 1
        for i in range(3):
            confusion[i] = confusion[i] / confusion[i].sum()
        return [confusion]

    return {f.__name__: f for f in (no_grad_writes, row_of_a_nonleaf, siblings_and_view_of_view,
                                    diagonal_and_setitem_on_views, written_view_keeps_reading_its_base,
                                    confusion_matrix_counts)}


def _plain(value):
    if hasattr(value, "detach"):
        return np.asarray(value.detach().numpy(), dtype=np.float64)
    return value


@pytest.mark.parametrize("name", sorted(_programs()))
def test_inplace_writes_into_views_match_torch(name):
    program = _programs()[name]
    ours, theirs = program(nnstudio), program(torch)
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if isinstance(b, str):
            assert a == b, f"value {i}"
        else:
            np.testing.assert_allclose(_plain(a), _plain(b), rtol=1e-6, atol=1e-5, err_msg=f"value {i}")


def test_grad_fn_names_of_written_views_are_torchs():
    for lib in (nnstudio, torch):
        y = lib.ones(2, 2, requires_grad=True) * 1
        row = y[0]
        row.mul_(2)
        assert (type(y.grad_fn).__name__, type(row.grad_fn).__name__) == ("CopySlices", "AsStridedBackward0")


def test_a_view_of_a_leaf_that_requires_grad_refuses_the_write_like_torch():
    for lib in (nnstudio, torch):
        w = lib.ones(2, 2, requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            w[0].mul_(2)
        with lib.no_grad():
            w.diagonal().fill_(5)  # allowed without a graph, and it writes through
        assert w.tolist() == [[5.0, 1.0], [1.0, 5.0]]


def test_a_reshape_that_copies_is_no_view():
    x = nnstudio.arange(6.0).reshape(2, 3).T  # not contiguous: reshape(6) copies, as in torch
    flat = x.reshape(6)
    flat.add_(100)
    assert x.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


def test_writing_into_a_kept_output_through_a_view_is_refused_at_backward_like_torch():
    for lib in (nnstudio, torch):
        w = lib.ones(3, 3, requires_grad=True)
        y = w.tanh()  # tanh keeps y for its backward
        y.diagonal().mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
        z = w * 2
        zz = z * z  # keeps z
        z[0].zero_()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            zz.sum().backward()
