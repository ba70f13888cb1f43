"""set_printoptions / get_printoptions: tensor reprs match torch's under the same options."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio


@pytest.fixture(autouse=True)
def _default_options():
    yield
    nnstudio.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


rng = np.random.default_rng(0)
VALUES = [
    (rng.standard_normal((3, 4)) * 10).astype(np.float32),
    rng.standard_normal(2000).astype(np.float32),
    np.array([1e-6, 1.0, 123.0], dtype=np.float32),
    np.arange(12.0, dtype=np.float32).reshape(3, 4),
    np.array([1.0, 1e9], dtype=np.float32),
    rng.standard_normal((10, 10, 10)).astype(np.float32),
    np.arange(30, dtype=np.int64).reshape(5, 6),
    np.array(3.14159265, dtype=np.float32),
    np.array([0.0, np.inf, np.nan], dtype=np.float32),
]
SETTINGS = [
    {"precision": 2}, {"precision": 8, "sci_mode": True}, {"sci_mode": False}, {"sci_mode": True},
    {"threshold": 5, "edgeitems": 1}, {"linewidth": 30}, {"profile": "short"}, {"profile": "full"},
    {"edgeitems": 2, "threshold": 10, "linewidth": 40, "precision": 3},
]


@pytest.mark.parametrize("options", SETTINGS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_reprs_match_torch(options):
    nnstudio.set_printoptions(**options)
    torch.set_printoptions(**options)
    for v in VALUES:
        assert repr(nnstudio.tensor(v)) == repr(torch.tensor(v))
    ours = nnstudio.tensor(VALUES[0], requires_grad=True) * 2
    theirs = torch.tensor(VALUES[0], requires_grad=True) * 2
    assert repr(ours) == repr(theirs)  # the grad_fn suffix wraps at the set linewidth


def test_options_persist_until_changed_and_sci_mode_resets_on_each_call():
    nnstudio.set_printoptions(precision=2, sci_mode=True)
    assert nnstudio.get_printoptions() == {"precision": 2, "threshold": 1000, "edgeitems": 3, "linewidth": 80,
                                           "sci_mode": True}
    nnstudio.set_printoptions(linewidth=100)  # as torch: sci_mode back to None, precision kept
    assert nnstudio.get_printoptions()["sci_mode"] is None and nnstudio.get_printoptions()["precision"] == 2
    nnstudio.set_printoptions(profile="default")
    assert repr(nnstudio.tensor([1 / 3])) == "tensor([0.3333])"


def test_printoptions_context_restores():
    from nnstudio._tensor.printing import printoptions

    with printoptions(precision=1):
        assert repr(nnstudio.tensor([1 / 3])) == "tensor([0.3])"
    assert repr(nnstudio.tensor([1 / 3])) == "tensor([0.3333])"


def test_bad_options_raise():
    with pytest.raises(ValueError, match="unknown profile 'wide'"):
        nnstudio.set_printoptions(profile="wide")
    with pytest.raises(TypeError, match="precision must be a number"):
        nnstudio.set_printoptions(precision="a")
    with pytest.raises(ValueError, match="linewidth must be >= 1"):
        nnstudio.set_printoptions(linewidth=0)
    with pytest.raises(TypeError, match="sci_mode"):
        nnstudio.set_printoptions(sci_mode="yes")
    with pytest.raises(ValueError):
        nnstudio.set_printoptions(profile="short", edgeitems=-1)
    assert nnstudio.get_printoptions()["precision"] == 4  # nothing applied from a rejected call
