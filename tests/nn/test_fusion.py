"""nn.utils.fusion (conv/linear + eval BatchNorm folded into one layer), nn.utils.skip_init and the conv weight
memory-format converters, against torch 2.13."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio
import nnstudio.nn as nn

rng = np.random.default_rng(0)

CONVS = [
    ("Conv1d", "BatchNorm1d", (3, 4, 3), {"padding": 1}, (2, 3, 7), False),
    ("Conv2d", "BatchNorm2d", (4, 6, 3), {"groups": 2, "bias": False}, (2, 4, 6, 6), False),
    ("Conv3d", "BatchNorm3d", (2, 3, 2), {}, (1, 2, 4, 4, 4), False),
    ("ConvTranspose1d", "BatchNorm1d", (3, 4, 3), {"stride": 2}, (2, 3, 5), True),
    ("ConvTranspose2d", "BatchNorm2d", (4, 6, 3), {"padding": 1}, (2, 4, 5, 5), True),
    ("ConvTranspose2d", "BatchNorm2d", (3, 2, 2), {"bias": False}, (2, 3, 4, 4), True),
]


def _trained_bn(bn_name, channels, affine=True, bias=True):
    """A torch BatchNorm with non-trivial running statistics and affine parameters, and its nnstudio twin."""
    tb = getattr(torch.nn, bn_name)(channels, affine=affine, bias=bias)
    with torch.no_grad():
        tb.running_mean.copy_(torch.tensor(rng.standard_normal(channels), dtype=torch.float32))
        tb.running_var.copy_(torch.tensor(rng.uniform(0.5, 2.0, channels), dtype=torch.float32))
        if affine:
            tb.weight.copy_(torch.tensor(rng.uniform(0.5, 1.5, channels), dtype=torch.float32))
            if bias:
                tb.bias.copy_(torch.tensor(rng.standard_normal(channels), dtype=torch.float32))
    nb = getattr(nn, bn_name)(channels, affine=affine, bias=bias)
    nb.load_state_dict({k: v.numpy() for k, v in tb.state_dict().items()})
    return nb.eval(), tb.eval()


def _twin(name, args, kwargs):
    tm = getattr(torch.nn, name)(*args, **kwargs)
    nm = getattr(nn, name)(*args, **kwargs)
    nm.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    return nm.eval(), tm.eval()


def _close(a, b, **tol):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), **({"rtol": 1e-5, "atol": 1e-5} | tol))


@pytest.mark.parametrize("conv_name, bn_name, args, kwargs, shape, transpose", CONVS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CONVS)])
def test_fuse_conv_bn_eval_matches_torch_and_the_unfused_pair(conv_name, bn_name, args, kwargs, shape, transpose):
    nc, tc = _twin(conv_name, args, kwargs)
    nb, tb = _trained_bn(bn_name, args[1])
    nf = nn.utils.fuse_conv_bn_eval(nc, nb, transpose=transpose)
    tf = torch.nn.utils.fuse_conv_bn_eval(tc, tb, transpose=transpose)
    assert type(nf) is type(nc) and nf is not nc and repr(nf) == repr(tf)
    assert type(nf.weight) is nn.Parameter and type(nf.bias) is nn.Parameter
    assert nf.weight.requires_grad == tf.weight.requires_grad and nf.bias.requires_grad == tf.bias.requires_grad
    _close(nf.weight, tf.weight)
    _close(nf.bias, tf.bias)
    x = rng.standard_normal(shape).astype(np.float32)
    fused = nf(nnstudio.tensor(x))
    _close(fused, tf(torch.tensor(x)), atol=1e-4)
    _close(fused, nb(nc(nnstudio.tensor(x))), atol=1e-4)  # the unfused eval pair
    assert (nc.bias is None) == (kwargs.get("bias") is False)  # the original conv is untouched


@pytest.mark.parametrize("affine, bias", [(True, True), (False, True), (True, False)])
def test_fuse_conv_bn_weights_with_missing_parts_as_torch(affine, bias):
    nc, tc = _twin("Conv2d", (3, 4, 3), {"bias": False})
    nb, tb = _trained_bn("BatchNorm2d", 4, affine=affine, bias=bias)
    nw, nbias = nn.utils.fuse_conv_bn_weights(nc.weight, None, nb.running_mean, nb.running_var, nb.eps, nb.weight,
                                              nb.bias)
    tw, tbias = torch.nn.utils.fuse_conv_bn_weights(tc.weight, None, tb.running_mean, tb.running_var, tb.eps,
                                                    tb.weight, tb.bias)
    _close(nw, tw)
    _close(nbias, tbias)
    assert nbias.requires_grad == tbias.requires_grad and nw.requires_grad == tw.requires_grad


@pytest.mark.parametrize("out_features, bn_features, shape", [(5, 5, (6, 4)), (5, 1, (6, 4)), (3, 3, (2, 4))])
@pytest.mark.parametrize("bias", [True, False])
def test_fuse_linear_bn_eval_matches_torch_and_the_unfused_pair(out_features, bn_features, shape, bias):
    nl, tl = _twin("Linear", (4, out_features), {"bias": bias})
    nb, tb = _trained_bn("BatchNorm1d", bn_features)
    nf = nn.utils.fuse_linear_bn_eval(nl, nb)
    tf = torch.nn.utils.fuse_linear_bn_eval(tl, tb)
    assert repr(nf) == repr(tf)
    _close(nf.weight, tf.weight)
    _close(nf.bias, tf.bias)
    x = rng.standard_normal(shape).astype(np.float32)
    _close(nf(nnstudio.tensor(x)), tf(torch.tensor(x)), atol=1e-4)
    if bn_features == out_features:
        _close(nf(nnstudio.tensor(x)), nb(nl(nnstudio.tensor(x))), atol=1e-4)
    nw, nbias = nn.utils.fuse_linear_bn_weights(nl.weight, nl.bias, nb.running_mean, nb.running_var, nb.eps,
                                                nb.weight, nb.bias)
    _close(nw, tf.weight)
    _close(nbias, tf.bias)


def test_fusion_float64_keeps_the_dtype_as_torch():
    nc, tc = _twin("Conv1d", (2, 3, 3), {})
    nb, tb = _trained_bn("BatchNorm1d", 3)
    nf = nn.utils.fuse_conv_bn_eval(nc.double(), nb.double())
    tf = torch.nn.utils.fuse_conv_bn_eval(tc.double(), tb.double())
    assert str(nf.weight.dtype).split(".")[1] == str(tf.weight.dtype).split(".")[1] == "float64"
    _close(nf.weight, tf.weight, rtol=1e-12, atol=1e-12)
    _close(nf.bias, tf.bias, rtol=1e-12, atol=1e-12)


def test_fusion_errors_as_torch():
    for lib in (nn, torch.nn):
        conv, bn = lib.Conv2d(2, 3, 1), lib.BatchNorm2d(3)
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            lib.utils.fuse_conv_bn_eval(conv, bn.eval())
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            lib.utils.fuse_linear_bn_eval(lib.Linear(2, 3), bn)
        with pytest.raises(AssertionError, match="running_mean and bn.running_var must not be None"):
            lib.utils.fuse_conv_bn_eval(conv.eval(), lib.BatchNorm2d(3, track_running_stats=False).eval())
        with pytest.raises(AssertionError, match="linear.out_features=3 and bn.num_features=2"):
            lib.utils.fuse_linear_bn_eval(lib.Linear(2, 3).eval(), lib.BatchNorm1d(2).eval())


def test_skip_init_builds_the_module_without_drawing_as_torch():
    for lib in (nnstudio, torch):
        lib.manual_seed(4)
        expected = lib.rand(3).numpy()
        lib.manual_seed(4)
        m = lib.nn.utils.skip_init(lib.nn.Linear, 5, 2, bias=True)
        assert lib.rand(3).numpy().tolist() == expected.tolist()  # the generator did not move
        assert type(m) is lib.nn.Linear and tuple(m.weight.shape) == (2, 5) and m.weight.requires_grad
        assert str(m.weight.device) == "cpu"
        c = lib.nn.utils.skip_init(lib.nn.Conv2d, 2, 3, kernel_size=3, dtype=lib.float64)
        assert tuple(c.weight.shape) == (3, 2, 3, 3) and c.weight.dtype == lib.float64
        lib.nn.init.ones_(c.weight)  # initialisation works again afterwards
        assert float(c.weight.detach().sum()) == 54.0
    with pytest.raises(RuntimeError, match="'device' arg") as t_err:
        torch.nn.utils.skip_init(torch.nn.ReLU)
    with pytest.raises(RuntimeError, match="'device' arg") as n_err:
        nn.utils.skip_init(nn.ReLU)
    assert str(n_err.value) == str(t_err.value)
    with pytest.raises(RuntimeError, match="Expected a Module"):
        torch.nn.utils.skip_init(dict)
    with pytest.raises(RuntimeError, match="Expected a Module"):
        nn.utils.skip_init(dict)


@pytest.mark.parametrize("which, fmt", [("2d", "channels_last"), ("3d", "channels_last_3d"),
                                        ("2d", "contiguous_format")])
def test_convert_conv_weight_memory_format_returns_the_module_with_the_same_outputs(which, fmt):
    conv = "Conv2d" if which == "2d" else "Conv3d"
    shape = (2, 3, 5, 5) if which == "2d" else (1, 3, 4, 4, 4)

    def build(mod):
        return mod.Sequential(getattr(mod, conv)(3, 4, 3), mod.ReLU(), mod.Sequential(getattr(mod, conv)(4, 2, 1)))

    nm, tm = build(nn), build(torch.nn)
    nm.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})
    name = f"convert_conv{which[0]}d_weight_memory_format"
    assert getattr(nn.utils, name)(nm, getattr(nnstudio, fmt)) is nm
    assert getattr(torch.nn.utils, name)(tm, getattr(torch, fmt)) is tm
    x = rng.standard_normal(shape).astype(np.float32)
    _close(nm(nnstudio.tensor(x)), tm(torch.tensor(x)), atol=1e-5)
    assert repr(nm) == repr(tm)


def test_exported_names_and_modules_as_torch():
    assert sorted(nn.utils.__all__) == sorted(torch.nn.utils.__all__)
    for name in ("fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights",
                 "skip_init", "convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"):
        assert getattr(nn.utils, name).__module__ == getattr(torch.nn.utils, name).__module__.replace(
            "torch", "nnstudio")
