"""Bad input raises the exception class torch raises (a program's `except RuntimeError:` keeps working), with
nnstudio's message naming the layer or argument; and mistakes torch lets through with a warning (a regression
target of another shape) give torch's numbers, with the warning."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

# each case runs with lib = torch and lib = nnstudio; both must raise the same class (or both succeed)
CASES = {
    "Linear negative in_features": lambda L: L.nn.Linear(-1, 3),
    "Linear float in_features": lambda L: L.nn.Linear(2.5, 3),
    "Linear input of the wrong width": lambda L: L.nn.Linear(3, 2)(L.zeros(4, 5)),
    "Conv2d input channels": lambda L: L.nn.Conv2d(3, 2, 3)(L.zeros(1, 4, 8, 8)),
    "Conv2d kernel larger than the input": lambda L: L.nn.Conv2d(3, 2, 5)(L.zeros(1, 3, 3, 3)),
    "Conv2d 2-D input": lambda L: L.nn.Conv2d(3, 2, 3)(L.zeros(3, 8)),
    "BatchNorm1d channels": lambda L: L.nn.BatchNorm1d(3)(L.zeros(4, 5)),
    "BatchNorm1d rank": lambda L: L.nn.BatchNorm1d(3)(L.zeros(2, 3, 4, 5)),
    "BatchNorm1d one value per channel": lambda L: L.nn.BatchNorm1d(3)(L.zeros(1, 3)),
    "cross_entropy class out of range": lambda L: L.nn.CrossEntropyLoss()(L.zeros(2, 3), L.tensor([0, 5])),
    "cross_entropy probabilities of another shape": lambda L: L.nn.CrossEntropyLoss()(L.zeros(2, 3), L.zeros(2, 4)),
    "cross_entropy batch sizes": lambda L: L.nn.CrossEntropyLoss()(L.zeros(6, 3), L.zeros(3, dtype=L.long)),
    "mse_loss shapes that do not broadcast": lambda L: L.nn.MSELoss()(L.zeros(2, 3), L.zeros(3, 2)),
    "bce_with_logits target shape": lambda L: L.nn.BCEWithLogitsLoss()(L.zeros(2, 3), L.zeros(2, 1)),
    "one_hot negative class": lambda L: L.nn.functional.one_hot(L.tensor([-1]), 3),
    "one_hot class >= num_classes": lambda L: L.nn.functional.one_hot(L.tensor([3]), 3),
    "one_hot empty without num_classes": lambda L: L.nn.functional.one_hot(L.zeros(0, dtype=L.long)),
    "Embedding index out of range": lambda L: L.nn.Embedding(5, 2)(L.tensor([7])),
    "LSTM input size": lambda L: L.nn.LSTM(4, 8)(L.zeros(5, 2, 3)),
    "SGD negative lr": lambda L: L.optim.SGD(L.nn.Linear(2, 2).parameters(), lr=-1),
    "Adam beta out of range": lambda L: L.optim.Adam(L.nn.Linear(2, 2).parameters(), betas=(1.5, 0.9)),
    "Dropout p > 1": lambda L: L.nn.Dropout(1.5),
    "view of the wrong size": lambda L: L.zeros(2, 3).view(4, 2),
    "two inferred dims": lambda L: L.zeros(2, 3).reshape(-1, -1),
    "cat of mismatched shapes": lambda L: L.cat([L.zeros(2, 3), L.zeros(2, 4)]),
    "sum over a missing dim": lambda L: L.ones(2, 3).sum(dim=5),
    "item of two elements": lambda L: L.ones(2).item(),
    "in-place on a leaf that requires grad": lambda L: L.ones(2, requires_grad=True).add_(1),
    "int tensor divided in place": lambda L: L.tensor([1, 2, 3]).div_(2),
    "load_state_dict with a missing key": lambda L: L.nn.Linear(2, 2).load_state_dict({"weight": L.zeros(2, 2)}),
    "MultiheadAttention heads": lambda L: L.nn.MultiheadAttention(10, 3),
    "load of a file that is not a checkpoint": lambda L: L.load(io.BytesIO(b"not a checkpoint")),
}


def _outcome(case, lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            case(lib)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            return e
    return None


@pytest.mark.parametrize("name", list(CASES))
def test_raises_what_torch_raises(name):
    theirs, ours = _outcome(CASES[name], torch), _outcome(CASES[name], nnstudio)
    if theirs is None:
        assert ours is None, f"torch accepts this; nnstudio raised {ours!r}"
        return
    assert ours is not None, f"torch raises {type(theirs).__name__}; nnstudio accepted it"
    assert isinstance(ours, type(theirs)), f"torch raises {type(theirs).__name__}, nnstudio {type(ours).__name__}"
    assert str(ours), "the message says what is wrong"


@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_a_regression_target_of_another_shape_broadcasts_with_torchs_warning(loss):
    rng = np.random.default_rng(0)
    out, target = rng.standard_normal((5, 1)).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    with pytest.warns(UserWarning, match="different to the input size"):
        expected = getattr(torch.nn.functional, loss)(torch.tensor(out, requires_grad=True), torch.tensor(target))
    x = nnstudio.tensor(out, requires_grad=True)
    said = rf"{loss}: using a target size \(5,\) that is different to the input size \(5, 1\)"
    with pytest.warns(UserWarning, match=said):
        got = getattr(nnstudio.nn.functional, loss)(x, nnstudio.tensor(target))
    np.testing.assert_allclose(got.item(), expected.item(), rtol=1e-6)  # the (5, 5) broadcast, as torch
    got.backward()
    t = torch.tensor(out, requires_grad=True)
    getattr(torch.nn.functional, loss)(t, torch.tensor(target)).backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_one_hot_still_infers_the_class_count():
    got = nnstudio.nn.functional.one_hot(nnstudio.tensor([0, 2, 1]))
    np.testing.assert_array_equal(got.numpy(), torch.nn.functional.one_hot(torch.tensor([0, 2, 1])).numpy())
    assert nnstudio.nn.functional.one_hot(nnstudio.zeros(0, dtype=nnstudio.long), 3).shape == (0, 3)
