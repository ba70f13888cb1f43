"""Adadelta against torch.optim.Adadelta, and the optimizer state_dict's `step` as a tensor (as torch)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.parity import check_training_parity

import nnstudio


@pytest.mark.parametrize("kwargs", [{}, {"lr": 0.5, "rho": 0.8, "weight_decay": 0.01}])
def test_adadelta_trains_like_torch(kwargs):
    rng = np.random.default_rng(0)
    batches = [(rng.standard_normal((8, 4)).astype(np.float32), rng.integers(0, 3, 8)) for _ in range(3)]
    check_training_parity(lambda: (nnstudio.nn.Linear(4, 3), torch.nn.Linear(4, 3)), batches,
                          (nnstudio.nn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()),
                          (lambda p: nnstudio.optim.Adadelta(p, **kwargs), lambda p: torch.optim.Adadelta(p, **kwargs)),
                          steps=6)


def test_adadelta_defaults_and_errors():
    opt = nnstudio.optim.Adadelta([nnstudio.zeros(2, requires_grad=True)])
    ref = torch.optim.Adadelta([torch.zeros(2, requires_grad=True)])
    for key in ("lr", "rho", "eps", "weight_decay"):
        assert opt.defaults[key] == ref.defaults[key]
    with pytest.raises(ValueError, match="rho"):
        nnstudio.optim.Adadelta([nnstudio.zeros(2, requires_grad=True)], rho=1.5)


def test_state_dict_step_is_a_float_tensor_as_torch():
    p = nnstudio.zeros(2, requires_grad=True)
    opt = nnstudio.optim.Adam([p])
    for _ in range(3):
        p.grad = nnstudio.ones(2)
        opt.step()
    step = opt.state_dict()["state"][0]["step"]
    assert isinstance(step, nnstudio.Tensor) and step.dtype == nnstudio.float32 and step.item() == 3.0
    assert repr(step) == "tensor(3.)"
    opt2 = nnstudio.optim.Adam([nnstudio.zeros(2, requires_grad=True)])
    opt2.load_state_dict(opt.state_dict())
    assert opt2.state_dict()["state"][0]["step"].item() == 3.0
