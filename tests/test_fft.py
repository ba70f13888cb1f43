"""`torch.fft` against torch: every transform's values, dtypes, errors and float64 gradients (through real
losses, which fixes torch's complex-gradient convention), and the real-valued helpers."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("n, d", [(5, 1.0), (8, 0.1), (1, 2.0)])
def test_frequencies_match_torch(name, n, d):
    ours, theirs = getattr(nnstudio.fft, name)(n, d), getattr(torch.fft, name)(n, d)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert getattr(nnstudio.fft, name)(4, dtype=nnstudio.float64).dtype == nnstudio.float64


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1), -1])
def test_shifts_match_torch_with_gradients(name, dim):
    x = np.random.default_rng(0).standard_normal((3, 5))
    a, b = nnstudio.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = getattr(nnstudio.fft, name)(a, dim=dim), getattr(torch.fft, name)(b, dim=dim)
    np.testing.assert_array_equal(ya.detach().numpy(), yb.detach().numpy())
    w = np.arange(15.0).reshape(3, 5)
    (ya * nnstudio.tensor(w)).sum().backward()
    (yb * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
MULTI = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2", "ihfft2", "hfftn", "ihfftn"]
REAL_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}
ONE_D_ARGS = [{}, {"n": 7}, {"n": 3, "dim": 1}, {"n": 6, "dim": 0, "norm": "ortho"}, {"norm": "forward"},
              {"norm": "backward", "dim": -2}]
TWO_D_ARGS = [{}, {"s": (3, 6)}, {"dim": (0, 2)}, {"dim": (2, 0), "s": (4, 4), "norm": "ortho"},
              {"norm": "forward"}]
N_D_ARGS = TWO_D_ARGS + [{"s": (2, 3, 8), "norm": "ortho"}, {"s": (5,), "dim": (1,), "norm": "forward"},
                         {"dim": (-1,)}, {"s": (-1, 3)}]
CASES = [(name, kw) for name in ONE_D for kw in ONE_D_ARGS] + \
        [(name, kw) for name in MULTI for kw in (TWO_D_ARGS if name.endswith("2") else N_D_ARGS)]

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4, 5))
Z = X + 1j * rng.standard_normal((3, 4, 5))
WEIGHTS = rng.standard_normal((9, 9, 9)) + 1j * rng.standard_normal((9, 9, 9))


def _loss(lib, y):
    """A real loss that reads both parts of a complex y (smooth: no angle at values whose imaginary part is 0)."""
    if y.is_complex():
        w = lib.tensor(WEIGHTS[tuple(slice(0, k) for k in y.shape)])
        return (y * w).abs().pow(2).sum() + (y * y).real.sum() + (y.imag * y.real.sin()).sum()
    return (y * y.sin()).sum()


def _run(lib, name, kw, values):
    x = lib.tensor(values, requires_grad=True)
    y = getattr(lib.fft, name)(x, **kw)
    _loss(lib, y).backward()
    return y, np.asarray(y.detach().resolve_conj().numpy()), np.asarray(x.grad.resolve_conj().numpy())


@pytest.mark.parametrize("name, kw", CASES, ids=[f"{n}-{kw}" for n, kw in CASES])
@pytest.mark.parametrize("source", ["real", "complex"])
def test_transform_values_and_gradients_match_torch(name, kw, source):
    if source == "complex" and name in REAL_ONLY:
        with pytest.raises(RuntimeError, match="expects a real input tensor"):
            getattr(nnstudio.fft, name)(nnstudio.tensor(Z))
        return
    values = X if source == "real" else Z
    y_ours, v_ours, g_ours = _run(nnstudio, name, kw, values)
    y_theirs, v_theirs, g_theirs = _run(torch, name, kw, values)
    assert str(y_ours.dtype).split(".")[-1] == str(y_theirs.dtype).split(".")[-1]
    assert v_ours.shape == v_theirs.shape and g_ours.dtype == g_theirs.dtype
    np.testing.assert_allclose(v_ours, v_theirs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g_ours, g_theirs, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("name", ONE_D + MULTI)
def test_output_dtypes_follow_torch(name):
    for dtype in ("float32", "float64", "int64", "complex64"):
        if dtype == "complex64" and name in REAL_ONLY:
            continue
        ours = getattr(nnstudio.fft, name)(nnstudio.ones(4, 6, dtype=getattr(nnstudio, dtype)))
        theirs = getattr(torch.fft, name)(torch.ones(4, 6, dtype=getattr(torch, dtype)))
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1], dtype
        np.testing.assert_allclose(ours.numpy(), theirs.resolve_conj().numpy(), rtol=1e-5, atol=1e-5)


def test_out_argument_writes_the_result_as_torch():
    x = np.arange(8.0)
    ours_out, theirs_out = nnstudio.zeros(5, dtype=nnstudio.complex64), torch.zeros(5, dtype=torch.complex64)
    ours = nnstudio.fft.rfft(nnstudio.tensor(x, dtype=nnstudio.float32), out=ours_out)
    torch.fft.rfft(torch.tensor(x, dtype=torch.float32), out=theirs_out)
    assert ours is ours_out
    np.testing.assert_allclose(ours_out.numpy(), theirs_out.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="can't be cast"):
        nnstudio.fft.fft(nnstudio.ones(4), out=nnstudio.zeros(4))


@pytest.mark.parametrize("call", [lambda lib: lib.fft.fft(lib.ones(4), norm="bad"),
                                  lambda lib: lib.fft.fft(lib.ones(4), n=0),
                                  lambda lib: lib.fft.fftn(lib.ones(4), s=(2, 2), dim=(0,)),
                                  lambda lib: lib.fft.fftn(lib.ones(2, 2), dim=(0, 0)),
                                  lambda lib: lib.fft.rfft(lib.ones(4, dtype=lib.complex64)),
                                  lambda lib: lib.fft.ihfft(lib.ones(4, dtype=lib.complex64)),
                                  lambda lib: lib.fft.fft(lib.ones(4), dim=3),
                                  lambda lib: lib.fft.fft2(lib.ones(4))])
def test_errors_match_torch(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(nnstudio)
    assert str(ours.value) == str(theirs.value)


def test_spectral_layer_trains_like_torch():
    """A spectral-convolution step (rfft, a complex weight multiply, irfft) gives torch's loss and gradients."""
    x = rng.standard_normal((2, 16))
    w = rng.standard_normal((9, 2))
    results = []
    for lib in (nnstudio, torch):
        weight = lib.tensor(w, requires_grad=True)
        spectrum = lib.fft.rfft(lib.tensor(x), norm="ortho") * lib.view_as_complex(weight)
        loss = lib.fft.irfft(spectrum, n=16, norm="ortho").pow(2).mean()
        loss.backward()
        results.append((loss.item(), weight.grad.numpy()))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10)


def _fno_step_results(lib, optimizer: str):
    """Five steps of a Fourier-neural-operator layer (a complex weight on the lowest modes) with `optimizer`."""
    nn = lib.nn
    w = (np.random.default_rng(1).random((3, 4, 5)) + 1j * np.random.default_rng(2).random((3, 4, 5))) * 0.1
    x = lib.tensor(np.random.default_rng(3).standard_normal((2, 3, 16)), dtype=lib.float32)
    y = lib.tensor(np.random.default_rng(4).standard_normal((2, 4, 16)), dtype=lib.float32)
    weight = nn.Parameter(lib.tensor(w, dtype=lib.cfloat))
    opt = getattr(lib.optim, optimizer)([weight], lr=0.01, **({"momentum": 0.9} if optimizer == "SGD" else {}))
    for _ in range(5):
        opt.zero_grad()
        spectrum = lib.zeros(2, 4, 9, dtype=lib.cfloat)
        spectrum[:, :, :5] = lib.einsum("bix,iox->box", lib.fft.rfft(x)[:, :, :5], weight)
        loss = ((lib.fft.irfft(spectrum, n=16) - y) ** 2).mean()
        loss.backward()
        opt.step()
    return loss.item(), weight.detach().resolve_conj().numpy()


@pytest.mark.parametrize("optimizer", ["Adam", "AdamW", "SGD", "RMSprop"])
def test_complex_parameters_train_as_in_torch(optimizer):
    (ours, w_ours), (theirs, w_theirs) = _fno_step_results(nnstudio, optimizer), _fno_step_results(torch, optimizer)
    assert ours == pytest.approx(theirs, rel=1e-5)
    np.testing.assert_allclose(w_ours, w_theirs, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["fft", "ifft", "fft2", "ifftn", "rfft", "irfft", "hfft", "ihfft"])
@pytest.mark.parametrize("source", ["real", "complex"])
def test_graph_nodes_are_torchs(name, source):
    if source == "complex" and name in REAL_ONLY:
        return

    def chain(lib):
        x = lib.tensor(X if source == "real" else Z, requires_grad=True)
        node, names = getattr(lib.fft, name)(x).grad_fn, []
        while node is not None and type(node).__name__ != "AccumulateGrad":
            names.append(nnstudio._tensor.printing.grad_fn_name(node) if lib is nnstudio else type(node).__name__)
            node = node.parents[0] if lib is nnstudio else node.next_functions[0][0]
        return names

    assert chain(nnstudio) == chain(torch)
