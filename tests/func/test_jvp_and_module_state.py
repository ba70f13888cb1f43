"""torch.func.jvp, linearize, stack_module_state, functionalize and replace_all_batch_norm_modules_ against
torch 2.13's results."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import nnstudio

rng = np.random.default_rng(0)


def _np(x):
    return x.detach().numpy()


def _tree_close(a, b, rtol=1e-10, atol=1e-12):
    if isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b)
        for x, y in zip(a, b):
            _tree_close(x, y, rtol, atol)
    elif isinstance(a, dict):
        assert set(a) == set(b)
        for k in a:
            _tree_close(a[k], b[k], rtol, atol)
    else:
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=atol)


def _both(arrays):
    return tuple(nnstudio.tensor(a) for a in arrays), tuple(torch.tensor(a) for a in arrays)


FUNCS = {
    "elementwise": (lambda lib: lambda x: (x.sin() * x).exp(), [(3, 4)]),
    "reduction": (lambda lib: lambda x: (x.tanh() ** 2).sum(1), [(3, 4)]),
    "two_inputs": (lambda lib: lambda x, w: (x @ w).softmax(-1), [(3, 4), (4, 5)]),
    "two_outputs": (lambda lib: lambda x, y: (x * y, (x / (1 + y * y)).mean()), [(2, 3), (2, 3)]),
    "relu_max": (lambda lib: lambda x: lib.relu(x).amax(0) + x.abs().sum(), [(5, 3)]),
    "conv": (lambda lib: lambda x, w: lib.nn.functional.conv2d(x, w, padding=1).sigmoid(), [(1, 2, 5, 5),
                                                                                              (3, 2, 3, 3)]),
    "layer_norm": (lambda lib: lambda x: lib.nn.functional.layer_norm(x, (4,)) * x, [(2, 3, 4)]),
    "scalar_out": (lambda lib: lambda x: (x ** 3).sum(), [(4,)]),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_jvp_matches_torch(name):
    build, shapes = FUNCS[name]
    primals = [rng.standard_normal(s) for s in shapes]
    tangents = [rng.standard_normal(s) for s in shapes]
    (np_, tp), (nt, tt) = _both(primals), _both(tangents)
    n_out, n_jvp = nnstudio.func.jvp(build(nnstudio), np_, nt)
    t_out, t_jvp = torch.func.jvp(build(torch), tp, tt)
    _tree_close(n_out, t_out)
    _tree_close(n_jvp, t_jvp)
    for leaf in (n_jvp if isinstance(n_jvp, tuple) else (n_jvp,)):
        assert not leaf.requires_grad


@pytest.mark.parametrize("name", ["elementwise", "two_inputs", "conv"])
def test_linearize_matches_torch_for_several_tangents(name):
    build, shapes = FUNCS[name]
    primals = [rng.standard_normal(s) for s in shapes]
    np_, tp = _both(primals)
    n_out, n_fn = nnstudio.func.linearize(build(nnstudio), *np_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's const_fold warns while it traces
        t_out, t_fn = torch.func.linearize(build(torch), *tp)
    _tree_close(n_out, t_out)
    for _ in range(3):
        nt, tt = _both([rng.standard_normal(s) for s in shapes])
        _tree_close(n_fn(*nt), t_fn(*tt))


def test_jvp_of_a_module_through_functional_call_float32():
    tm = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.GELU(), torch.nn.Linear(6, 2))
    nm = nnstudio.nn.Sequential(nnstudio.nn.Linear(4, 6), nnstudio.nn.GELU(), nnstudio.nn.Linear(6, 2))
    nm.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    x = rng.standard_normal((3, 4)).astype(np.float32)
    tangent = {k: rng.standard_normal(tuple(v.shape)).astype(np.float32) for k, v in tm.named_parameters()}
    n_params = {k: v.detach() for k, v in nm.named_parameters()}
    t_params = {k: v.detach() for k, v in tm.named_parameters()}
    n_out, n_jvp = nnstudio.func.jvp(lambda p: nnstudio.func.functional_call(nm, p, (nnstudio.tensor(x),)),
                                     (n_params,), ({k: nnstudio.tensor(v) for k, v in tangent.items()},))
    t_out, t_jvp = torch.func.jvp(lambda p: torch.func.functional_call(tm, p, (torch.tensor(x),)),
                                  (t_params,), ({k: torch.tensor(v) for k, v in tangent.items()},))
    _tree_close(n_out, t_out, rtol=1e-5, atol=1e-5)
    _tree_close(n_jvp, t_jvp, rtol=1e-4, atol=1e-5)


def test_jvp_has_aux_and_unused_inputs_as_torch():
    def make(lib):
        return lambda x, y: ((x * 2).cos(), {"twice": x * 2})

    (nx, ny), (tx, ty) = _both([rng.standard_normal(3), rng.standard_normal(2)])
    (nvx, nvy), (tvx, tvy) = _both([rng.standard_normal(3), rng.standard_normal(2)])
    n = nnstudio.func.jvp(make(nnstudio), (nx, ny), (nvx, nvy), has_aux=True)
    t = torch.func.jvp(make(torch), (tx, ty), (tvx, tvy), has_aux=True)
    assert len(n) == len(t) == 3
    _tree_close(n, t)
    n_const = nnstudio.func.jvp(lambda x: nnstudio.ones(2) * 3, (nx,), (nvx,))
    t_const = torch.func.jvp(lambda x: torch.ones(2) * 3, (tx,), (tvx,))
    _tree_close(n_const, t_const)


def test_jvp_nests_with_grad_as_torch():
    x = rng.standard_normal(4)
    v = rng.standard_normal(4)

    def cube(lib):
        return lambda b: (b ** 3 * b.sin()).sum()

    for outer in ("grad_of_jvp", "jvp_of_grad"):
        results = []
        for lib in (nnstudio, torch):
            f = cube(lib)
            if outer == "grad_of_jvp":
                results.append(lib.func.grad(lambda a, f=f, lib=lib: lib.func.jvp(f, (a,), (lib.tensor(v),))[1])(
                    lib.tensor(x)))
            else:
                results.append(lib.func.jvp(lib.func.grad(f), (lib.tensor(x),), (lib.tensor(v),)))
        _tree_close(results[0], results[1])


def test_jvp_errors_as_torch():
    cases = [
        (lambda lib: lib.func.jvp(lambda x: x, lib.ones(2), (lib.ones(2),)), "Expected primals to be a tuple"),
        (lambda lib: lib.func.jvp(lambda x: x, (lib.ones(2),), (lib.ones(2), lib.ones(2))), "same python structure"),
        (lambda lib: lib.func.jvp(lambda: lib.ones(1), (), ()), "at least one Tensor"),
        (lambda lib: lib.func.jvp(lambda x: x, (lib.ones(2),), (lib.ones(2),), has_aux=True), r"\(output, aux\)"),
        (lambda lib: lib.func.jvp(lambda x: x, (lib.ones(2),), (lib.ones(3),)), "size|shape"),
        (lambda lib: lib.func.jvp(lambda x: (x * 2, lib.ones(2)), (lib.ones(2),), (lib.ones(2),), strict=True),
         r"^jvp\(f, primals, tangents, strict=True\): The output of f is independent of the inputs\. This is not "
         r"allowed with strict=True\.$"),
        (lambda lib: lib.func.jvp(lambda x: (x * 2, 3), (lib.ones(2),), (lib.ones(2),)), "return only tensors"),
    ]
    for call, pattern in cases:
        with pytest.raises(RuntimeError, match=pattern):
            call(torch)
        with pytest.raises(RuntimeError, match=pattern):
            call(nnstudio)


def test_linearize_tangent_checks_as_torch():
    for lib in (nnstudio, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, fn = lib.func.linearize(lambda x: x.sin(), lib.ones(3))
        with pytest.raises(RuntimeError, match="doesn't match the shape"):
            fn(lib.ones(2))
        with pytest.raises(RuntimeError, match="same argspec"):
            fn(lib.ones(3), lib.ones(3))


def _models(lib, n=3):
    lib.manual_seed(0)

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(4, 3)
            self.bn = lib.nn.BatchNorm1d(3)

        def forward(self, x):
            return self.bn(self.fc(x))

    return [Net() for _ in range(n)]


def test_stack_module_state_and_vmap_ensemble_match_torch():
    t_models = _models(torch)
    n_models = _models(nnstudio)
    for nm, tm in zip(n_models, t_models):
        nm.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
        nm.eval()
        tm.eval()
    n_params, n_buffers = nnstudio.func.stack_module_state(n_models)
    t_params, t_buffers = torch.func.stack_module_state(t_models)
    assert list(n_params) == list(t_params) and list(n_buffers) == list(t_buffers)
    for mine, theirs in ((n_params, t_params), (n_buffers, t_buffers)):
        for k in theirs:
            assert mine[k].requires_grad == theirs[k].requires_grad and mine[k].is_leaf == theirs[k].is_leaf
            assert str(mine[k].dtype).split(".")[1] == str(theirs[k].dtype).split(".")[1]
            np.testing.assert_array_equal(mine[k].numpy() if not mine[k].requires_grad else _np(mine[k]),
                                          theirs[k].detach().numpy())
    x = rng.standard_normal((5, 4)).astype(np.float32)

    def run(lib, models, params, buffers):
        def one(p, b, data):
            return lib.func.functional_call(models[0], (p, b), (data,))

        return lib.func.vmap(one, (0, 0, None))(params, buffers, lib.tensor(x))

    n_out = run(nnstudio, n_models, n_params, n_buffers)
    t_out = run(torch, t_models, t_params, t_buffers)
    assert tuple(n_out.shape) == tuple(t_out.shape) == (3, 5, 3)
    np.testing.assert_allclose(_np(n_out), _np(t_out), rtol=1e-5, atol=1e-5)
    n_out.sum().backward()
    t_out.sum().backward()
    for k in t_params:
        np.testing.assert_allclose(_np(n_params[k].grad), t_params[k].grad.numpy(), rtol=1e-5, atol=1e-5)
    assert all(p.grad is None for m in n_models for p in m.parameters())  # new leaves, unrelated to the models


def test_stack_module_state_errors_as_torch():
    for lib in (nnstudio, torch):
        with pytest.raises(RuntimeError, match="at least one model"):
            lib.func.stack_module_state([])
        a, b = _models(lib, 2)
        with pytest.raises(RuntimeError, match="same training/eval mode"):
            lib.func.stack_module_state([a, b.eval()])
        with pytest.raises(RuntimeError, match="same class"):
            lib.func.stack_module_state([lib.nn.Linear(2, 2), lib.nn.Bilinear(2, 2, 2)])
        c, d = lib.nn.Linear(2, 2), lib.nn.Linear(2, 2)
        d.weight.requires_grad_(False)
        with pytest.raises(RuntimeError, match="Expected weight from each model to have the same .requires_grad"):
            lib.func.stack_module_state([c, d])


def test_functionalize_keeps_results_and_input_mutations_as_torch():
    def make(lib):
        def f(x):
            y = x.clone()
            y.add_(1)
            x.mul_(2)
            return y.view(-1) * 3

        return f

    data = rng.standard_normal((2, 3))
    results = []
    for lib in (nnstudio, torch):
        x = lib.tensor(data)
        out = lib.func.functionalize(make(lib))(x)
        results.append((out, x))
        with pytest.raises(RuntimeError, match="received invalid argument for remove=views"):
            lib.func.functionalize(make(lib), remove="views")
        out2 = lib.func.functionalize(make(lib), remove="mutations_and_views")(lib.tensor(data))
        np.testing.assert_allclose(_np(out2), _np(out))
    _tree_close(results[0], results[1])


def test_replace_all_batch_norm_modules_as_torch():
    def build(lib):
        return lib.nn.Sequential(lib.nn.Conv2d(2, 3, 1), lib.nn.BatchNorm2d(3), lib.nn.Sequential(
            lib.nn.BatchNorm2d(3, track_running_stats=False), lib.nn.InstanceNorm2d(3, track_running_stats=True)))

    tm, nm = build(torch), build(nnstudio)
    nm.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    assert nnstudio.func.replace_all_batch_norm_modules_(nm) is nm
    assert torch.func.replace_all_batch_norm_modules_(tm) is tm
    assert repr(nm) == repr(tm)
    assert list(nm.state_dict()) == list(tm.state_dict())
    for (n_name, n_mod), (t_name, t_mod) in zip(nm.named_modules(), tm.named_modules()):
        assert n_name == t_name
        for attr in ("running_mean", "running_var", "num_batches_tracked", "track_running_stats"):
            assert (getattr(n_mod, attr, "absent") is None) == (getattr(t_mod, attr, "absent") is None)
    x = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    for train in (True, False):
        nm.train(train)
        tm.train(train)
        np.testing.assert_allclose(_np(nm(nnstudio.tensor(x))), _np(tm(torch.tensor(x))), rtol=1e-4, atol=1e-5)


def test_func_namespace_as_torch():
    ours = set(nnstudio.func.__all__)
    theirs = {n for n in dir(torch.func) if not n.startswith("_")}
    assert ours <= theirs
    assert theirs - ours <= {"rearrange", "debug_unwrap"}  # einops' rearrange; functorch's debugging unwrapper
