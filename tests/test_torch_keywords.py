"""Keyword calls as real programs write them (`torch.add(x, y, alpha=2)`, `x.div(y, rounding_mode="floor")`,
`x.new_zeros(size=(2, 3))`, `torch.zeros_like(input=x)` ...): each case runs the same call on torch 2.13 and on
nnstudio and compares the results. Many of torch's builtins expose no Python signature, so
`test_torch_signatures.py` cannot see their argument names; these calls can."""

from __future__ import annotations

import io

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

_RNG = np.random.default_rng(0)
A = _RNG.standard_normal((2, 3)).astype(np.float32)
B = _RNG.standard_normal((3, 2)).astype(np.float32)
INTS = np.array([-7, 7, 6, -6, 5])
DIVS = np.array([2, 2, -4, -4, 5])


def _t(lib, a):
    return lib.tensor(a)


#: id -> call(lib), run once with torch and once with nnstudio
CASES = {
    "matmul(input=, other=)": lambda L: L.matmul(input=_t(L, A), other=_t(L, B)),
    "mm(input=, mat2=)": lambda L: L.mm(input=_t(L, A), mat2=_t(L, B)),
    "bmm(input=, mat2=)": lambda L: L.bmm(input=_t(L, A)[None], mat2=_t(L, B)[None]),
    "x.matmul(other=)": lambda L: _t(L, A).matmul(other=_t(L, B)),
    "x.mm(mat2=)": lambda L: _t(L, A).mm(mat2=_t(L, B)),
    "x.dot(tensor=)": lambda L: _t(L, A[0]).dot(tensor=_t(L, A[1])),
    "add(x, y, alpha=)": lambda L: L.add(_t(L, A), _t(L, A), alpha=3),
    "add(input=, other=, alpha=)": lambda L: L.add(input=_t(L, A), other=_t(L, A), alpha=-0.5),
    "x.add(other=, alpha=)": lambda L: _t(L, A).add(other=_t(L, A), alpha=2),
    "x.add(y, alpha=)": lambda L: _t(L, A).add(_t(L, A), alpha=2),
    "x.sub(other=, alpha=)": lambda L: _t(L, A).sub(other=_t(L, A), alpha=2),
    "x.mul(other=)": lambda L: _t(L, A).mul(other=_t(L, A)),
    "mul(input=, other=)": lambda L: L.mul(input=_t(L, A), other=2.5),
    "x.pow(exponent=)": lambda L: _t(L, A).pow(exponent=2),
    "pow(input=, exponent=)": lambda L: L.pow(input=_t(L, A), exponent=3),
    "x.eq(other=)": lambda L: _t(L, A).eq(other=_t(L, A)),
    "x.lt(other=)": lambda L: _t(L, A).lt(other=0.0),
    "x.ge(other=)": lambda L: _t(L, A).ge(other=0.0),
    "x.div(other=)": lambda L: _t(L, A).div(other=_t(L, A) + 3),
    "x.div(rounding_mode=floor) ints": lambda L: _t(L, INTS).div(_t(L, DIVS), rounding_mode="floor"),
    "x.div(rounding_mode=trunc) ints": lambda L: _t(L, INTS).div(_t(L, DIVS), rounding_mode="trunc"),
    "div(rounding_mode=trunc) floats": lambda L: L.div(_t(L, A) * 7, 2, rounding_mode="trunc"),
    "divide(rounding_mode=floor) floats": lambda L: L.divide(_t(L, A) * 7, 2, rounding_mode="floor"),
    "x.div_(rounding_mode=floor)": lambda L: _t(L, INTS).div_(2, rounding_mode="floor"),
    "x.allclose(equal_nan=)": lambda L: L.tensor([float("nan"), 1.0]).allclose(L.tensor([float("nan"), 1.0]),
                                                                             equal_nan=True),
    "zeros_like(input=)": lambda L: L.zeros_like(input=_t(L, A)),
    "ones_like(input=, dtype=)": lambda L: L.ones_like(input=_t(L, A), dtype=L.float64),
    "full_like(input=, fill_value=)": lambda L: L.full_like(input=_t(L, A), fill_value=2.0),
    "empty_like(input=).shape": lambda L: tuple(L.empty_like(input=_t(L, A)).shape),
    "rand_like(input=).shape": lambda L: tuple(L.rand_like(input=_t(L, A)).shape),
    "randn_like(input=, memory_format=).shape": lambda L: tuple(
        L.randn_like(input=_t(L, A), memory_format=L.preserve_format).shape),
    "chunk(input=, chunks=, dim=)": lambda L: L.chunk(input=_t(L, A), chunks=2, dim=1),
    "x.new_zeros(size=)": lambda L: _t(L, A).new_zeros(size=(2, 4)),
    "x.new_ones(size=, dtype=)": lambda L: _t(L, A).new_ones(size=[3], dtype=L.int64),
    "x.new_empty(size=).shape": lambda L: tuple(_t(L, A).new_empty(size=(1, 2)).shape),
    "x.new_zeros(0-d int tensor)": lambda L: _t(L, A).new_zeros(L.tensor(3)),
    "zeros(0-d int tensor)": lambda L: L.zeros(L.tensor([1, 2]).sum()),
    "x.new_full(size=, fill_value=)": lambda L: _t(L, A).new_full(size=(2,), fill_value=7.0),
    "x.view(size=)": lambda L: _t(L, A).view(size=(6,)),
    "x.reshape(shape=)": lambda L: _t(L, A).reshape(shape=(3, 2)),
    "x.permute(dims=)": lambda L: _t(L, A).permute(dims=(1, 0)),
    "x.transpose(dim0=, dim1=)": lambda L: _t(L, A).transpose(dim0=0, dim1=1),
    "x.sum(dim=, keepdim=, dtype=)": lambda L: _t(L, A).sum(dim=1, keepdim=True, dtype=L.float64),
    "x.topk(k=, dim=, largest=)": lambda L: _t(L, A).topk(k=2, dim=1, largest=False, sorted=True),
    "x.clamp(min=, max=)": lambda L: _t(L, A).clamp(min=-0.5, max=0.5),
    "x.masked_fill(mask=, value=)": lambda L: _t(L, A).masked_fill(mask=_t(L, A) > 0, value=0.0),
    "x.gather(dim=, index=)": lambda L: _t(L, A).gather(dim=1, index=L.tensor([[0], [2]])),
    "x.scatter_(dim=, index=, value=)": lambda L: _t(L, A).scatter_(dim=1, index=L.tensor([[0], [2]]), value=9.0),
    "x.norm(p=, dim=)": lambda L: _t(L, A).norm(p=2, dim=1),
    "x.var(dim=, correction=)": lambda L: _t(L, A).var(dim=1, correction=0),
    "cat(tensors=, dim=)": lambda L: L.cat(tensors=[_t(L, A), _t(L, A)], dim=0),
    "stack(tensors=, dim=)": lambda L: L.stack(tensors=[_t(L, A), _t(L, A)], dim=1),
    "where(condition=, input=, other=)": lambda L: L.where(condition=_t(L, A) > 0, input=_t(L, A), other=0.0),
    "arange(start=, end=, step=)": lambda L: L.arange(start=0, end=5, step=2),
    "zeros(size=)": lambda L: L.zeros(size=(2, 3)),
    "full(size=, fill_value=)": lambda L: L.full(size=(2,), fill_value=1.5),
    "tensor(data=)": lambda L: L.tensor(data=[1, 2]),
    "clamp(input=, min=, max=)": lambda L: L.clamp(input=_t(L, A), min=0.0, max=1.0),
    "max(input=, dim=)": lambda L: L.max(input=_t(L, A), dim=1),
    "softmax(input=, dim=)": lambda L: L.softmax(input=_t(L, A), dim=1),
    "flatten(input=, start_dim=)": lambda L: L.flatten(input=_t(L, A)[None], start_dim=1),
    "sort(input=, dim=, descending=)": lambda L: L.sort(input=_t(L, A), dim=1, descending=True),
    "F.linear(input=, weight=, bias=)": lambda L: L.nn.functional.linear(input=_t(L, A), weight=_t(L, B).T,
                                                                          bias=None),
    "F.conv2d(input=, weight=, ...)": lambda L: L.nn.functional.conv2d(
        input=_t(L, np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)), weight=L.ones(1, 1, 3, 3), bias=None,
        stride=1, padding=1, dilation=1, groups=1),
    "F.gelu(input=, approximate=)": lambda L: L.nn.functional.gelu(input=_t(L, A), approximate="tanh"),
    "F.dropout(input=, p=, training=)": lambda L: L.nn.functional.dropout(input=_t(L, A), p=0.5, training=False),
    "x.prod(dtype=)": lambda L: _t(L, A).prod(dtype=L.float64),
    "prod(x, 1, dtype=)": lambda L: L.prod(_t(L, A), 1, dtype=L.float64),
    "x.prod() of ints is int64": lambda L: _t(L, INTS).int().prod(0),
    "x.repeat_interleave(output_size=)": lambda L: L.tensor([1, 2]).repeat_interleave(L.tensor([2, 1]), output_size=3),
    "repeat_interleave(output_size=)": lambda L: L.repeat_interleave(_t(L, A), 2, dim=0, output_size=4),
    "x.type(dtype, non_blocking=)": lambda L: _t(L, A).type(L.float64, non_blocking=True),
    "x.gather(sparse_grad=)": lambda L: _t(L, A).gather(1, L.tensor([[0], [2]]), sparse_grad=False),
    "gather(sparse_grad=)": lambda L: L.gather(_t(L, A), 1, L.tensor([[0], [2]]), sparse_grad=False),
    "x.swapaxes(axis0=, axis1=)": lambda L: _t(L, A).swapaxes(axis0=0, axis1=1),
    "x.clone(memory_format=)": lambda L: _t(L, A).clone(memory_format=L.contiguous_format),
    "x.contiguous(memory_format=)": lambda L: _t(L, A).t().contiguous(memory_format=L.contiguous_format),
    "x.float(memory_format=)": lambda L: _t(L, INTS).float(memory_format=L.preserve_format),
    "x.long(memory_format=)": lambda L: _t(L, A).long(memory_format=L.preserve_format),
    "x.cpu(memory_format=)": lambda L: _t(L, A).cpu(memory_format=L.preserve_format),
    "x.to(dtype, memory_format=)": lambda L: _t(L, A).to(L.float64, memory_format=L.preserve_format),
    "F.normalize(out=)": lambda L: L.nn.functional.normalize(_t(L, A), dim=1, out=L.empty(2, 3)),
    "arange(layout=, pin_memory=)": lambda L: L.arange(4, layout=L.strided, pin_memory=False),
    "tensor(pin_memory=)": lambda L: L.tensor([1.5, 2.0], pin_memory=False),
    "full(layout=)": lambda L: L.full((2,), 3.0, layout=L.strided, pin_memory=False),
    "eye(layout=)": lambda L: L.eye(2, layout=L.strided),
    "linspace(layout=)": lambda L: L.linspace(0, 1, 3, layout=L.strided),
    "logspace(device=, layout=)": lambda L: L.logspace(0, 2, 3, device="cpu", layout=L.strided),
    "x.new_full(layout=, pin_memory=)": lambda L: _t(L, A).new_full((2,), 1.0, layout=L.strided, pin_memory=False),
    "randint(layout=).shape": lambda L: tuple(L.randint(3, (2,), layout=L.strided, pin_memory=False).shape),
    "randperm(pin_memory=).shape": lambda L: tuple(L.randperm(3, layout=L.strided, pin_memory=False).shape),
}


def _np(x):
    if isinstance(x, (tuple, list)):
        return [_np(v) for v in x]
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy() if hasattr(x, "cpu") else x.detach().numpy()
    return np.asarray(x)


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_keyword_call_matches_torch(case: str):
    theirs, ours = _np(CASES[case](torch)), _np(CASES[case](nnstudio))
    np.testing.assert_allclose(_flat(ours), _flat(theirs),
                               rtol=1e-6, atol=1e-6, err_msg=case)
    assert _dtypes(ours) == _dtypes(theirs), case


def _flat(x) -> np.ndarray:
    parts = x if isinstance(x, list) else [x]
    return np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in parts]) if parts else np.zeros(0)


def _dtypes(x) -> list[str]:
    parts = x if isinstance(x, list) else [x]
    return [np.asarray(p).dtype.kind for p in parts]


def test_rounded_division_keeps_a_zero_gradient_as_torch():
    for lib in (torch, nnstudio):
        a = lib.tensor([1.0, -7.0, 7.5], requires_grad=True)
        a.div(lib.tensor([0.1, 2.0, 2.0]), rounding_mode="floor").sum().backward()
        np.testing.assert_array_equal(a.grad.numpy(), [0.0, 0.0, 0.0])


def test_unknown_rounding_mode_is_refused_by_name():
    with pytest.raises(RuntimeError, match="rounding_mode"):
        nnstudio.ones(2).div(2, rounding_mode="round")


def test_mm_and_bmm_refuse_what_torch_refuses():
    with pytest.raises(RuntimeError, match="matrix"):
        nnstudio.ones(2, 3, 4).mm(nnstudio.ones(4, 2))
    with pytest.raises(RuntimeError, match="3D"):
        nnstudio.ones(3, 4).bmm(nnstudio.ones(4, 2))
    with pytest.raises(RuntimeError, match="1D"):
        nnstudio.ones(3).dot(nnstudio.ones(3, 1))


def test_save_and_load_take_torchs_pickle_and_zip_options():
    """`torch.save(sd, f, _use_new_zipfile_serialization=False)` and `torch.load(f, mmap=True)` run unchanged."""
    buf = io.BytesIO()
    nnstudio.save({"w": nnstudio.ones(2)}, buf, pickle_protocol=4, _use_new_zipfile_serialization=False)
    buf.seek(0)
    loaded = nnstudio.load(buf, map_location="cpu", weights_only=None, mmap=True, encoding="latin1")
    np.testing.assert_array_equal(loaded["w"].numpy(), [1.0, 1.0])


def test_to_copy_true_returns_a_new_tensor():
    for lib in (torch, nnstudio):
        x = lib.ones(3)
        y = x.to(lib.float32, copy=True)
        y.add_(1)
        assert x.tolist() == [1.0, 1.0, 1.0], lib.__name__


def test_random_fills_take_torchs_from_to_and_generator_keywords():
    """`uniform_(**{"from": a, "to": b})` (`from` is a Python keyword), `random_(**{"from": 0, "to": n})`, and
    `generator=` on the in-place draws and the *_like factories: a seeded generator repeats its draws."""
    for lib in (torch, nnstudio):
        x = lib.empty(1000).uniform_(**{"from": -3.0, "to": -2.0})
        assert -3.0 <= x.min().item() and x.max().item() < -2.0, lib.__name__
        r = lib.empty(1000).random_(**{"from": 5, "to": 8})
        assert set(r.long().tolist()) == {5, 6, 7}, lib.__name__
    x = nnstudio.empty(5)
    draws = {
        "uniform_": lambda g: x.uniform_(0, 1, generator=g), "normal_": lambda g: x.normal_(generator=g),
        "random_": lambda g: x.random_(0, 100, generator=g), "bernoulli_": lambda g: x.bernoulli_(0.5, generator=g),
        "exponential_": lambda g: x.exponential_(generator=g),
        "rand_like": lambda g: nnstudio.rand_like(x, generator=g),
        "randn_like": lambda g: nnstudio.randn_like(x, generator=g),
        "randint_like": lambda g: nnstudio.randint_like(x, 10**6, generator=g).float(),
    }
    for name, draw in draws.items():
        first = draw(nnstudio.Generator().manual_seed(7)).clone()
        nnstudio.manual_seed(123)  # the global stream moves; a seeded generator does not care
        assert nnstudio.equal(draw(nnstudio.Generator().manual_seed(7)), first), name
    with pytest.raises(TypeError, match="unexpected keyword argument 'frm'"):
        x.uniform_(frm=0)


def test_hardtanh_takes_the_deprecated_min_value_max_value():
    for lib in (torch, nnstudio):
        with pytest.warns(FutureWarning, match="min_value"):
            m = lib.nn.Hardtanh(min_value=-0.5, max_value=0.25)
        assert (m.min_val, m.max_val) == (-0.5, 0.25)
        assert m(lib.tensor([-2.0, 0.0, 2.0])).tolist() == [-0.5, 0.0, 0.25]
        with pytest.raises(AssertionError, match="must be greater than"):
            lib.nn.Hardtanh(1.0, 0.0)
