"""torch.autograd.forward_ad against torch 2.13: tangents (J t) of ops, modules and custom Functions with a jvp,
levels (a tangent is gone after its level exits), the primal's requires_grad, and the errors of make_dual."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
import nnstudio.autograd.forward_ad as nfw
from tests.helpers.parity import copy_weights_from_torch

torch = pytest.importorskip("torch")
tfw = torch.autograd.forward_ad


def _pair(*shape, seed=0, positive=False):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    a = np.abs(a) + 0.5 if positive else a
    return a


def _jvp(lib, fw, fn, primals, tangents):
    with fw.dual_level():
        duals = [fw.make_dual(lib.tensor(p), lib.tensor(t)) for p, t in zip(primals, tangents)]
        out = fn(lib, *duals)
        unpacked = fw.unpack_dual(out)
        tangent = unpacked.tangent
        primal = unpacked.primal
    return primal.detach().numpy(), None if tangent is None else tangent.detach().numpy()


OPS = {
    "square_plus": (lambda L, x, y: x ** 2 + y ** 2, 2, False),
    "mul_div": (lambda L, x, y: x * y / (1 + y * y), 2, False),
    "exp_log": (lambda L, x, y: L.exp(x).mul(L.log(y)), 2, True),
    "matmul": (lambda L, x, y: x @ y.T, 2, False),
    "tanh_sigmoid": (lambda L, x, y: L.tanh(x) * L.sigmoid(y), 2, False),
    "softmax_sum": (lambda L, x, y: L.softmax(x * y, dim=1).sum(0), 2, False),
    "reshape_index": (lambda L, x, y: (x.reshape(-1)[2:7] * y.t().reshape(-1)[:5]).cumsum(0), 2, False),
    "relu_max": (lambda L, x, y: L.relu(x - y).amax(1) + x.mean(), 2, False),
    "norm_sqrt": (lambda L, x: L.sqrt(x).norm(), 1, True),
    "cat_stack": (lambda L, x, y: L.cat([L.sin(x), L.cos(y)], 0).prod(1), 2, False),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_tangent_of_ops_matches_torch(name):
    fn, n, positive = OPS[name]
    primals = [_pair(3, 3, seed=i, positive=positive) for i in range(n)]
    tangents = [_pair(3, 3, seed=10 + i) for i in range(n)]
    p_t, t_t = _jvp(torch, tfw, fn, primals, tangents)
    p_n, t_n = _jvp(nnstudio, nfw, fn, primals, tangents)
    np.testing.assert_allclose(p_n, p_t, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(t_n, t_t, rtol=1e-9, atol=1e-12)


def test_only_some_inputs_dual_and_independent_outputs():
    x, t, y = _pair(4, 2), _pair(4, 2, seed=1), _pair(4, 2, seed=2)
    for lib, fw in ((torch, tfw), (nnstudio, nfw)):
        with fw.dual_level():
            d = fw.make_dual(lib.tensor(x), lib.tensor(t))
            plain = lib.tensor(y)
            assert fw.unpack_dual(plain * 2).tangent is None
            assert fw.unpack_dual(d.detach() * 2).tangent is None
            assert fw.unpack_dual(fw.unpack_dual(d).primal * 3).tangent is None
            assert fw.unpack_dual(d).tangent is not None
            out = d * plain + plain
            got = fw.unpack_dual(out).tangent.numpy()
            np.testing.assert_allclose(got, t * y)
            assert not fw.unpack_dual(out).primal.requires_grad
        assert fw.unpack_dual(out).tangent is None  # the level is gone


class _MLP:
    @staticmethod
    def build(lib, seed=0):
        lib.manual_seed(seed)
        return lib.nn.Sequential(lib.nn.Linear(5, 8), lib.nn.Tanh(), lib.nn.Linear(8, 8), lib.nn.GELU(),
                                 lib.nn.LayerNorm(8), lib.nn.Linear(8, 3)).double()


def test_mlp_parameters_dual_through_functional_call_matches_torch():
    tm, nm = _MLP.build(torch), _MLP.build(nnstudio)
    copy_weights_from_torch(nm, tm)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 5))
    tangents = {k: rng.standard_normal(tuple(v.shape)) for k, v in tm.named_parameters()}
    results = []
    for lib, fw, model in ((torch, tfw, tm), (nnstudio, nfw, nm)):
        with fw.dual_level():
            duals = {k: fw.make_dual(p, lib.tensor(tangents[k])) for k, p in model.named_parameters()}
            out = lib.func.functional_call(model, duals, (lib.tensor(x),))
            jvp = fw.unpack_dual(out).tangent
            results.append((out.detach().numpy(), jvp.detach().numpy(), jvp.requires_grad))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-10)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-9, atol=1e-12)


def test_mlp_input_dual_and_backward_through_the_primal():
    tm, nm = _MLP.build(torch, 1), _MLP.build(nnstudio, 1)
    copy_weights_from_torch(nm, tm)
    x, v = _pair(4, 5, seed=5), _pair(4, 5, seed=6)
    got = []
    for lib, fw, model in ((torch, tfw, tm), (nnstudio, nfw, nm)):
        model.zero_grad()
        with fw.dual_level():
            out = model(fw.make_dual(lib.tensor(x), lib.tensor(v)))
            primal, tangent = fw.unpack_dual(out)
            assert primal.requires_grad and primal.grad_fn is not None
            primal.sum().backward()  # reverse mode through the primal reaches the parameters
        got.append((tangent.detach().numpy(), model[0].weight.grad.numpy().copy()))
    np.testing.assert_allclose(got[1][0], got[0][0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got[1][1], got[0][1], rtol=1e-9, atol=1e-12)


def test_custom_function_jvp_is_used():
    def make(lib):
        class Fn(lib.autograd.Function):
            @staticmethod
            def forward(ctx, foo):
                result = lib.exp(foo)
                ctx.result = result
                return result

            @staticmethod
            def jvp(ctx, g):
                out = g * ctx.result * 2  # deliberately twice the true derivative: the jvp is what counts
                del ctx.result
                return out

        return Fn

    x, t = _pair(3, 2), _pair(3, 2, seed=1)
    got = []
    for lib, fw in ((torch, tfw), (nnstudio, nfw)):
        fn = make(lib).apply
        with fw.dual_level():
            d = fw.make_dual(lib.tensor(x, requires_grad=True), lib.tensor(t))
            out = lib.sin(fn(d * 3) + d)
            got.append(fw.unpack_dual(out).tangent.detach().numpy())
    np.testing.assert_allclose(got[1], got[0], rtol=1e-10)


def test_gradcheck_check_forward_ad():
    class Exp(nnstudio.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.result = nnstudio.exp(x)
            return ctx.result

        @staticmethod
        def jvp(ctx, g):
            return g * ctx.result

    class WrongExp(Exp):
        @staticmethod
        def jvp(ctx, g):
            return g * ctx.result * 1.5

    x = nnstudio.tensor(_pair(3, 2), requires_grad=True)
    kw = dict(check_forward_ad=True, check_backward_ad=False, check_undefined_grad=False, check_batched_grad=False)
    assert nnstudio.autograd.gradcheck(Exp.apply, (x,), **kw)
    assert not nnstudio.autograd.gradcheck(WrongExp.apply, (x,), raise_exception=False, **kw)
    with pytest.raises(nnstudio.autograd.GradcheckError):
        nnstudio.autograd.gradcheck(WrongExp.apply, (x,), **kw)
    assert nnstudio.autograd.gradcheck(lambda a, b: (a * b).tanh(), (x, x.detach().clone().requires_grad_()),
                                       check_forward_ad=True)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the kind is what is compared
        return type(e)
    return None


def _error_kinds(lib, fw) -> list:
    x = lib.randn(3)
    kinds = [_error(lambda: fw.make_dual(x, lib.randn(3)))]  # no level
    with fw.dual_level() as level:
        assert level == 0
        kinds.append(_error(lambda: fw.make_dual(x, lib.randn(4))))
        kinds.append(_error(lambda: fw.make_dual(x, lib.arange(3))))
        kinds.append(_error(lambda: fw.make_dual(lib.arange(3), x)))

        def nested():
            with fw.dual_level():
                pass

        kinds.append(_error(nested))
    assert fw.unpack_dual(x) == (x, None) and isinstance(fw.unpack_dual(x), fw.UnpackedDualTensor)
    return kinds


def test_errors_match_torch():
    assert _error_kinds(nnstudio, nfw) == _error_kinds(torch, tfw) == [RuntimeError, RuntimeError, ValueError,
                                                                      ValueError, RuntimeError]
    assert nfw.UnpackedDualTensor._fields == tfw.UnpackedDualTensor._fields


def test_enter_exit_functions_and_make_dual_aliases():
    for lib, fw in ((torch, tfw), (nnstudio, nfw)):
        level = fw.enter_dual_level()
        x, t = lib.zeros(2), lib.ones(2)
        d = fw.make_dual(x, t)
        assert fw.unpack_dual(d).tangent is t
        x.add_(1.0)  # the dual tensor is an alias of its primal
        assert d.tolist() == [1.0, 1.0]
        fw.exit_dual_level(level=level)
        assert fw.unpack_dual(d).tangent is None


def test_reverse_mode_through_dual_and_primal_nodes_has_second_derivatives():
    x = nnstudio.tensor(_pair(2, 3), requires_grad=True)
    t = nnstudio.tensor(_pair(2, 3, seed=1))

    def f(a):
        with nfw.dual_level():
            d = nfw.make_dual(a, t)
            return nfw.unpack_dual(d.sin() * a).primal.exp()

    assert nnstudio.autograd.gradcheck(f, (x,))
    assert nnstudio.autograd.gradgradcheck(f, (x,))
