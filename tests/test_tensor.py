"""Tensor basics: dtype rules, conversions, factories, comparisons, errors, devices."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

import nnstudio


def test_default_dtypes_follow_torch():
    assert nnstudio.tensor([1.0, 2.0]).dtype == nnstudio.float32
    assert nnstudio.tensor([1, 2]).dtype == nnstudio.int64
    assert nnstudio.tensor([True]).dtype == nnstudio.bool
    assert nnstudio.tensor(np.zeros(2)).dtype == nnstudio.float64  # an array keeps its dtype, as torch
    assert nnstudio.tensor(np.zeros(2, np.int32)).dtype == nnstudio.int32
    assert nnstudio.zeros(2).dtype == nnstudio.float32
    assert nnstudio.randn(2).dtype == nnstudio.float32
    assert nnstudio.arange(3).dtype == nnstudio.int64
    assert nnstudio.arange(0.0, 1.0, 0.5).dtype == nnstudio.float32
    assert nnstudio.randint(0, 3, (2,)).dtype == nnstudio.int64
    assert nnstudio.full((2,), 3).dtype == nnstudio.int64
    assert nnstudio.full((2,), 3.0).dtype == nnstudio.float32
    assert nnstudio.Tensor([1, 2]).dtype == nnstudio.float32


def test_array_input_dtype_matches_torch():
    for arr in (np.zeros(2), np.zeros(2, np.float32), np.zeros(2, np.int32), np.zeros(2, np.int64)):
        assert str(nnstudio.tensor(arr).dtype).split(".")[1] == str(torch.tensor(arr).dtype).split(".")[1]


def test_promotion_rules():
    f, i = nnstudio.ones(2), nnstudio.ones(2, dtype=nnstudio.int64)
    assert (f + i).dtype == nnstudio.float32
    assert (i + 1).dtype == nnstudio.int64
    assert (i + 1.5).dtype == nnstudio.float32
    assert (i / 2).dtype == nnstudio.float32
    assert (f.double() + f).dtype == nnstudio.float64
    assert (f * 2.0).dtype == nnstudio.float32


def test_conversions():
    t = nnstudio.tensor([[1.5, 2.0]])
    assert t.tolist() == [[1.5, 2.0]]
    assert t[0, 0].item() == 1.5
    assert isinstance(t.numpy(), np.ndarray)
    assert t.double().dtype == nnstudio.float64 and t.long().dtype == nnstudio.int64
    assert t.float() is t
    assert t.to(nnstudio.float64).dtype == nnstudio.float64
    assert t.to("cpu") is t
    assert t.shape == (1, 2) and t.size(1) == 2 and t.size() == nnstudio.Size([1, 2])
    assert repr(t.shape) == "nnstudio.Size([1, 2])"
    assert t.device == nnstudio.device("cpu") and str(t.device) == "cpu"
    assert float(nnstudio.tensor(2.5)) == 2.5 and int(nnstudio.tensor(3)) == 3
    with pytest.raises(RuntimeError, match="2 elements cannot be converted"):
        t.item()
    with pytest.raises(RuntimeError, match="requires grad"):
        nnstudio.ones(2, requires_grad=True).numpy()


def test_repr():
    assert repr(nnstudio.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert "requires_grad=True" in repr(nnstudio.ones(1, requires_grad=True))
    assert "grad_fn=<MulBackward0>" in repr(nnstudio.ones(1, requires_grad=True) * 2)
    assert "dtype=nnstudio.float64" in repr(nnstudio.ones(1, dtype=nnstudio.float64))


def test_factories_match_torch():
    cases = [
        (nnstudio.zeros(2, 3), torch.zeros(2, 3)),
        (nnstudio.ones((2,)), torch.ones((2,))),
        (nnstudio.full((2, 2), 1.5), torch.full((2, 2), 1.5)),
        (nnstudio.arange(5), torch.arange(5)),
        (nnstudio.arange(1, 10, 3), torch.arange(1, 10, 3)),
        (nnstudio.linspace(0, 1, 5), torch.linspace(0, 1, 5)),
        (nnstudio.eye(3), torch.eye(3)),
        (nnstudio.eye(2, 3), torch.eye(2, 3)),
        (nnstudio.empty(2, 3).shape, torch.empty(2, 3).shape),
    ]
    for ours, theirs in cases:
        if isinstance(ours, tuple):
            assert tuple(ours) == tuple(theirs)
            continue
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
        assert ours.dtype.name == str(theirs.dtype).split(".")[1]
    x = nnstudio.randn(3, 4)
    for like in (nnstudio.zeros_like, nnstudio.ones_like, nnstudio.randn_like, nnstudio.rand_like,
                 nnstudio.empty_like):
        y = like(x)
        assert y.shape == x.shape and y.dtype == x.dtype
    assert nnstudio.full_like(x, 7).numpy().max() == 7


def test_random_factories_are_seeded_and_in_range():
    nnstudio.manual_seed(3)
    a = nnstudio.randn(100)
    nnstudio.manual_seed(3)
    b = nnstudio.randn(100)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    r = nnstudio.rand(1000).numpy()
    assert r.min() >= 0 and r.max() < 1
    ri = nnstudio.randint(2, 5, (1000,)).numpy()
    assert ri.min() == 2 and ri.max() == 4
    assert sorted(nnstudio.randperm(6).tolist()) == list(range(6))


def test_comparisons_and_argmax():
    x = nnstudio.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    assert (x > 1.5).tolist() == [[False, True, True], [True, False, True]]
    assert (x == x).all().item()
    assert x.argmax().item() == 3
    assert x.argmax(1).tolist() == [1, 0]
    assert x.argmin(dim=0, keepdim=True).tolist() == [[0, 1, 0]]
    assert x.max(1).indices.tolist() == torch.tensor(x.numpy()).max(1).indices.tolist()


def test_size_errors_name_the_shapes():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\)"):
        nnstudio.ones(2, 3) + nnstudio.ones(4)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        nnstudio.ones(2, 3) @ nnstudio.ones(4, 5)
    with pytest.raises(RuntimeError, match=r"shape '\[5, -1\]' is invalid for input of size 6"):
        nnstudio.ones(2, 3).view(5, -1)
    with pytest.raises(RuntimeError, match="sizes of tensors must match"):
        nnstudio.cat([nnstudio.ones(2, 3), nnstudio.ones(3, 2)])
    with pytest.raises(IndexError, match="Dimension out of range"):
        nnstudio.ones(2, 3).sum(2)


def test_unknown_dtype_and_device_are_named():
    with pytest.raises(TypeError, match="unknown dtype 'float33'"):
        nnstudio.zeros(2, dtype="float33")
    with pytest.raises(RuntimeError, match="unknown device 'tpu'"):
        nnstudio.zeros(2, device="tpu")
    with pytest.raises(RuntimeError, match="unknown device 'gpu'"):
        nnstudio.ones(2).to("gpu")


@pytest.mark.skipif(nnstudio.cuda.is_available(), reason="a GPU is present")
def test_cuda_without_gpu_raises_a_clear_error():
    with pytest.raises(RuntimeError, match="no usable GPU"):
        nnstudio.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="no usable GPU"):
        nnstudio.ones(2).cuda()
    with pytest.raises(RuntimeError, match="no usable GPU"):
        nnstudio.nn.Linear(2, 2).to("cuda")


def test_import_works_without_cupy():
    code = ("import sys; sys.modules['cupy'] = None\n"
            "import nnstudio, nnstudio.nn, nnstudio.optim\n"
            "assert not nnstudio.cuda.is_available()\n"
            "print((nnstudio.ones(2) * 2).sum().item())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "4.0"


def test_to_and_from_device(device):
    x = nnstudio.randn(3, 2, requires_grad=True)
    y = x.to(device)
    assert y.device.type == device
    (y * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2)


def test_setitem_without_grad_and_indexing_values():
    x = nnstudio.zeros(3, 4)
    x[1] = 5
    x[:, 0] = nnstudio.tensor([1.0, 2.0, 3.0])
    x[x > 4] = -1
    t = torch.zeros(3, 4)
    t[1] = 5
    t[:, 0] = torch.tensor([1.0, 2.0, 3.0])
    t[t > 4] = -1
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    idx = nnstudio.tensor([2, 0])
    np.testing.assert_array_equal(x[idx].numpy(), t[torch.tensor([2, 0])].numpy())


def test_split_chunk_shapes_match_torch():
    a, ta = nnstudio.ones(7, 3), torch.ones(7, 3)
    assert [p.shape[0] for p in a.chunk(3)] == [p.shape[0] for p in ta.chunk(3)]
    assert [p.shape[0] for p in a.split(2)] == [p.shape[0] for p in ta.split(2)]
    assert [tuple(p.shape) for p in nnstudio.split(a, [2, 5])] == [tuple(p.shape) for p in ta.split([2, 5])]


def test_var_std_match_torch():
    data = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    x, t = nnstudio.tensor(data), torch.tensor(data)
    np.testing.assert_allclose(x.var().item(), t.var().item(), rtol=1e-5)
    np.testing.assert_allclose(x.std(1).numpy(), t.std(1).numpy(), rtol=1e-5)
    np.testing.assert_allclose(x.var(0, unbiased=False).numpy(), t.var(0, unbiased=False).numpy(), rtol=1e-5)
    np.testing.assert_allclose(x.prod(1).numpy(), t.prod(1).numpy(), rtol=1e-5)


def test_small_torch_conveniences():
    t = nnstudio.ones(2)
    assert (t == None) is False and (t != None) is True  # noqa: E711 - torch allows it
    assert nnstudio.zeros(2, dtype=torch.float64).dtype == nnstudio.float64
    assert abs(nnstudio.tensor([-1.5])).tolist() == [1.5]


@pytest.mark.parametrize("expr,match", [
    ("nnstudio.ones(2, 3, 4) @ nnstudio.ones(3, 4, 5)", r"matmul batch dimensions.*a \[2\], b \[3\]"),
    ("nnstudio.where(nnstudio.ones(3) > 0, nnstudio.ones(3), nnstudio.ones(4))", r"where.*other \[4\]"),
    ("nnstudio.ones(2, 3).masked_fill(nnstudio.ones(4) > 0, 0)", r"masked_fill.*mask \[4\]"),
    ("nnstudio.ones(2, 3).repeat(2)", r"repeat: number of repeat dims \(1\)"),
    ("nnstudio.tensor([[1, 2], [3]])", "ragged"),
])
def test_bad_shapes_get_clear_errors(expr, match):
    with pytest.raises((RuntimeError, ValueError), match=match):
        eval(expr)  # noqa: S307


def test_masked_fill_broadcasts_a_larger_mask_like_torch():
    out = nnstudio.ones(2, 3).masked_fill(nnstudio.ones(4, 2, 3) > 0, 0)
    assert out.shape == (4, 2, 3) and not out.numpy().any()
