"""The nn modules and functionals added for torch's surface (instance norm, pixel/channel shuffle, fold/unfold,
LRN, RMSNorm, more activations, losses and poolings, ParameterDict, DataParallel): values, input and parameter
gradients, buffers and reprs against torch 2.13."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
import nnstudio.nn as nn
from tests.helpers.parity import check_buffers_equal, check_function_parity, check_module_parity

torch = pytest.importorskip("torch")
R = np.random.default_rng(0)


def x(*shape):
    return R.standard_normal(shape).astype(np.float32)


MODULES = [
    ("InstanceNorm1d", (4,), {}, [x(2, 4, 7)]),
    ("InstanceNorm1d", (4,), dict(affine=True), [x(4, 7)]),
    ("InstanceNorm2d", (3,), dict(affine=True, track_running_stats=True), [x(2, 3, 5, 6)]),
    ("InstanceNorm3d", (2,), dict(affine=True), [x(2, 2, 3, 4, 5)]),
    ("PixelShuffle", (2,), {}, [x(2, 8, 3, 4)]),
    ("PixelUnshuffle", (2,), {}, [x(2, 2, 4, 6)]),
    ("ChannelShuffle", (3,), {}, [x(2, 6, 3, 2)]),
    ("Unfold", ((2, 3),), dict(padding=1, stride=(2, 1), dilation=(1, 2)), [x(2, 3, 6, 7)]),
    ("Fold", ((4, 5), (2, 2)), dict(stride=1), [x(2, 12, 12)]),
    ("LocalResponseNorm", (3,), {}, [x(2, 6, 4, 4)]),
    ("LocalResponseNorm", (2,), dict(alpha=0.1, beta=0.5, k=2.0), [x(2, 5, 7)]),
    ("RMSNorm", ((5,),), {}, [x(3, 5)]),
    ("RMSNorm", ((2, 5),), dict(eps=1e-3), [x(3, 2, 5)]),
    ("CELU", (), dict(alpha=0.7), [x(3, 5)]),
    ("SELU", (), {}, [x(3, 5)]),
    ("GLU", (), dict(dim=1), [x(3, 6)]),
    ("Hardshrink", (), dict(lambd=0.3), [x(3, 5)]),
    ("Softshrink", (), dict(lambd=0.3), [x(3, 5)]),
    ("Softsign", (), {}, [x(3, 5)]),
    ("Tanhshrink", (), {}, [x(3, 5)]),
    ("Threshold", (0.1, 20.0), {}, [x(3, 5)]),
    ("Softmax2d", (), {}, [x(2, 3, 4, 4)]),
    ("LPPool1d", (2, 3), dict(stride=2), [np.abs(x(2, 3, 9)) + 0.1]),
    ("LPPool2d", (3, 2), {}, [np.abs(x(2, 3, 6, 6)) + 0.1]),
    ("Identity", (), {}, [x(2, 3)]),
]


@pytest.mark.parametrize("name,args,kwargs,inputs", MODULES, ids=[f"{m[0]}-{i}" for i, m in enumerate(MODULES)])
def test_module_matches_torch(name, args, kwargs, inputs):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    with torch.no_grad():
        for p in theirs.parameters():
            p.add_(torch.randn(p.shape) * 0.1)
    check_module_parity(ours, theirs, inputs)
    check_buffers_equal(ours, theirs)
    ours.eval()
    theirs.eval()
    check_module_parity(ours, theirs, inputs, train=False, copy=False, backward=False)


def test_rrelu_and_alpha_dropouts_in_eval_match_torch():
    for ours, theirs in ((nn.RReLU(0.1, 0.3), torch.nn.RReLU(0.1, 0.3)),
                         (nn.AlphaDropout(0.2), torch.nn.AlphaDropout(0.2)),
                         (nn.FeatureAlphaDropout(0.2), torch.nn.FeatureAlphaDropout(0.2))):
        check_module_parity(ours, theirs, [x(2, 3, 4)], train=False)


def test_alpha_dropout_keeps_mean_and_variance_of_selu_outputs():
    nnstudio.manual_seed(0)
    z = nnstudio.randn(200000)
    y = nn.AlphaDropout(0.3).train()(z)
    assert abs(float(y.mean())) < 0.02 and abs(float(y.var()) - 1) < 0.03
    y = nn.RReLU().train()(-nnstudio.ones(100000))
    slopes = -y.numpy()
    assert slopes.min() >= 1 / 8 - 1e-6 and slopes.max() <= 1 / 3 + 1e-6
    assert abs(slopes.mean() - (1 / 8 + 1 / 3) / 2) < 0.01


LOSSES = [
    ("PoissonNLLLoss", {}, [x(4, 3), np.abs(x(4, 3)) * 3]),
    ("PoissonNLLLoss", dict(log_input=False, full=True, reduction="sum"), [np.abs(x(4, 3)) + 0.1,
                                                                            np.round(np.abs(x(4, 3)) * 3)]),
    ("GaussianNLLLoss", {}, [x(4, 3), x(4, 3), np.abs(x(4, 3)) + 0.1]),
    ("GaussianNLLLoss", dict(full=True, reduction="none"), [x(4, 3), x(4, 3), np.abs(x(4, 1)) + 0.1]),
    ("MarginRankingLoss", dict(margin=0.2), [x(5), x(5), np.sign(x(5))]),
    ("HingeEmbeddingLoss", dict(margin=0.5), [x(5, 2), np.sign(x(5, 2))]),
    ("SoftMarginLoss", {}, [x(5, 2), np.sign(x(5, 2))]),
    ("CosineEmbeddingLoss", dict(margin=0.1), [x(5, 3), x(5, 3), np.sign(x(5))]),
    ("MultiMarginLoss", {}, [x(4, 5), np.array([0, 2, 4, 1])]),
    ("MultiMarginLoss", dict(p=2, margin=0.5, reduction="sum"), [x(4, 5), np.array([0, 2, 4, 1])]),
    ("MultiLabelMarginLoss", {}, [x(3, 4), np.array([[3, 0, -1, 1], [1, 2, 3, -1], [0, -1, 2, 2]])]),
    ("TripletMarginWithDistanceLoss", dict(margin=0.5, swap=True), [x(4, 3), x(4, 3), x(4, 3)]),
]


@pytest.mark.parametrize("name,kwargs,inputs", LOSSES, ids=[f"{m[0]}-{i}" for i, m in enumerate(LOSSES)])
def test_loss_matches_torch(name, kwargs, inputs):
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    grads = [a.dtype.kind == "f" and i == 0 or (name == "GaussianNLLLoss" and i == 2) for i, a in enumerate(inputs)]
    check_module_parity(ours, theirs, inputs, grad_inputs=grads)


def test_instance_norm_running_stats_and_eval_match_torch():
    ours, theirs = nn.InstanceNorm2d(3, track_running_stats=True, momentum=0.3), \
        torch.nn.InstanceNorm2d(3, track_running_stats=True, momentum=0.3)
    for _ in range(3):
        check_module_parity(ours, theirs, [x(2, 3, 4, 4)], copy=False)
    check_buffers_equal(ours, theirs)
    ours.eval()
    theirs.eval()
    check_module_parity(ours, theirs, [x(2, 3, 4, 4)], train=False, copy=False)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_max_unpool_inverts_max_pool_like_torch():
    def fn(lib, a, b):
        pooled, idx = lib.nn.functional.max_pool2d(a, 2, return_indices=True)
        pooled_b, idx_b = lib.nn.functional.max_pool2d(b, 2, return_indices=True)
        return lib.nn.functional.max_unpool2d(pooled, idx, 2), lib.nn.functional.max_unpool2d(
            pooled_b, idx_b, 2, output_size=(7, 7))

    check_function_parity(fn, [x(2, 3, 6, 6), x(2, 3, 7, 7)])

    def fn1(lib, a):
        pooled, idx = lib.nn.functional.max_pool1d(a, 3, stride=2, return_indices=True)
        return lib.nn.MaxUnpool1d(3, stride=2)(pooled, idx)

    check_function_parity(fn1, [x(2, 3, 9)])


def test_functional_aliases_match_torch():
    check_function_parity(lambda lib, a: lib.nn.functional.max_pool2d_with_indices(a, 2), [x(1, 2, 4, 4)])
    check_function_parity(lambda lib, a: lib.nn.functional.adaptive_max_pool1d_with_indices(a, 3), [x(1, 2, 7)])
    for name in ("relu_", "selu_", "celu_", "elu_", "leaky_relu_", "hardtanh_"):
        a = x(3, 4)
        ours, theirs = nnstudio.tensor(a), torch.tensor(a)
        out = getattr(nnstudio.nn.functional, name)(ours)
        getattr(torch.nn.functional, name)(theirs)
        assert out is ours
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-7, err_msg=name)
    check_function_parity(lambda lib, a: lib.nn.functional.instance_norm(a), [x(2, 3, 5)])
    check_function_parity(lambda lib, a: lib.nn.functional.threshold(a, 0.0, -1.0), [x(3, 4)])


def test_gumbel_softmax_soft_and_hard():
    nnstudio.manual_seed(0)
    logits = nnstudio.tensor([[1.0, 2.0, 0.5]], requires_grad=True)
    soft = nnstudio.nn.functional.gumbel_softmax(logits.expand(20000, 3), tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), 1.0, rtol=1e-5)
    hard = nnstudio.nn.functional.gumbel_softmax(logits.expand(20000, 3), tau=0.5, hard=True)
    freq = hard.detach().numpy().mean(0)
    np.testing.assert_allclose(freq, np.exp([1.0, 2.0, 0.5]) / np.exp([1.0, 2.0, 0.5]).sum(), atol=0.015)
    hard.sum().backward()
    assert logits.grad is not None


def test_errors_are_torch_kinds():
    with pytest.raises(RuntimeError, match="divisible"):
        nn.PixelShuffle(2)(nnstudio.zeros(1, 3, 2, 2))
    with pytest.raises(RuntimeError):
        torch.nn.PixelShuffle(2)(torch.zeros(1, 3, 2, 2))
    with pytest.raises(ValueError, match="num_features"):
        nn.InstanceNorm2d(3, affine=True)(nnstudio.zeros(1, 4, 2, 2))
    with pytest.raises(RuntimeError, match="sliding blocks"):
        nn.Fold((4, 5), 2)(nnstudio.zeros(1, 4, 11))
    with pytest.raises(RuntimeError, match="even"):
        nn.GLU()(nnstudio.zeros(2, 3))


def test_parameter_dict_and_data_parallel_like_torch():
    pd = nn.ParameterDict({"a": nnstudio.nn.Parameter(nnstudio.ones(2)), "b": nnstudio.zeros(3)})
    tpd = torch.nn.ParameterDict({"a": torch.nn.Parameter(torch.ones(2)), "b": torch.zeros(3)})
    assert list(pd.keys()) == list(tpd.keys()) and [n for n, _ in pd.named_parameters()] == \
        [n for n, _ in tpd.named_parameters()]
    assert isinstance(pd["b"], nnstudio.nn.Parameter) and "b" in pd and len(pd) == 2
    model, tmodel = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    dp, tdp = nn.DataParallel(model), torch.nn.DataParallel(tmodel)
    assert repr(dp) == repr(tdp) and list(dp.state_dict()) == list(tdp.state_dict())
    assert dp.module is model
    check_module_parity(dp, tdp, [x(4, 3)])
    with pytest.raises(ValueError, match="process group"):
        nnstudio.nn.parallel.DistributedDataParallel(model)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_affine_grid_and_grid_sample_match_torch(mode, padding_mode, align_corners):
    img = R.standard_normal((2, 3, 5, 6))
    theta = R.standard_normal((2, 2, 3)) * 0.7

    def fn(lib, a, t):
        grid = lib.nn.functional.affine_grid(t, (2, 3, 4, 7), align_corners=align_corners)
        return lib.nn.functional.grid_sample(a, grid, mode, padding_mode, align_corners)

    check_function_parity(fn, [img, theta], rtol=1e-9, atol=1e-10)


def test_ctc_loss_values_and_gradients_match_torch():
    t_len, n, c, s = 12, 3, 5, 4
    logits = R.standard_normal((t_len, n, c))
    targets = R.integers(1, c, (n, s))
    in_len, tg_len = np.array([12, 10, 12]), np.array([4, 3, 2])
    for reduction in ("mean", "sum", "none"):
        check_function_parity(lambda lib, x, tg, il, tl, red=reduction: lib.nn.functional.ctc_loss(
            x.log_softmax(2), tg, il, tl, reduction=red), [logits, targets, in_len, tg_len],
            rtol=1e-9, atol=1e-10)
    lp = torch.tensor(logits).log_softmax(2).numpy()  # gradients w.r.t. the log-probabilities themselves
    check_function_parity(lambda lib, x, tg, il, tl: lib.nn.CTCLoss(blank=0)(x, tg, il, tl),
                          [lp, targets, in_len, tg_len], rtol=1e-9, atol=1e-10)
    concatenated = np.concatenate([targets[b, :tg_len[b]] for b in range(n)])
    check_function_parity(lambda lib, x, tg, il, tl: lib.nn.functional.ctc_loss(x, tg, il, tl),
                          [lp, concatenated, in_len, tg_len], rtol=1e-9, atol=1e-10)
    impossible = np.array([2, 2, 2])  # 3 labels need at least 3 frames: infinite loss
    for zero_infinity in (False, True):
        ours = nnstudio.nn.functional.ctc_loss(nnstudio.tensor(lp), nnstudio.tensor(targets), nnstudio.tensor(
            impossible), nnstudio.tensor(tg_len), reduction="none", zero_infinity=zero_infinity)
        theirs = torch.nn.functional.ctc_loss(torch.tensor(lp), torch.tensor(targets), torch.tensor(impossible),
                                              torch.tensor(tg_len), reduction="none", zero_infinity=zero_infinity)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-9)


def test_pdist_matches_torch():
    for p in (2.0, 1.0, 1.5, float("inf")):
        check_function_parity(lambda lib, a, p=p: lib.nn.functional.pdist(a, p), [R.standard_normal((5, 3))],
                              rtol=1e-9, atol=1e-10)


def test_adaptive_log_softmax_matches_torch():
    ours = nn.AdaptiveLogSoftmaxWithLoss(8, 20, [5, 12], div_value=2.0, head_bias=True)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 20, [5, 12], div_value=2.0, head_bias=True)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    target = np.array([0, 4, 5, 11, 12, 19, 3, 7])
    check_module_parity(ours, theirs, [x(8, 8), target], copy=True)
    xs = x(6, 8)
    np.testing.assert_allclose(ours.log_prob(nnstudio.tensor(xs)).detach().numpy(),
                               theirs.log_prob(torch.tensor(xs)).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert ours.predict(nnstudio.tensor(xs)).tolist() == theirs.predict(torch.tensor(xs)).tolist()
    with pytest.raises(RuntimeError, match="Target values"):
        ours(nnstudio.tensor(x(2, 8)), nnstudio.tensor([0, 25]))


def test_fractional_max_pool_matches_torch_for_given_samples():
    samples2 = R.random((2, 3, 2)).astype(np.float32)
    check_function_parity(lambda lib, a: lib.nn.functional.fractional_max_pool2d(
        a, (2, 3), output_size=(4, 5), return_indices=True, _random_samples=lib.tensor(samples2)), [x(2, 3, 9, 11)],
        rtol=1e-6)
    samples3 = R.random((1, 2, 3)).astype(np.float32)
    check_function_parity(lambda lib, a: lib.nn.functional.fractional_max_pool3d_with_indices(
        a, 2, output_ratio=0.5, _random_samples=lib.tensor(samples3)), [x(1, 2, 6, 7, 8)], rtol=1e-6)
    ours = nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.5))
    theirs = torch.nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.5))
    assert tuple(ours(nnstudio.tensor(x(2, 3, 10, 12))).shape) == tuple(theirs(torch.tensor(x(2, 3, 10, 12))).shape)
    with pytest.raises(ValueError):
        nn.FractionalMaxPool2d(2)
