"""torch.nn.grad (conv{1,2,3}d_input / conv{1,2,3}d_weight) against torch 2.13: values for strides, padding,
dilation and groups, a second derivative through them (gradcheck in float64) and the error kinds."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

CASES = [  # n, N, C_in, C_out, spatial, kernel, stride, padding, dilation, groups
    (1, 2, 4, 6, (11,), (3,), 2, 1, 1, 2),
    (2, 2, 3, 4, (7, 8), (3, 2), 1, 0, 1, 1),
    (2, 1, 4, 4, (9, 9), (3, 3), (2, 1), (1, 2), (2, 1), 4),
    (3, 1, 2, 3, (5, 6, 5), (2, 3, 2), 1, 1, 1, 1),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"conv{c[0]}d-g{c[-1]}")
def test_input_and_weight_gradients_match_torch(case):
    n, batch, c_in, c_out, spatial, kernel, stride, padding, dilation, groups = case
    rng = np.random.default_rng(n)
    x = rng.standard_normal((batch, c_in) + spatial)
    w = rng.standard_normal((c_out, c_in // groups) + kernel)
    conv = getattr(torch.nn.functional, f"conv{n}d")
    out_shape = tuple(conv(torch.tensor(x), torch.tensor(w), None, stride, padding, dilation, groups).shape)
    go = rng.standard_normal(out_shape)
    got = {}
    for lib in (torch, nnstudio):
        g = lib.nn.grad
        gi = getattr(g, f"conv{n}d_input")(x.shape, lib.tensor(w), lib.tensor(go), stride, padding, dilation, groups)
        gw = getattr(g, f"conv{n}d_weight")(lib.tensor(x), w.shape, lib.tensor(go), stride, padding, dilation,
                                             groups)
        got[lib.__name__] = (gi.numpy(), gw.numpy(), gi.requires_grad, gw.requires_grad)
    t, ns = got["torch"], got["nnstudio"]
    np.testing.assert_allclose(ns[0], t[0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ns[1], t[1], rtol=1e-10, atol=1e-12)
    assert ns[2:] == t[2:] == (False, False)


def test_second_derivative_through_conv2d_input_and_weight():
    rng = np.random.default_rng(7)
    x = nnstudio.tensor(rng.standard_normal((1, 2, 5, 5)), requires_grad=True)
    w = nnstudio.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    go = nnstudio.tensor(rng.standard_normal((1, 3, 3, 3)), requires_grad=True)
    g = nnstudio.nn.grad
    assert nnstudio.autograd.gradcheck(lambda w_, go_: g.conv2d_input(x.shape, w_, go_), (w, go))
    assert nnstudio.autograd.gradcheck(lambda x_, go_: g.conv2d_weight(x_, w.shape, go_), (x, go))
    t = {k: torch.tensor(v.detach().numpy(), requires_grad=True) for k, v in (("w", w), ("go", go))}
    ours = g.conv2d_input(x.shape, w, go).pow(2).sum()
    theirs = torch.nn.grad.conv2d_input(x.shape, t["w"], t["go"]).pow(2).sum()
    ours.backward()
    theirs.backward()
    np.testing.assert_allclose(w.grad.numpy(), t["w"].grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(go.grad.numpy(), t["go"].grad.numpy(), rtol=1e-10)


def test_errors_are_torchs_kinds():
    for lib in (torch, nnstudio):
        w, go = lib.randn(4, 3, 3, 3), lib.randn(2, 4, 5, 5)
        with pytest.raises(RuntimeError):
            lib.nn.grad.conv2d_input((2, 3, 7), w, go)
        with pytest.raises(RuntimeError):
            lib.nn.grad.conv2d_input((2, 3, 7, 7), w, lib.randn(2, 4, 6, 5))
