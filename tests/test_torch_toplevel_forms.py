"""torch's top-level forms checked against torch 2.13: the stacked RNN functions on a flat weight list, the
native_* normalisations with their statistics, conv_tbc / constant_pad_nd / grid samplers / embedding_renorm_,
eager control flow and sym_* helpers, empty_permuted, nonzero_static, histogramdd, and the Tensor methods
set_ / is_set_to / as_subclass / module_load / map2_ / lu and the removed solve family."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")


def _pair(shape, seed=0, requires_grad=True):
    arr = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return (nnstudio.tensor(arr, requires_grad=requires_grad), torch.tensor(arr, requires_grad=requires_grad))


def _close(a, b, atol=1e-5):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-4, atol=atol)


# ------------------------------------------------------------------------------------ stacked recurrent layers

@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("bidirectional,batch_first,has_biases", [(False, False, True), (True, True, True),
                                                                   (False, True, False)])
def test_stacked_rnn_matches_torch(mode, bidirectional, batch_first, has_biases):
    layers, hidden, inp, seq, batch = 2, 5, 3, 4, 2
    directions = 2 if bidirectional else 1
    gates = {"lstm": 4, "gru": 3}.get(mode, 1)
    params_n, params_t = [], []
    seed = 10
    for layer in range(layers):
        for _ in range(directions):
            in_size = inp if layer == 0 else hidden * directions
            shapes = [(gates * hidden, in_size), (gates * hidden, hidden)]
            if has_biases:
                shapes += [(gates * hidden,), (gates * hidden,)]
            for shape in shapes:
                seed += 1
                a, b = _pair(shape, seed)
                params_n.append(a)
                params_t.append(b)
    x_n, x_t = _pair((batch, seq, inp) if batch_first else (seq, batch, inp), 1)
    h_n, h_t = _pair((layers * directions, batch, hidden), 2)
    if mode == "lstm":
        c_n, c_t = _pair((layers * directions, batch, hidden), 3)
        hx_n, hx_t = [h_n, c_n], [h_t, c_t]
    else:
        hx_n, hx_t = h_n, h_t
    args = (has_biases, layers, 0.0, True, bidirectional, batch_first)
    out_n = getattr(nnstudio, mode)(x_n, hx_n, params_n, *args)
    out_t = getattr(torch, mode)(x_t, hx_t, params_t, *args)
    assert len(out_n) == len(out_t)
    for a, b in zip(out_n, out_t):
        assert tuple(a.shape) == tuple(b.shape)
        _close(a, b)
    sum(o.sum() * (i + 1) for i, o in enumerate(out_n)).backward()
    sum(o.sum() * (i + 1) for i, o in enumerate(out_t)).backward()
    for a, b in zip([x_n, h_n, *params_n], [x_t, h_t, *params_t]):
        _close(a.grad, b.grad, atol=1e-4)


def test_stacked_rnn_refuses_wrong_weights_and_the_packed_form():
    x = nnstudio.randn(4, 2, 3)
    h = nnstudio.zeros(1, 2, 5)
    w = [nnstudio.randn(20, 3), nnstudio.randn(20, 5)]
    with pytest.raises(RuntimeError, match="expected 4 weight tensors"):
        nnstudio.lstm(x, [h, h], w, True, 1, 0.0, False, False, False)
    with pytest.raises(NotImplementedError, match="packed-sequence"):
        nnstudio.lstm(x, nnstudio.tensor([2, 2]), [h, h], w, False, 1, 0.0, False, False)
    with pytest.raises(NotImplementedError, match="packed-sequence"):
        nnstudio.gru(x, nnstudio.tensor([2, 2]), h, w, False, 1, 0.0, False, False)


# --------------------------------------------------------------------------------- native_* with statistics

def test_native_layer_norm_matches_torch():
    x_n, x_t = _pair((2, 3, 4))
    w_n, w_t = _pair((3, 4), 5)
    out_n = nnstudio.native_layer_norm(x_n, [3, 4], w_n, None, 1e-5)
    out_t = torch.native_layer_norm(x_t, [3, 4], w_t, None, 1e-5)
    for a, b in zip(out_n, out_t):
        assert tuple(a.shape) == tuple(b.shape)
        _close(a, b)
    out_n[0].square().sum().backward()
    out_t[0].square().sum().backward()
    _close(x_n.grad, x_t.grad, atol=1e-4)
    _close(w_n.grad, w_t.grad, atol=1e-4)


@pytest.mark.parametrize("training", [True, False])
def test_native_batch_norm_matches_torch(training):
    x_n, x_t = _pair((4, 3, 2, 5))
    rm_n, rm_t = nnstudio.zeros(3), torch.zeros(3)
    rv_n, rv_t = nnstudio.ones(3), torch.ones(3)
    out_n = nnstudio.native_batch_norm(x_n, None, None, rm_n, rv_n, training, 0.1, 1e-5)
    out_t = torch.native_batch_norm(x_t, None, None, rm_t, rv_t, training, 0.1, 1e-5)
    for a, b in zip(out_n, out_t):
        assert tuple(a.shape) == tuple(b.shape)
        _close(a, b)
    _close(rm_n, rm_t)
    _close(rv_n, rv_t)


def test_native_group_norm_and_channel_shuffle_match_torch():
    x_n, x_t = _pair((2, 6, 4, 5))
    out_n = nnstudio.native_group_norm(x_n, None, None, 2, 6, 20, 3, 1e-5)
    out_t = torch.native_group_norm(x_t, None, None, 2, 6, 20, 3, 1e-5)
    for a, b in zip(out_n, out_t):
        assert tuple(a.shape) == tuple(b.shape)
        _close(a, b)
    _close(nnstudio.native_channel_shuffle(x_n, 3), torch.native_channel_shuffle(x_t, 3))
    with pytest.raises(RuntimeError, match="does not match"):
        nnstudio.native_group_norm(x_n, None, None, 2, 5, 20, 3, 1e-5)


def test_native_dropout_mask_and_scale():
    x = nnstudio.rand(200, 50) + 0.5
    out, mask = nnstudio.native_dropout(x, 0.3, True)
    assert mask.dtype == nnstudio.bool
    keep = mask.numpy()
    np.testing.assert_allclose(out.numpy(), np.where(keep, x.numpy() / 0.7, 0), rtol=1e-6)
    assert 0.65 < keep.mean() < 0.75
    same, ones = nnstudio.native_dropout(x, 0.3, False)
    assert bool(ones.all()) and same is not x and nnstudio.equal(same, x)
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        nnstudio.native_dropout(x, 1.5, True)


# ------------------------------------------------------------------------------ convolution, padding, sampling

def test_conv_tbc_constant_pad_and_norm_except_dim_match_torch():
    x_n, x_t = _pair((6, 2, 3))
    w_n, w_t = _pair((3, 3, 4), 1)
    b_n, b_t = _pair((4,), 2)
    _close(nnstudio.conv_tbc(x_n, w_n, b_n, 1), torch.conv_tbc(x_t, w_t, b_t, 1))
    nnstudio.conv_tbc(x_n, w_n, b_n, 1).sum().backward()
    torch.conv_tbc(x_t, w_t, b_t, 1).sum().backward()
    _close(w_n.grad, w_t.grad, atol=1e-4)
    _close(nnstudio.constant_pad_nd(x_n, [1, 2], 3.0), torch.constant_pad_nd(x_t, [1, 2], 3.0))
    for dim in (0, 2, -1):
        got, want = nnstudio.norm_except_dim(x_n, 2, dim), torch.norm_except_dim(x_t, 2, dim)
        assert tuple(got.shape) == tuple(want.shape)
        _close(got, want)


def test_grid_sampler_2d_and_affine_grid_generator_match_torch():
    x_n, x_t = _pair((1, 2, 5, 6), requires_grad=False)
    theta = np.array([[[0.9, 0.1, 0.05], [-0.2, 1.1, 0.0]]], np.float32)
    g_n = nnstudio.affine_grid_generator(nnstudio.tensor(theta), [1, 2, 4, 3], False)
    g_t = torch.affine_grid_generator(torch.tensor(theta), [1, 2, 4, 3], False)
    _close(g_n, g_t)
    for interp, padding in ((0, 0), (1, 1), (0, 2)):
        _close(nnstudio.grid_sampler_2d(x_n, g_n, interp, padding, False),
               torch.grid_sampler_2d(x_t, g_t, interp, padding, False))


def test_embedding_renorm_in_place_as_torch():
    w_n, w_t = _pair((5, 3), requires_grad=False)
    w_n.mul_(3)
    w_t.mul_(3)
    idx = [0, 2, 2, 4]
    assert nnstudio.embedding_renorm_(w_n, nnstudio.tensor(idx), 1.0, 2.0) is w_n
    torch.embedding_renorm_(w_t, torch.tensor(idx), 1.0, 2.0)
    _close(w_n, w_t)


# ------------------------------------------------------------------------------- control flow, sym helpers

def test_cond_and_while_loop_as_torch():
    x_n, x_t = nnstudio.ones(2), torch.ones(2)
    for pred in (True, 0, nnstudio.tensor(False)):
        pred_t = torch.tensor(bool(pred)) if isinstance(pred, nnstudio.Tensor) else pred
        got = nnstudio.cond(pred, lambda a: a + 1, lambda a: a * 3, (x_n,))
        want = torch.cond(pred_t, lambda a: a + 1, lambda a: a * 3, (x_t,))
        _close(got, want)
    with pytest.raises(RuntimeError, match="single-element"):
        nnstudio.cond(nnstudio.tensor([True, False]), lambda: 1, lambda: 2)
    i, s = nnstudio.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (nnstudio.tensor(0), x_n))
    it, st = torch.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (torch.tensor(0), x_t))
    assert int(i) == int(it)
    _close(s, st)


@pytest.mark.parametrize("call", ["sym_int(-3.7)", "sym_float(3)", "sym_max(2, 5.0)", "sym_min(2.0, 5)",
                                  "sym_max(4, 1)", "sym_not(True)", "sym_sqrt(2)", "sym_ite(True, 1, 2)",
                                  "sym_sum((1, 2.5))", "sym_fresh_size(3)",
                                  "sym_constrain_range(2, min=0, max=3)", "sym_constrain_range_for_size(1)"])
def test_sym_helpers_as_torch(call):
    got, want = eval(f"nnstudio.{call}"), eval(f"torch.{call}")
    assert got == want and type(got) is type(want)


def test_sym_constrain_range_refuses_as_torch():
    for lib in (nnstudio, torch):
        with pytest.raises(RuntimeError, match="Invalid value range for 5 between"):
            lib.sym_constrain_range(5, min=0, max=3)
        with pytest.raises(RuntimeError, match="Invalid value range for -1"):
            lib.sym_constrain_range_for_size(-1)


# ---------------------------------------------------------------------------- creation, indexing, statistics

@pytest.mark.parametrize("size,layout", [((2, 3, 4), (0, 2, 1)), ((2, 3, 4, 5), (0, 2, 3, 1)), ((3,), (0,))])
def test_empty_permuted_strides_as_torch(size, layout):
    got = nnstudio.empty_permuted(size, layout)
    assert tuple(got.shape) == size
    assert got.stride() == torch.empty_permuted(size, layout).stride()
    with pytest.raises(RuntimeError, match="not a permutation"):
        nnstudio.empty_permuted((2, 3), (0, 0))


def test_nonzero_static_as_torch():
    for data, size, fill in (([0, 1, 0, 2], 4, -1), ([[0, 1], [1, 1]], 2, -7), ([0, 0], 3, 9)):
        got = nnstudio.nonzero_static(nnstudio.tensor(data), size=size, fill_value=fill)
        want = torch.nonzero_static(torch.tensor(data), size=size, fill_value=fill)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert got.dtype == nnstudio.int64


def test_histogramdd_as_torch():
    pts = np.random.default_rng(3).random((40, 2)).astype(np.float32)
    weight = np.random.default_rng(4).random(40).astype(np.float32)
    for kwargs in ({"bins": 3}, {"bins": [2, 4], "range": [0.0, 1.0, 0.0, 1.0], "density": True}):
        got = nnstudio.histogramdd(nnstudio.tensor(pts), weight=nnstudio.tensor(weight), **kwargs)
        want = torch.histogramdd(torch.tensor(pts), weight=torch.tensor(weight), **kwargs)
        _close(got.hist, want.hist)
        for a, b in zip(got.bin_edges, want.bin_edges, strict=True):
            _close(a, b)


def test_runtime_introspection():
    assert nnstudio.get_device_module("cpu") is nnstudio.cpu
    assert nnstudio.get_device_module("cuda:0") is nnstudio.cuda
    assert nnstudio.get_device_module() is nnstudio.cpu
    with pytest.raises(RuntimeError, match="corresponding module"):
        nnstudio.get_device_module("xla")
    assert nnstudio.set_flush_denormal(True) is False  # NumPy cannot flush denormals: torch's "unsupported"
    assert nnstudio.is_vulkan_available() is False
    assert nnstudio.is_storage(nnstudio.ones(1)) is False


# ------------------------------------------------------------------------------------------- Tensor methods

def test_set_and_is_set_to_share_memory_as_torch():
    for lib in (nnstudio, torch):
        src = lib.arange(6.0)
        t = lib.zeros(3)
        t.set_(src, 1, (2, 2), (2, 1))
        assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]
        src[1] = 100.0
        assert t[0, 0].item() == 100.0
        whole = lib.zeros(1)
        whole.set_(src)
        assert whole.is_set_to(src) and src.is_set_to(whole) and not t.is_set_to(src)
        empty = lib.ones(2)
        empty.set_()
        assert tuple(empty.shape) == (0,)
    with pytest.raises(RuntimeError, match="type"):
        nnstudio.zeros(2).set_(nnstudio.arange(3))
    with pytest.raises(RuntimeError):
        nnstudio.zeros(2, requires_grad=True).set_(nnstudio.ones(2))


def test_as_subclass_module_load_map2_as_torch():
    class Mine(nnstudio.Tensor):
        pass

    x = nnstudio.ones(2, requires_grad=True)
    y = x.as_subclass(Mine)
    assert type(y) is Mine and y.requires_grad
    (y * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    with pytest.raises(TypeError):
        x.as_subclass(int)
    p = nnstudio.zeros(2)
    loaded = p.module_load(nnstudio.ones(2))
    assert loaded is not p and p.tolist() == [1.0, 1.0] and not loaded.requires_grad
    other = nnstudio.full((2,), 5.0)
    assigned = nnstudio.zeros(2).module_load(other, assign=True)
    assert assigned is not other and assigned.tolist() == [5.0, 5.0]
    got = nnstudio.ones(3).map2_(nnstudio.arange(3.0) * 2, nnstudio.arange(3.0), lambda a, b, c: a + b * c)
    want = torch.ones(3).map2_(torch.arange(3.0) * 2, torch.arange(3.0), lambda a, b, c: a + b * c)
    assert got.tolist() == want.tolist()


def test_tensor_lu_and_the_removed_solvers_as_torch():
    a_n, a_t = _pair((3, 3), requires_grad=False)
    lu_n, piv_n = a_n.lu()
    lu_t, piv_t = a_t.lu()
    _close(lu_n, lu_t)
    np.testing.assert_array_equal(piv_n.numpy(), piv_t.numpy())
    for name, args in (("solve", (a_n,)), ("lstsq", (a_n,)), ("symeig", ()), ("eig", ())):
        with pytest.raises(RuntimeError, match="deprecated since version 1.9"):
            getattr(a_n, name)(*args)
        with pytest.raises(RuntimeError, match="deprecated since version 1.9"):
            getattr(a_t, name)(*args)


def test_tile_takes_separate_ints_as_a_method_and_one_sequence_as_a_function():
    for lib in (nnstudio, torch):
        x = lib.arange(6).reshape(2, 3)
        assert lib.is_tensor(x.tile(2, 1))
    xs = (nnstudio.arange(6).reshape(2, 3), torch.arange(6).reshape(2, 3))
    for call in (lambda x: x.tile(2, 1), lambda x: x.tile((2,)), lambda x: x.tile(3), lambda x: x.tile([1, 2, 2])):
        np.testing.assert_array_equal(call(xs[0]).numpy(), call(xs[1]).numpy())
    np.testing.assert_array_equal(nnstudio.tile(xs[0], (2, 2)).numpy(), torch.tile(xs[1], (2, 2)).numpy())
    with pytest.raises(TypeError):
        nnstudio.tile(xs[0], 2, 2)
    with pytest.raises(TypeError):
        torch.tile(xs[1], 2, 2)


def test_matrix_power_of_an_integer_matrix_as_torch():
    m = [[1, 2], [3, 4]]
    for n in (0, 1, 2, 5):
        ours, theirs = nnstudio.tensor(m).matrix_power(n), torch.tensor(m).matrix_power(n)
        assert ours.dtype == nnstudio.int64
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    with pytest.raises(RuntimeError, match="floating point"):
        nnstudio.tensor(m).matrix_power(-1)
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor(m).matrix_power(-1)
