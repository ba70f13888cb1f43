"""`autograd.functional` (jacobian, hessian, vjp, jvp, hvp, vhp) and the public `autograd.gradcheck` /
`gradgradcheck`, against torch 2.13: values, result structure, create_graph, strict mode and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.autograd.functional as TF

import nnstudio
import nnstudio.autograd.functional as NF

rng = np.random.default_rng(3)
X, Y, V, W = (rng.standard_normal((3, 2)) for _ in range(4))


def two_in_two_out(x, y):
    return ((x.sin() * y).sum(0) ** 2).tanh(), (x @ y.t()).exp().mean()


def scalar_of_one(x):
    return (x ** 3).sum() * x.cos().sum()


def scalar_of_two(x, y):
    return ((x * y).sigmoid() ** 2).sum() + (x.exp() * y).mean()


CALLS = {
    "jacobian_tuple_tuple": lambda lib, F: F.jacobian(two_in_two_out, (lib.tensor(X), lib.tensor(Y))),
    "jacobian_single": lambda lib, F: F.jacobian(lambda x: x.softmax(1), lib.tensor(X)),
    "jacobian_tuple_out_single_in": lambda lib, F: F.jacobian(lambda x: (x.exp(), x.sum()), lib.tensor(X)),
    "hessian_single": lambda lib, F: F.hessian(scalar_of_one, lib.tensor(X)),
    "hessian_tuple": lambda lib, F: F.hessian(scalar_of_two, (lib.tensor(X), lib.tensor(Y))),
    "vjp": lambda lib, F: F.vjp(lambda x: x.exp() * 2, lib.tensor(X), lib.tensor(V)),
    "vjp_scalar_no_v": lambda lib, F: F.vjp(scalar_of_one, lib.tensor(X)),
    "vjp_tuple": lambda lib, F: F.vjp(two_in_two_out, (lib.tensor(X), lib.tensor(Y)),
                                      (lib.tensor(V[:, 0][:2]), lib.tensor(1.5, dtype=lib.float64))),
    "jvp": lambda lib, F: F.jvp(lambda x: x.exp() * x.sin(), lib.tensor(X), lib.tensor(V)),
    "jvp_tuple": lambda lib, F: F.jvp(two_in_two_out, (lib.tensor(X), lib.tensor(Y)), (lib.tensor(V),
                                                                                      lib.tensor(W))),
    "hvp": lambda lib, F: F.hvp(scalar_of_one, lib.tensor(X), lib.tensor(V)),
    "hvp_tuple": lambda lib, F: F.hvp(scalar_of_two, (lib.tensor(X), lib.tensor(Y)), (lib.tensor(V), lib.tensor(W))),
    "vhp": lambda lib, F: F.vhp(scalar_of_one, lib.tensor(X), lib.tensor(V)),
    "vhp_tuple": lambda lib, F: F.vhp(scalar_of_two, (lib.tensor(X), lib.tensor(Y)), (lib.tensor(V), lib.tensor(W))),
}


def _structure(result):
    """(nesting of tuples, list of arrays)."""
    if hasattr(result, "shape"):
        return "T", [np.asarray(result.detach().numpy())]
    parts = [_structure(r) for r in result]
    return tuple(p[0] for p in parts), [a for p in parts for a in p[1]]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_functional_matches_torch(name):
    ours, theirs = _structure(CALLS[name](nnstudio, NF)), _structure(CALLS[name](torch, TF))
    assert ours[0] == theirs[0]
    for a, b in zip(ours[1], theirs[1]):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_results_are_detached_unless_create_graph():
    x = nnstudio.tensor(X, requires_grad=True)
    out, hv = NF.hvp(scalar_of_one, x, nnstudio.tensor(V))
    assert not hv.requires_grad and not out.requires_grad
    jac = NF.jacobian(lambda t: t.exp(), x, create_graph=True)
    assert jac.requires_grad
    (g,) = nnstudio.autograd.grad(jac.sum(), x)  # differentiate the Jacobian again: d/dx sum exp(x) = exp(x)
    tx = torch.tensor(X, requires_grad=True)
    (tg,) = torch.autograd.grad(TF.jacobian(lambda t: t.exp(), tx, create_graph=True).sum(), tx)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12)


def test_hessian_with_create_graph_is_differentiable_as_torch():
    res = []
    for lib, F in ((nnstudio, NF), (torch, TF)):
        x = lib.tensor(X[0], requires_grad=True)
        h = F.hessian(lambda t: (t ** 4).sum() * t.sin().sum(), x, create_graph=True)
        (g,) = lib.autograd.grad(h.sum(), x)
        res.append((h.detach().numpy(), g.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10)


def test_strict_mode_and_zero_fill_match_torch():
    for lib, F in ((nnstudio, NF), (torch, TF)):
        x, y = lib.tensor(X), lib.tensor(Y)
        _, (gx, gy) = F.vjp(lambda a, b: a.exp().sum(), (x, y))  # independent of y: zeros
        assert np.all(gy.numpy() == 0)
        with pytest.raises(RuntimeError, match="independent of input 1"):
            F.vjp(lambda a, b: a.exp().sum(), (x, y), strict=True)
        with pytest.raises(RuntimeError, match="jacobian of the user-provided function with respect to input 0"):
            F.hessian(lambda a: (a * 2).sum(), x, strict=True)  # linear: the jacobian does not depend on x


def test_errors_match_torch():
    for lib, F in ((nnstudio, NF), (torch, TF)):
        x = lib.tensor(X)
        with pytest.raises(RuntimeError, match="v can only be None"):
            F.vjp(lambda a: a.exp(), x)
        with pytest.raises(RuntimeError, match="v has invalid size"):
            F.jvp(lambda a: a.exp(), x, lib.tensor(V[0]))
        with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
            F.jacobian(lambda a: a, [x])
        with pytest.raises(RuntimeError, match="should return a single Tensor"):
            F.hvp(lambda a: (a.sum(), a.sum()), x, lib.tensor(V))
        with pytest.raises(RuntimeError, match="should contain a single element"):
            F.hessian(lambda a: a.exp(), x)
        with pytest.raises(NotImplementedError, match="only implemented for `vectorize=True`"):
            F.jacobian(lambda a: a.exp(), x, strategy="forward-mode")


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch's notes on its experimental vmap path
def test_vectorize_and_forward_mode_give_the_same_values_as_torch():
    for kwargs in ({"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}):
        ours = NF.jacobian(two_in_two_out, (nnstudio.tensor(X), nnstudio.tensor(Y)), **kwargs)
        theirs = TF.jacobian(two_in_two_out, (torch.tensor(X), torch.tensor(Y)), **kwargs)
        for a, b in zip(_structure(ours)[1], _structure(theirs)[1]):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    ours = NF.hessian(scalar_of_one, nnstudio.tensor(X), vectorize=True, outer_jacobian_strategy="forward-mode")
    theirs = TF.hessian(scalar_of_one, torch.tensor(X), vectorize=True, outer_jacobian_strategy="forward-mode")
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10)


def test_gradcheck_passes_on_correct_ops_and_names_the_mismatch_otherwise():
    a = nnstudio.tensor(X, requires_grad=True)
    b = nnstudio.tensor(Y, requires_grad=True)
    assert nnstudio.autograd.gradcheck(lambda p, q: ((p * q).sin(), p.exp().sum()), (a, b))
    assert nnstudio.autograd.gradgradcheck(lambda p, q: (p * q).sin() + p.log_softmax(1), (a, b))

    class WrongBackward(nnstudio.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x  # should be 2 x

    with pytest.raises(nnstudio.autograd.GradcheckError, match="Jacobian mismatch for output 0 with respect to "
                                                               "input 0"):
        nnstudio.autograd.gradcheck(WrongBackward.apply, (a,))
    assert nnstudio.autograd.gradcheck(WrongBackward.apply, (a,), raise_exception=False) is False

    class WrongSecond(nnstudio.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x.detach() ** 2  # right value, but its derivative in x is lost

    assert nnstudio.autograd.gradcheck(WrongSecond.apply, (a,))
    assert nnstudio.autograd.gradgradcheck(WrongSecond.apply, (a,), raise_exception=False) is False


def test_gradcheck_warns_for_float32_inputs_as_torch():
    x = nnstudio.tensor(X, dtype=nnstudio.float32, requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        nnstudio.autograd.gradcheck(lambda t: t * 2, (x,), eps=1e-2, atol=1e-2)
