"""`Tensor.view` follows torch's stride rule: after view ops that leave a tensor non-contiguous (t, transpose,
permute, slicing, expand) it refuses exactly the shapes torch refuses, with torch's RuntimeError and
message, and gives torch's strides where it succeeds; results of computations and gradients that torch makes
contiguous view as in torch; `reshape` never refuses."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import nnstudio

rng = np.random.default_rng(7)


def _both(shape):
    a = rng.standard_normal(shape).astype(np.float32)
    return nnstudio.tensor(a), torch.tensor(a)


def _outcome(f, x, shape):
    try:
        y = f(x).view(*shape)
    except RuntimeError as e:
        return "error", str(e)
    return "ok", y


def _strides_where_sized(t) -> tuple:
    """Strides of the dims longer than 1 (torch and NumPy may differ only on the others)."""
    return tuple(s for s, n in zip(t.stride(), t.shape) if n > 1)


def _assert_view_as_torch(f, shape, target):
    x, tx = _both(shape)
    ours, theirs = _outcome(f, x, target), _outcome(f, tx, target)
    assert ours[0] == theirs[0], (target, ours[0], theirs[0])
    if ours[0] == "error":
        assert ours[1] == theirs[1]
        return
    y, ty = ours[1], theirs[1]
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    assert tuple(y.shape) == tuple(ty.shape) and y.is_contiguous() == ty.is_contiguous()
    assert _strides_where_sized(y) == _strides_where_sized(ty)


VIEWS = [
    ("t", lambda x: x.t(), (3, 4), [(12,), (-1,), (4, 3), (2, 6), (4, 3, 1), (1, 4, 3), (4, 1, 3), (2, 2, 3)]),
    ("transpose01", lambda x: x.transpose(0, 1), (2, 3, 4), [(-1,), (3, 8), (3, 2, 4), (6, 4), (3, 2, 2, 2),
                                                             (1, 3, 2, 4), (3, 1, 2, 1, 4)]),
    ("transpose12", lambda x: x.transpose(1, 2), (2, 3, 4), [(-1,), (2, 12), (8, 3), (2, 4, 3), (2, 2, 2, 3)]),
    ("permute", lambda x: x.permute(2, 0, 1), (2, 3, 4), [(-1,), (4, 6), (2, 2, 6), (4, 2, 3), (8, 3)]),
    ("mT", lambda x: x.mT, (2, 3, 4), [(-1,), (2, 12), (2, 4, 3), (8, 3)]),
    ("slice cols", lambda x: x[:, 1:3], (3, 4), [(-1,), (6,), (3, 2), (3, 2, 1), (3, 1, 2)]),
    ("slice rows", lambda x: x[1:3], (4, 3, 2), [(-1,), (2, 6), (6, 2), (12,)]),
    ("step", lambda x: x[:, ::2], (3, 4), [(-1,), (3, 2), (6, 1), (3, 1, 2)]),
    ("inner slice", lambda x: x[:, :, 1:], (2, 3, 4), [(-1,), (6, 3), (2, 9), (2, 3, 3)]),
    ("expand", lambda x: x.expand(3, 4), (1, 4), [(-1,), (12,), (3, 2, 2), (3, 4, 1), (1, 3, 4)]),
    ("unsqueeze of t", lambda x: x.t().unsqueeze(1), (3, 4), [(-1,), (4, 3), (2, 2, 3), (4, 1, 3)]),
    ("t of slice", lambda x: x[:, :2].t(), (3, 4), [(-1,), (2, 3), (6,)]),
    ("select", lambda x: x[:, 1], (3, 4, 2), [(-1,), (6,), (3, 2), (2, 3)]),
    ("narrow", lambda x: x.narrow(1, 1, 2), (3, 4, 2), [(-1,), (3, 4), (6, 2), (3, 2, 2)]),
    ("chunk", lambda x: x.chunk(2, dim=1)[1], (3, 4), [(-1,), (3, 2), (6,)]),
    ("view of t", lambda x: x.t().view(4, 3, 1), (3, 4), [(-1,), (4, 3), (2, 2, 3), (12, 1)]),
    ("contiguous", lambda x: x.t().contiguous(), (3, 4), [(-1,), (2, 6)]),
]
CASES = [(name, f, shape, target) for name, f, shape, targets in VIEWS for target in targets]


@pytest.mark.parametrize("name,f,shape,target", CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_view_refuses_and_succeeds_where_torch_does(name, f, shape, target):
    _assert_view_as_torch(f, shape, target)


def test_view_on_random_layouts_matches_torch():
    """Random permutations and slices of random shapes, every factorisation of the element count."""
    for _ in range(60):
        nd = int(rng.integers(2, 5))
        shape = tuple(int(n) for n in rng.integers(1, 4, nd))
        perm = tuple(int(i) for i in rng.permutation(nd))
        cut = int(rng.integers(0, nd))

        def f(x, perm=perm, cut=cut):
            y = x.permute(*perm)
            return y[(slice(None),) * cut + (slice(0, max(1, y.shape[cut] - 1)),)]

        new = tuple(f(torch.zeros(shape)).shape)
        n = int(np.prod(new))
        targets = [(n,)] + [(a, n // a) for a in range(1, n + 1) if n % a == 0]
        targets += [(a, b, n // (a * b)) for a, b in itertools.product(range(1, 5), repeat=2) if n % (a * b) == 0]
        for target in targets:
            _assert_view_as_torch(f, shape, target)


def test_the_error_is_torchs_runtime_error():
    x, tx = _both((3, 4))
    with pytest.raises(RuntimeError) as ours:
        x.t().view(-1)
    with pytest.raises(RuntimeError) as theirs:
        tx.t().view(-1)
    assert str(ours.value) == str(theirs.value)
    assert "Use .reshape(...) instead." in str(ours.value)
    np.testing.assert_array_equal(x.t().reshape(-1).numpy(), tx.t().reshape(-1).numpy())
    np.testing.assert_array_equal(x.t().contiguous().view(-1).numpy(), tx.t().contiguous().view(-1).numpy())


def test_view_shares_memory_as_torch():
    x = nnstudio.zeros(3, 4)
    v = x.t().view(2, 2, 3)[:, 1:]
    v[0, 0, 1] = 5.0
    tx = torch.zeros(3, 4)
    tv = tx.t().view(2, 2, 3)[:, 1:]
    tv[0, 0, 1] = 5.0
    np.testing.assert_array_equal(x.numpy(), tx.numpy())


COMPUTED = [
    ("sum", lambda x: x.permute(2, 0, 1).sum(1)), ("mean keepdim", lambda x: x.permute(2, 0, 1).mean(-1, keepdim=True)),
    ("softmax", lambda x: x.permute(2, 0, 1).softmax(-1)), ("log_softmax", lambda x: x.transpose(0, 2).log_softmax(0)),
    ("cumsum", lambda x: x.permute(2, 0, 1).cumsum(1)), ("topk", lambda x: x.topk(2)[0]),
    ("topk permuted", lambda x: x.permute(2, 0, 1).topk(2, 1)[0]), ("cat", lambda x: nnstudio_or_torch(x).cat(
        [x.permute(2, 0, 1), x.permute(2, 0, 1)], 1)),
    ("index_select", lambda x: x.permute(2, 0, 1).index_select(1, type(x)([0, 2]).long())),
    ("masked_fill", lambda x: x.permute(2, 0, 1).masked_fill(x.permute(2, 0, 1) > 0, 0.0)),
    ("amax", lambda x: x.permute(2, 0, 1).amax(1)), ("var", lambda x: x.permute(2, 0, 1).var(1)),
    ("matmul", lambda x: x.permute(2, 0, 1) @ x.permute(2, 1, 0)), ("flip", lambda x: x.flip(1)),
    ("kthvalue", lambda x: x.kthvalue(2, 1)[0]), ("sort", lambda x: x.sort(1)[0]),
]


def nnstudio_or_torch(x):
    return nnstudio if isinstance(x, nnstudio.Tensor) else torch


@pytest.mark.parametrize("name,f", COMPUTED, ids=[c[0] for c in COMPUTED])
def test_results_torch_makes_contiguous_view_as_in_torch(name, f):
    x, tx = _both((3, 4, 5))
    for target in [(-1,), (f(tx).shape[0], -1)]:
        ours, theirs = _outcome(f, x, target), _outcome(f, tx, target)
        if theirs[0] == "ok":
            assert ours[0] == "ok", (name, target)
            np.testing.assert_allclose(ours[1].numpy(), theirs[1].numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("use", ["t", "permute", "cat", "expand"])
def test_gradients_are_contiguous_as_torch(use):
    """torch's layout contract: the .grad of a contiguous leaf is contiguous, so `p.grad.view(-1)` works."""
    fs = {"t": lambda lib, w: (w.t() * w.t()).sum(), "permute": lambda lib, w: (w.permute(1, 0) ** 3).sum(),
          "cat": lambda lib, w: lib.cat([w.t(), w.t()], 1).exp().sum(),
          "expand": lambda lib, w: (w[:1].expand(3, 4) * lib.arange(12.0).view(3, 4)).sum()}
    a = rng.standard_normal((3, 4)).astype(np.float32)
    grads = []
    for lib in (nnstudio, torch):
        w = lib.tensor(a.copy(), requires_grad=True)
        fs[use](lib, w).backward()
        assert w.grad.is_contiguous()
        grads.append(w.grad.view(-1).numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5, atol=1e-6)


def test_reshape_never_refuses_and_flatten_works():
    x, tx = _both((2, 3, 4))
    for f in (lambda t: t.transpose(0, 2).reshape(-1), lambda t: t.permute(1, 2, 0).reshape(4, 6),
              lambda t: t.transpose(1, 2).flatten(1), lambda t: t[:, ::2].reshape(2, -1)):
        np.testing.assert_array_equal(f(x).numpy(), f(tx).numpy())
