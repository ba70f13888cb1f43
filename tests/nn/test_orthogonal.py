"""nn.utils.parametrizations.orthogonal against torch: for every map (matrix_exp, cayley, householder), square,
tall and wide weights, with and without the trivialization, the registered weight, its state_dict keys, the
loss and the gradient of `original` over three SGD steps are torch's, and the weight stays orthogonal."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio

CASES = [((4, 4), None, True), ((6, 3), None, True), ((3, 6), None, True), ((4, 4), "cayley", True),
         ((5, 3), "householder", False), ((3, 5), "matrix_exp", True), ((4, 4), "householder", True)]


def _run(lib, shape, orthogonal_map, trivialization):
    lib.manual_seed(0)  # the same Linear weights (torch's stream) and, for a non-square base, the same randn
    lin = lib.nn.Linear(shape[1], shape[0])
    lib.nn.utils.parametrizations.orthogonal(lin, orthogonal_map=orthogonal_map,
                                             use_trivialization=trivialization)
    seen = {"keys": sorted(lin.state_dict()), "weight": lin.weight.detach().numpy().copy(), "steps": []}
    opt = lib.optim.SGD(lin.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        loss = (lin(lib.ones(2, shape[1])) ** 2).sum()
        loss.backward()
        opt.step()
        seen["steps"].append((loss.item(), lin.parametrizations.weight.original.grad.numpy().copy()))
    q = lin.weight.detach().numpy()
    seen["gram"] = q @ q.T if shape[0] <= shape[1] else q.T @ q
    return seen


@pytest.mark.parametrize("shape, orthogonal_map, trivialization", CASES)
def test_orthogonal_matches_torch(shape, orthogonal_map, trivialization):
    ours = _run(nnstudio, shape, orthogonal_map, trivialization)
    theirs = _run(torch, shape, orthogonal_map, trivialization)
    assert ours["keys"] == theirs["keys"]
    np.testing.assert_allclose(ours["weight"], theirs["weight"], rtol=1e-5, atol=1e-5)
    for (loss, grad), (t_loss, t_grad) in zip(ours["steps"], theirs["steps"]):
        assert loss == pytest.approx(t_loss, rel=1e-5, abs=1e-5)
        np.testing.assert_allclose(grad, t_grad, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours["gram"], np.eye(min(shape)), atol=1e-5)


def test_orthogonal_refuses_what_torch_refuses():
    with pytest.raises(ValueError, match="orthogonal_map has to be one of"):
        nnstudio.nn.utils.parametrizations.orthogonal(nnstudio.nn.Linear(3, 3), orthogonal_map="qr")
    with pytest.raises(ValueError, match="Expected a matrix"):
        nnstudio.nn.utils.parametrizations.orthogonal(nnstudio.nn.Linear(3, 3), name="bias")
