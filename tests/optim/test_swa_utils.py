"""optim.swa_utils (AveragedModel with SWA and EMA averages, SWALR, update_bn) against torch 2.13."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.parity import copy_weights_from_torch

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(7)
BATCHES = [rng.standard_normal((16, 4)).astype(np.float32) for _ in range(4)]


def make_pair():
    ns = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.ReLU(), nn.Linear(5, 1))
    th = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.BatchNorm1d(5), torch.nn.ReLU(), torch.nn.Linear(5, 1))
    copy_weights_from_torch(ns, th)
    return ns, th


def _train_and_average(lib, model, avg_kwargs_fn, use_buffers):
    swa = lib.optim.swa_utils.AveragedModel(model, use_buffers=use_buffers, **avg_kwargs_fn(lib))
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    sched = lib.optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=3, anneal_strategy="cos")
    lrs = []
    for x in BATCHES * 2:
        opt.zero_grad()
        model(lib.tensor(x)).pow(2).mean().backward()
        opt.step()
        swa.update_parameters(model)
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return swa, lrs


@pytest.mark.parametrize("averaging", ["swa", "ema", "ema_multi"])
@pytest.mark.parametrize("use_buffers", [False, True])
def test_averaged_model_and_swalr_match_torch(averaging, use_buffers):
    kwargs = {"swa": lambda lib: {},
              "ema": lambda lib: {"avg_fn": lib.optim.swa_utils.get_ema_avg_fn(0.9)},
              "ema_multi": lambda lib: {"multi_avg_fn": lib.optim.swa_utils.get_ema_multi_avg_fn(0.9)}}[averaging]
    ns, th = make_pair()
    n_swa, n_lrs = _train_and_average(nnstudio, ns, kwargs, use_buffers)
    t_swa, t_lrs = _train_and_average(torch, th, kwargs, use_buffers)
    np.testing.assert_allclose(n_lrs, t_lrs, rtol=1e-12)
    t_state = t_swa.state_dict()
    assert list(n_swa.state_dict()) == list(t_state)
    for k, v in t_state.items():
        np.testing.assert_allclose(n_swa.state_dict()[k].numpy(), v.numpy(), rtol=1e-4, atol=1e-5, err_msg=k)


def test_update_bn_recomputes_running_stats_like_torch():
    ns, th = make_pair()
    data = np.concatenate(BATCHES)
    n_loader = nnstudio.utils.data.DataLoader(nnstudio.utils.data.TensorDataset(nnstudio.tensor(data)), batch_size=16)
    t_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(data)),
                                           batch_size=16)
    ns.eval()
    th.eval()
    nnstudio.optim.swa_utils.update_bn(n_loader, ns)
    torch.optim.swa_utils.update_bn(t_loader, th)
    assert ns.training is False and ns[1].momentum == th[1].momentum == 0.1
    for k in ("1.running_mean", "1.running_var", "1.num_batches_tracked"):
        np.testing.assert_allclose(ns.state_dict()[k].numpy(), th.state_dict()[k].numpy(), rtol=1e-5, atol=1e-6)


def test_swalr_refuses_bad_arguments():
    opt = nnstudio.optim.SGD([nnstudio.zeros(2, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        nnstudio.optim.swa_utils.SWALR(opt, 0.05, anneal_strategy="step")
    with pytest.raises(ValueError, match="anneal_epochs"):
        nnstudio.optim.swa_utils.SWALR(opt, 0.05, anneal_epochs=-1)
