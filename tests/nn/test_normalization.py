"""BatchNorm1d/2d/3d, LayerNorm, GroupNorm and their functional forms against PyTorch 2.13; gradcheck of the
fused Normalize primitive in every configuration."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_buffers_equal, check_module_parity, copy_weights_from_torch

import nnstudio
import nnstudio.nn.functional as F
from nnstudio import nn

rng = np.random.default_rng(0)
# The oracle is the pinned torch 2.13 (dev extra). A GPU machine may carry an older torch, which lacks
# BatchNorm/GroupNorm's bias= and prints LayerNorm/GroupNorm without it: those checks need 2.13.
TORCH_2_13 = tuple(int(v) for v in torch.__version__.split("+")[0].split(".")[:2]) >= (2, 13)


def needs_torch_2_13(opts: dict) -> None:
    if "bias" in opts and not TORCH_2_13:
        pytest.skip(f"torch {torch.__version__} has no bias= for this layer (the pinned oracle 2.13 has)")


def data(*shape, scale=2.0, shift=0.5):
    return (rng.standard_normal(shape) * scale + shift).astype(np.float32)


def randomize_affine(tm):
    """Non-trivial weight / bias so the affine path is tested (torch inits them to ones / zeros)."""
    with torch.no_grad():
        for p in tm.parameters():
            p.copy_(torch.randn_like(p))


BN_CASES = [
    ("BatchNorm1d", (6, 4)),
    ("BatchNorm1d", (5, 4, 7)),
    ("BatchNorm2d", (3, 4, 5, 6)),
    ("BatchNorm3d", (2, 4, 3, 2, 3)),
]
BN_OPTIONS = [
    {},
    {"momentum": 0.3, "eps": 1e-3},
    {"momentum": None},
    {"affine": False},
    {"bias": False},
    {"track_running_stats": False},
]


@pytest.mark.parametrize("name,shape", BN_CASES)
@pytest.mark.parametrize("opts", BN_OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_batchnorm_train_eval_and_running_stats(name, shape, opts, device):
    needs_torch_2_13(opts)
    tm = getattr(torch.nn, name)(4, **opts)
    nm = getattr(nn, name)(4, **opts)
    randomize_affine(tm)
    copy_weights_from_torch(nm, tm)
    for step in range(3):  # several training steps: running stats and num_batches_tracked follow torch
        check_module_parity(nm, tm, [data(*shape)], train=True, device=device, copy=False, seed=step)
    if opts.get("track_running_stats", True):
        check_buffers_equal(nm, tm)
        assert int(nm.num_batches_tracked.item()) == 3
    check_module_parity(nm, tm, [data(*shape)], train=False, device=device, copy=False)


def test_batchnorm_state_dict_keys_and_repr():
    tm, nm = torch.nn.BatchNorm2d(8, momentum=None), nn.BatchNorm2d(8, momentum=None)
    assert list(nm.state_dict()) == list(tm.state_dict())
    assert nm.num_batches_tracked.dtype == nnstudio.int64
    assert repr(nm) == repr(tm)
    assert repr(nn.BatchNorm1d(3, affine=False, track_running_stats=False)) == \
        repr(torch.nn.BatchNorm1d(3, affine=False, track_running_stats=False))
    assert list(nn.BatchNorm1d(3, track_running_stats=False).state_dict()) == ["weight", "bias"]


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\): expected 4D input \(got 3D"):
        nn.BatchNorm2d(3)(nnstudio.randn(2, 3, 4))
    with pytest.raises(ValueError, match="BatchNorm1d.*2D or 3D"):
        nn.BatchNorm1d(3)(nnstudio.randn(2, 3, 4, 5))
    with pytest.raises(RuntimeError, match=r"expected 3 channels in dimension 1, got 5"):
        nn.BatchNorm1d(3)(nnstudio.randn(2, 5))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(nnstudio.randn(1, 3))
    nn.BatchNorm1d(3).eval()(nnstudio.randn(1, 3))  # fine in eval mode


def test_functional_batch_norm_matches_torch():
    x = data(4, 3, 5)
    rm, rv = data(3, scale=0.1), np.abs(data(3)) + 0.5
    w, b = data(3), data(3)
    for training in (True, False):
        t_rm, t_rv = torch.tensor(rm), torch.tensor(rv)
        n_rm, n_rv = nnstudio.tensor(rm), nnstudio.tensor(rv)
        tx = torch.tensor(x, requires_grad=True)
        nx = nnstudio.tensor(x, requires_grad=True)
        ty = torch.nn.functional.batch_norm(tx, t_rm, t_rv, torch.tensor(w), torch.tensor(b), training, 0.2, 1e-4)
        ny = F.batch_norm(nx, n_rm, n_rv, nnstudio.tensor(w), nnstudio.tensor(b), training, 0.2, 1e-4)
        np.testing.assert_allclose(ny.detach().numpy(), ty.detach().numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(n_rm.numpy(), t_rm.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(n_rv.numpy(), t_rv.numpy(), rtol=1e-5, atol=1e-6)
        ty.pow(2).sum().backward()
        ny.pow(2).sum().backward()
        np.testing.assert_allclose(nx.grad.numpy(), tx.grad.numpy(), rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("shape,normalized,opts", [
    ((4, 6), 6, {}),
    ((2, 5, 3, 4), (3, 4), {"eps": 1e-3}),
    ((3, 7), [7], {"elementwise_affine": False}),
    ((2, 3, 8), 8, {"bias": False}),
])
def test_layernorm_parity(shape, normalized, opts, device):
    tm, nm = torch.nn.LayerNorm(normalized, **opts), nn.LayerNorm(normalized, **opts)
    randomize_affine(tm)
    check_module_parity(nm, tm, [data(*shape)], device=device)
    assert repr(nm) == repr(tm) or not TORCH_2_13
    assert list(nm.state_dict()) == list(tm.state_dict())


@pytest.mark.parametrize("groups,channels,shape,opts", [
    (2, 4, (3, 4, 5), {}),
    (3, 6, (2, 6, 3, 4), {"eps": 1e-3}),
    (1, 4, (2, 4), {"affine": False}),
    (4, 4, (2, 4, 2, 2, 2), {"bias": False}),
])
def test_groupnorm_parity(groups, channels, shape, opts, device):
    needs_torch_2_13(opts)
    tm, nm = torch.nn.GroupNorm(groups, channels, **opts), nn.GroupNorm(groups, channels, **opts)
    randomize_affine(tm)
    check_module_parity(nm, tm, [data(*shape)], device=device)
    assert repr(nm) == repr(tm) or not TORCH_2_13


def test_layernorm_groupnorm_errors():
    with pytest.raises(RuntimeError, match=r"LayerNorm\(\(5,\)\): expected input with shape \[\*, 5\], got \[2, 4\]"):
        nn.LayerNorm(5)(nnstudio.randn(2, 4))
    with pytest.raises(ValueError, match=r"num_channels \(5\) must be divisible by num_groups \(2\)"):
        nn.GroupNorm(2, 5)
    with pytest.raises(RuntimeError, match=r"GroupNorm\(2, 4\): expected input of shape \(N, 4, \*\), got \(3, 6\)"):
        nn.GroupNorm(2, 4)(nnstudio.randn(3, 6))
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(nnstudio.randn(2, 5, 3), 2)


def test_functional_layer_and_group_norm_without_params():
    x = data(3, 4, 5)
    np.testing.assert_allclose(F.layer_norm(nnstudio.tensor(x), (4, 5)).numpy(),
                               torch.nn.functional.layer_norm(torch.tensor(x), (4, 5)).numpy(), atol=1e-5)
    np.testing.assert_allclose(F.group_norm(nnstudio.tensor(x), 2).numpy(),
                               torch.nn.functional.group_norm(torch.tensor(x), 2).numpy(), atol=1e-5)


# ---------------------------------------------------------------------------- gradcheck (float64)
def _r(*shape):
    return rng.standard_normal(shape)


@pytest.mark.parametrize("case", ["bn_train", "bn_eval", "bn_3d_noaffine", "ln", "ln_weight_only", "gn"])
def test_normalize_gradcheck(case, device):
    if case == "bn_train":
        fn = lambda x, w, b: F.batch_norm(x, None, None, w, b, True)  # noqa: E731
        inputs = [_r(5, 3, 4), _r(3), _r(3)]
    elif case == "bn_eval":
        rm = nnstudio.tensor(_r(3), dtype=nnstudio.float64, device=device)
        rv = nnstudio.tensor(np.abs(_r(3)) + 0.5, dtype=nnstudio.float64, device=device)
        fn = lambda x, w, b: F.batch_norm(x, rm, rv, w, b, False)  # noqa: E731
        inputs = [_r(5, 3, 2, 2), _r(3), _r(3)]
    elif case == "bn_3d_noaffine":
        fn = lambda x: F.batch_norm(x, None, None, training=True)  # noqa: E731
        inputs = [_r(2, 3, 2, 2, 2)]
    elif case == "ln":
        fn = lambda x, w, b: F.layer_norm(x, (3, 4), w, b)  # noqa: E731
        inputs = [_r(2, 3, 4), _r(3, 4), _r(3, 4)]
    elif case == "ln_weight_only":
        fn = lambda x, w: F.layer_norm(x, (4,), w)  # noqa: E731
        inputs = [_r(5, 4), _r(4)]
    else:
        fn = lambda x, w, b: F.group_norm(x, 2, w, b)  # noqa: E731
        inputs = [_r(3, 4, 5), _r(4), _r(4)]
    gradcheck(fn, inputs, device=device)
