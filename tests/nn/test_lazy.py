"""Lazy modules (LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm*, LazyInstanceNorm*) and their
placeholders (UninitializedParameter / UninitializedBuffer, is_lazy) against torch 2.13."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from helpers.parity import check_module_parity

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(0)

# (class name, constructor args, kwargs, input shape)
CASES = [
    ("LazyLinear", (3,), {}, (5, 4)),
    ("LazyLinear", (3,), {"bias": False}, (2, 5, 4)),
    ("LazyConv1d", (4, 3), {"padding": 1}, (2, 3, 7)),
    ("LazyConv2d", (4, 3), {"stride": 2, "groups": 2, "bias": False}, (2, 6, 7, 7)),
    ("LazyConv2d", (4, 3), {"padding_mode": "reflect", "padding": 1}, (3, 6, 6)),
    ("LazyConv3d", (2, 2), {}, (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2, "output_padding": 1}, (2, 3, 5)),
    ("LazyConvTranspose2d", (4, 3), {"groups": 2}, (2, 4, 5, 5)),
    ("LazyConvTranspose3d", (2, 2), {"bias": False}, (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (6, 3)),
    ("LazyBatchNorm1d", (), {"affine": False, "momentum": None}, (6, 3, 4)),
    ("LazyBatchNorm2d", (), {"track_running_stats": False}, (4, 3, 5, 5)),
    ("LazyBatchNorm3d", (), {"bias": False}, (2, 3, 3, 3, 3)),
    ("LazyInstanceNorm1d", (), {}, (2, 4, 6)),
    ("LazyInstanceNorm2d", (), {"affine": False}, (2, 3, 5, 5)),
    ("LazyInstanceNorm3d", (), {"track_running_stats": False}, (2, 3, 3, 3, 3)),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


def _pair(name, args, kwargs):
    return getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)


@pytest.mark.parametrize("name, args, kwargs, shape", CASES, ids=IDS)
def test_dry_run_becomes_the_plain_class_as_torch(name, args, kwargs, shape):
    ns, tm = _pair(name, args, kwargs)
    becomes = tm.cls_to_become.__name__
    assert ns.cls_to_become.__name__ == becomes
    assert repr(ns) == repr(tm)
    assert ns.has_uninitialized_params() and tm.has_uninitialized_params()
    assert repr(ns.state_dict()).replace("nnstudio", "torch") == repr(tm.state_dict())
    x = rng.standard_normal(shape).astype(np.float32)
    ns(nnstudio.tensor(x))
    tm(torch.tensor(x))
    assert type(ns).__name__ == type(tm).__name__ == becomes != name
    assert type(ns) is getattr(nn, type(tm).__name__)
    assert repr(ns) == repr(tm)
    assert {k: tuple(v.shape) for k, v in ns.state_dict().items()} == {
        k: tuple(v.shape) for k, v in tm.state_dict().items()}
    assert {k: str(v.dtype).split(".")[1] for k, v in ns.state_dict().items()} == {
        k: str(v.dtype).split(".")[1] for k, v in tm.state_dict().items()}
    assert all(type(p) is nn.Parameter for p in ns.parameters())
    assert not hasattr(ns, "has_uninitialized_params")


@pytest.mark.parametrize("name, args, kwargs, shape", CASES, ids=IDS)
def test_forward_backward_parity_after_the_dry_run(name, args, kwargs, shape):
    ns, tm = _pair(name, args, kwargs)
    x = rng.standard_normal(shape).astype(np.float32)
    ns.eval()(nnstudio.tensor(x))
    tm.eval()(torch.tensor(x))
    check_module_parity(ns, tm, [rng.standard_normal(shape).astype(np.float32)])
    check_module_parity(ns, tm, [rng.standard_normal(shape).astype(np.float32)], train=False)


@pytest.mark.parametrize("name", ["LazyLinear", "LazyConv2d", "LazyConvTranspose1d"])
def test_materialised_init_is_the_plain_class_scheme(name):
    """torch's init: weight and bias uniform within +-1/sqrt(fan_in); fan_in from the inferred size."""
    args, shape = ((64,), (2, 40)) if name == "LazyLinear" else ((64, 3), (2, 10, 9, 9) if "2d" in name
                                                                else (2, 10, 9))
    ns = getattr(nn, name)(*args)
    ns(nnstudio.randn(*shape))
    w = ns.weight.detach().numpy()
    fan_in = np.prod(w.shape[1:])
    bound = 1 / np.sqrt(fan_in)
    for v in (w, ns.bias.detach().numpy()):
        assert np.abs(v).max() <= bound and np.abs(v).max() > 0.8 * bound
        assert abs(v.mean()) < 0.25 * bound


def test_norm_materialises_ones_zeros_and_running_stats_as_torch():
    ns, tm = nn.LazyBatchNorm2d(), torch.nn.LazyBatchNorm2d()
    x = rng.standard_normal((4, 3, 2, 2)).astype(np.float32)
    ns(nnstudio.tensor(x))
    tm(torch.tensor(x))
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(ns.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_load_state_dict_into_a_lazy_module_as_torch():
    full_ns, full_t = nn.Linear(5, 3), torch.nn.Linear(5, 3)
    full_ns.load_state_dict({k: v.numpy() for k, v in full_t.state_dict().items()})
    ns, tm = nn.LazyLinear(3), torch.nn.LazyLinear(3)
    ns.load_state_dict(full_ns.state_dict())
    tm.load_state_dict(full_t.state_dict())
    assert type(ns).__name__ == type(tm).__name__ == "LazyLinear"
    assert ns.has_uninitialized_params() == tm.has_uninitialized_params() is False
    assert ns.in_features == tm.in_features == 0
    assert repr(ns) == repr(tm)
    x = rng.standard_normal((2, 5)).astype(np.float32)
    np.testing.assert_allclose(ns(nnstudio.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert repr(ns) == repr(tm) and type(ns) is nn.Linear  # loaded values were kept, in_features filled


def test_load_state_dict_of_a_lazy_module_into_a_plain_one_raises_as_torch():
    with pytest.raises(RuntimeError, match="Can't access the shape") as t_err:
        torch.nn.Linear(5, 3).load_state_dict(torch.nn.LazyLinear(3).state_dict())
    with pytest.raises(RuntimeError, match="Can't access the shape") as n_err:
        nn.Linear(5, 3).load_state_dict(nn.LazyLinear(3).state_dict())
    assert str(n_err.value) == str(t_err.value)


def test_lazy_state_dict_loads_into_a_lazy_module():
    for mod in (nn, torch.nn):
        m = mod.LazyLinear(3)
        m.load_state_dict(mod.LazyLinear(3).state_dict())
        assert m.has_uninitialized_params()


def test_nested_lazy_model_dry_run_then_optimizer():
    def build(mod):
        return mod.Sequential(mod.LazyConv2d(4, 3), mod.LazyBatchNorm2d(), mod.ReLU(), mod.Flatten(),
                              mod.LazyLinear(2))

    ns, tm = build(nn), build(torch.nn)
    assert repr(ns) == repr(tm)
    x = rng.standard_normal((3, 2, 5, 5)).astype(np.float32)
    ns(nnstudio.tensor(x))
    tm(torch.tensor(x))
    assert repr(ns) == repr(tm)
    ns.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    opt_n = nnstudio.optim.SGD(ns.parameters(), lr=0.1)
    opt_t = torch.optim.SGD(tm.parameters(), lr=0.1)
    for _ in range(3):
        for model, opt, lib in ((ns, opt_n, nnstudio), (tm, opt_t, torch)):
            opt.zero_grad()
            model(lib.tensor(x)).square().sum().backward()
            opt.step()
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(ns.state_dict()[k].numpy(), v.numpy(), rtol=1e-4, atol=1e-5, err_msg=k)


def test_dtype_and_device_follow_the_placeholder():
    for mod, lib in ((nn, nnstudio), (torch.nn, torch)):
        a = mod.LazyLinear(3, dtype=lib.float64)
        b = mod.LazyLinear(3).double()
        for m in (a, b):
            assert m.weight.dtype == lib.float64
            m(lib.ones(2, 4, dtype=lib.float64))
            assert m.weight.dtype == lib.float64 and m.bias.dtype == lib.float64


def test_placeholders_refuse_use_as_torch():
    for mod, lib in ((nn, nnstudio), (torch.nn, torch)):
        p = mod.parameter.UninitializedParameter()
        b = mod.parameter.UninitializedBuffer()
        assert repr(p) == "<UninitializedParameter>" and str(b) == "<UninitializedBuffer>"
        assert mod.parameter.is_lazy(p) and mod.parameter.is_lazy(b)
        assert not mod.parameter.is_lazy(mod.Parameter(lib.zeros(1)))
        assert isinstance(p, mod.Parameter) and not isinstance(b, mod.Parameter)
        assert p.requires_grad and not b.requires_grad
        with pytest.raises(RuntimeError, match="Can't access the shape"):
            p.shape  # noqa: B018
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
            p + 1
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
            p.detach()
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
            b.sum()
        with pytest.raises(RuntimeError, match="share memory"):
            p.share_memory_()
        q = copy.deepcopy(p)
        assert type(q) is type(p) and q is not p
        p.materialize((2, 3))
        assert type(p) is mod.Parameter and tuple(p.shape) == (2, 3)
        b.materialize((4,))
        assert not mod.parameter.is_lazy(b) and tuple(b.shape) == (4,)


def test_names_and_modules_as_torch():
    assert nn.UninitializedParameter is nn.parameter.UninitializedParameter
    assert nn.UninitializedBuffer is nn.parameter.UninitializedBuffer
    for name in ("UninitializedParameter", "UninitializedBuffer"):
        assert getattr(nn, name).__module__ == getattr(torch.nn, name).__module__.replace("torch", "nnstudio")
    from torch.nn.modules.lazy import LazyModuleMixin as TorchMixin

    from nnstudio.nn.modules.lazy import LazyModuleMixin

    assert LazyModuleMixin.__module__ == TorchMixin.__module__.replace("torch", "nnstudio")
    assert hasattr(nn, "LazyModuleMixin") == hasattr(torch.nn, "LazyModuleMixin")
    for name, *_ in CASES:
        assert getattr(nn, name).__module__ == getattr(torch.nn, name).__module__.replace("torch", "nnstudio")
        assert issubclass(getattr(nn, name), LazyModuleMixin)


def test_errors_as_torch():
    for mod, lib in ((nn, nnstudio), (torch.nn, torch)):
        with pytest.raises(ValueError, match="divisible by groups"):
            mod.LazyConv2d(4, 3, groups=2)(lib.ones(1, 3, 5, 5))
        with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D \\(batched\\) input"):
            mod.LazyConv2d(4, 3)(lib.ones(5, 5))
        with pytest.raises(NotImplementedError, match="initialize_parameters is not implemented"):
            mod.modules.lazy.LazyModuleMixin.initialize_parameters(mod.Linear(1, 1))


@pytest.mark.parametrize("name, args, shape", [("LazyLinear", (3,), (5, 4)), ("LazyConv2d", (4, 3), (2, 3, 6, 6)),
                                               ("LazyBatchNorm1d", (), (6, 3))])
def test_placeholders_materialise_on_their_device(name, args, shape, device):
    ns, tm = getattr(nn, name)(*args, device=device), getattr(torch.nn, name)(*args)
    x = rng.standard_normal(shape).astype(np.float32)
    ns(nnstudio.tensor(x, device=device))
    tm(torch.tensor(x))
    assert all(str(t.device).startswith(device) for t in ns.state_dict().values())
    check_module_parity(ns, tm, [x], device=device)


def test_an_uninitialized_buffer_assigned_as_an_attribute_is_a_buffer_as_torch():
    for mod in (nn, torch.nn):
        m = mod.Module()
        m.b = mod.UninitializedBuffer()
        m.c = mod.UninitializedBuffer(persistent=False)
        assert list(m._buffers) == ["b", "c"] and all(mod.parameter.is_lazy(v) for v in m._buffers.values())
        assert list(m.state_dict(keep_vars=True)) == ["b"]


def test_a_lazy_state_dict_saves_and_loads_as_torch(tmp_path):
    """torch pickles the placeholders' kind and requires_grad (they come back float32; its weights_only load
    refuses them); nnstudio stores the same, no pickle, so either load gives them back."""
    import io

    def build(mod):
        return mod.Sequential(mod.LazyLinear(3), mod.LazyBatchNorm1d())

    buf = io.BytesIO()
    torch.save(build(torch.nn).double().state_dict(), buf)
    buf.seek(0)
    t_sd = torch.load(buf, weights_only=False)
    nnstudio.save(build(nn).double().state_dict(), tmp_path / "lazy.npz")
    for weights_only in (False, True):
        n_sd = nnstudio.load(tmp_path / "lazy.npz", weights_only=weights_only)
        assert repr(n_sd).replace("nnstudio", "torch") == repr(t_sd)
        assert [(type(v).__name__, str(v.dtype).split(".")[1], v.requires_grad) for v in n_sd.values()] == [
            (type(v).__name__, str(v.dtype).split(".")[1], v.requires_grad) for v in t_sd.values()]
    fresh_n, fresh_t = build(nn), build(torch.nn)
    fresh_n.load_state_dict(n_sd)
    fresh_t.load_state_dict(t_sd)
    assert fresh_n[0].has_uninitialized_params() and fresh_t[0].has_uninitialized_params()


def test_a_deep_copy_initialises_on_its_own_as_torch():
    for mod, lib in ((nn, nnstudio), (torch.nn, torch)):
        m = mod.LazyLinear(3)
        c = copy.deepcopy(m)
        c(lib.ones(2, 5))
        assert type(c) is mod.Linear and c.in_features == 5
        assert type(m) is mod.LazyLinear and m.has_uninitialized_params()
        m(lib.ones(2, 7))
        assert type(m) is mod.Linear and m.in_features == 7
