"""Matrix products through MKL (`nnstudio/ops/mkl_blas.py`): every layout, stack and `out` MKL takes gives NumPy's
product; whatever it does not take (small, integer, complex, strided, overlapping) is NumPy's exactly; the
layers that multiply through it match torch on both paths (MKL, and NumPy's BLAS as without the package); a
forked child still multiplies.

Where the `mkl` package is not installed (macOS, ARM, `pip install nnstudio` alone) every product is NumPy's:
the MKL-path tests then skip, saying why, and the rest still check the NumPy path.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from helpers.parity import check_module_parity

import nnstudio
from nnstudio.ops import mkl_blas

rng = np.random.default_rng(0)
needs_mkl = pytest.mark.skipif(not mkl_blas.available(), reason="the optional mkl package is not installed here")
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


@pytest.fixture
def count_mkl_calls(monkeypatch):
    """How many products went through MKL (2-D and stacked) while the test ran."""
    calls = []
    for table in (mkl_blas._gemm, mkl_blas._gemm_batch):
        for dtype, fn in list(table.items()):
            monkeypatch.setitem(table, dtype, lambda *args, _fn=fn: (calls.append(1), _fn(*args))[1])
    return calls


@pytest.fixture
def numpy_blas(monkeypatch):
    """Every product on NumPy's BLAS, as in an environment without the mkl package."""
    monkeypatch.setattr(mkl_blas, "_lib", None)


def _layouts(rows: int, cols: int, dtype) -> dict:
    side = max(rows, cols)
    base = rng.standard_normal((side + 3, side + 5)).astype(dtype)
    return {
        "C": np.ascontiguousarray(base[:rows, :cols]),
        "Fortran": np.asfortranarray(base[:rows, :cols]),
        "rows of a wider array": base[1:rows + 1, 2:cols + 2],
        "transposed": np.ascontiguousarray(base[:cols, :rows]).T,
    }


@needs_mkl
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("a_layout", ["C", "Fortran", "rows of a wider array", "transposed"])
@pytest.mark.parametrize("b_layout", ["C", "Fortran", "rows of a wider array", "transposed"])
def test_every_unit_stride_layout_gives_numpys_product(count_mkl_calls, dtype, a_layout, b_layout):
    a = _layouts(130, 90, dtype)[a_layout]
    b = _layouts(90, 110, dtype)[b_layout]
    got = mkl_blas.matmul(a, b)
    assert count_mkl_calls == [1]
    assert got.shape == (130, 110) and got.dtype == dtype and got.flags.c_contiguous
    np.testing.assert_allclose(got, a.astype(np.float64) @ b.astype(np.float64), **TOL[dtype])


@needs_mkl
def test_into_out_and_accumulate(count_mkl_calls):
    a = rng.standard_normal((200, 150)).astype(np.float32)
    b = rng.standard_normal((150, 120)).astype(np.float32)
    wide = np.full((200, 130), 7.0, np.float32)
    out = wide[:, :120]  # rows of a wider array: the product lands in place, the rest stays
    assert mkl_blas.matmul(a, b, out=out) is out
    np.testing.assert_allclose(out, a @ b, rtol=2e-5, atol=2e-4)
    assert np.all(wide[:, 120:] == 7.0)
    start = rng.standard_normal((200, 120)).astype(np.float32)
    acc = start.copy()
    assert mkl_blas.matmul(a, b, out=acc, accumulate=True) is acc
    np.testing.assert_allclose(acc, start + a @ b, rtol=2e-5, atol=2e-4)
    assert len(count_mkl_calls) == 2


@needs_mkl
@pytest.mark.parametrize("case", ["broadcast weights into strided columns", "stack against stack", "stack of one"])
def test_stacks_give_numpys_product(count_mkl_calls, case):
    if case == "broadcast weights into strided columns":  # a convolution's forward: W (1, O, CK) @ cols (N, CK, L)
        a = rng.standard_normal((1, 48, 72)).astype(np.float32)
        b = rng.standard_normal((72, 9, 400)).astype(np.float32).transpose(1, 0, 2)
    elif case == "stack against stack":
        a = rng.standard_normal((4, 128, 96)).astype(np.float32)
        b = rng.standard_normal((4, 100, 96)).astype(np.float32).transpose(0, 2, 1)
    else:
        a = rng.standard_normal((1, 300, 64)).astype(np.float32)
        b = rng.standard_normal((1, 64, 2000)).astype(np.float32)[:, :, :1500]
    expected = np.matmul(a.astype(np.float64), b.astype(np.float64))
    out = np.empty(expected.shape, np.float32)
    assert mkl_blas.matmul(a, b, out=out) is out
    np.testing.assert_allclose(out, expected, rtol=2e-5, atol=2e-4)
    np.testing.assert_allclose(mkl_blas.matmul(a, b), expected, rtol=2e-5, atol=2e-4)
    assert len(count_mkl_calls) == 2


@pytest.mark.parametrize("case", ["small", "stack of small", "integer", "complex", "mixed dtypes", "no unit stride",
                                  "out overlaps a", "out of another dtype", "out not row-major", "broadcast of 1-D",
                                  "empty"])
def test_what_mkl_does_not_take_is_numpys_product_exactly(count_mkl_calls, case):
    a = rng.standard_normal((160, 120)).astype(np.float32)
    b = rng.standard_normal((120, 100)).astype(np.float32)
    out = None
    if case == "small":
        a, b = a[:8, :8].copy(), b[:8, :8].copy()
    elif case == "stack of small":  # attention's heads: 64 x 32768 multiply-adds, more than MIN_WORK in all
        a = rng.standard_normal((64, 32, 32)).astype(np.float32)
        b = rng.standard_normal((64, 32, 32)).astype(np.float32)
    elif case == "integer":
        a, b = (a * 10).astype(np.int64), (b * 10).astype(np.int64)
    elif case == "complex":
        a, b = a.astype(np.complex64), b.astype(np.complex64)
    elif case == "mixed dtypes":
        b = b.astype(np.float64)
    elif case == "no unit stride":
        a = rng.standard_normal((160, 240)).astype(np.float32)[:, ::2]
    elif case == "out overlaps a":
        a = rng.standard_normal((160, 160)).astype(np.float32)
        b = rng.standard_normal((160, 160)).astype(np.float32)
        out = a
    elif case == "out of another dtype":
        out = np.empty((160, 100), np.float64)
    elif case == "out not row-major":
        out = np.empty((100, 160), np.float32).T
    elif case == "broadcast of 1-D":
        b = b[:, 0].copy()
    else:
        a, b = a[:0], b
    # computed before `out` may overwrite a, into an `out` like the call's (its dtype decides the result's)
    expected = np.matmul(a, b) if out is None else np.matmul(a, b, out=np.empty_like(out))
    got = mkl_blas.matmul(a, b, out=out)
    assert count_mkl_calls == []
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    if out is not None:
        assert got is out


def test_available_agrees_with_torch_backends_flag():
    assert nnstudio.backends.mkl.is_available() == mkl_blas.available()
    assert (mkl_blas.library_path is not None) == mkl_blas.available()


def _layers():
    return [
        ("Linear", lambda lib: lib.nn.Linear(300, 200), (64, 300)),
        ("Linear on (B, T, F)", lambda lib: lib.nn.Linear(128, 96), (8, 32, 128)),
        ("Conv2d", lambda lib: lib.nn.Conv2d(16, 32, 3, padding=1), (8, 16, 20, 20)),
        ("Conv2d, stride 2", lambda lib: lib.nn.Conv2d(16, 32, 3, stride=2), (8, 16, 21, 21)),
        ("LSTM", lambda lib: lib.nn.LSTM(64, 128, num_layers=2), (12, 32, 64)),
        ("GRU", lambda lib: lib.nn.GRU(64, 128), (12, 32, 64)),
        ("RNN", lambda lib: lib.nn.RNN(64, 256), (12, 32, 64)),
    ]


@pytest.mark.parametrize("path", ["MKL", "NumPy's BLAS"])
@pytest.mark.parametrize("name, make, shape", _layers(), ids=[c[0] for c in _layers()])
def test_layers_match_torch_on_both_paths(request, path, name, make, shape):
    if path == "MKL" and not mkl_blas.available():
        pytest.skip("the optional mkl package is not installed here")
    if path != "MKL":
        request.getfixturevalue("numpy_blas")
    calls = request.getfixturevalue("count_mkl_calls")
    torch.manual_seed(0)
    x = rng.standard_normal(shape).astype(np.float32)
    check_module_parity(make(nnstudio), make(torch), [x], rtol=2e-4, atol=2e-4)
    assert bool(calls) == (path == "MKL"), f"{name}: products through MKL: {len(calls)}"


@needs_mkl
def test_a_forked_child_multiplies():
    """GNU OpenMP's thread pool does not survive a fork: the child multiplies on one thread (no hang)."""
    script = (
        "import os, numpy as np, nnstudio\n"
        "from nnstudio.ops import mkl_blas\n"
        "a = np.ones((512, 512), np.float32)\n"
        "assert mkl_blas.matmul(a, a)[0, 0] == 512\n"  # the parent's OpenMP pool is up
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os._exit(0 if mkl_blas.matmul(a, a)[3, 3] == 512 else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "print('child exit', os.waitstatus_to_exitcode(status))\n"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "child exit 0" in res.stdout


def test_numpy_blas_chosen_by_environment():
    res = subprocess.run([sys.executable, "-c", "import nnstudio; print(nnstudio.backends.mkl.is_available())"],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "NNSTUDIO_BLAS": "numpy"})
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


@pytest.mark.parametrize("path", ["MKL", "NumPy's BLAS"])
@pytest.mark.parametrize("shapes", [((4, 128, 96), (4, 96, 100)), ((1, 128, 96), (4, 96, 100)),
                                    ((128, 96), (4, 96, 100))], ids=["bmm", "broadcast stack", "matrix @ stack"])
def test_stacked_matmul_matches_torch_on_both_paths(request, path, shapes):
    if path == "MKL" and not mkl_blas.available():
        pytest.skip("the optional mkl package is not installed here")
    if path != "MKL":
        request.getfixturevalue("numpy_blas")
    calls = request.getfixturevalue("count_mkl_calls")
    a, b = (rng.standard_normal(s).astype(np.float32) for s in shapes)
    g = rng.standard_normal(np.broadcast_shapes(shapes[0][:-2], shapes[1][:-2]) + (128, 100)).astype(np.float32)
    ours = [nnstudio.tensor(v, requires_grad=True) for v in (a, b)]
    theirs = [torch.tensor(v, requires_grad=True) for v in (a, b)]
    (ours[0] @ ours[1]).backward(nnstudio.tensor(g))
    y = theirs[0] @ theirs[1]
    y.backward(torch.tensor(g))
    np.testing.assert_allclose((ours[0] @ ours[1]).detach().numpy(), y.detach().numpy(), rtol=1e-5, atol=1e-4)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-4)
    assert bool(calls) == (path == "MKL")
