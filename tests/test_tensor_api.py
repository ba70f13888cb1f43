"""The same expression on nnstudio and on torch gives the same values, dtypes and shapes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nnstudio

rng = np.random.default_rng(0)
A = rng.standard_normal((3, 4)).astype(np.float32)
B = rng.standard_normal((4,)).astype(np.float32)
C = rng.standard_normal((2, 3, 4)).astype(np.float32)
I = rng.integers(-5, 5, (3, 4))
M = A > 0

EXPRESSIONS = [
    "a + 1", "1 - a", "a * b", "a / b", "2 / (a.abs() + 1)", "a ** 2", "2 ** a", "-a", "a @ b", "c @ a.t()",
    "i + 1", "i * 2", "i / 2", "i // 3", "i % 3", "i + a", "i.float()", "a.long()", "i.sum()", "m.sum()",
    "a.sum()", "a.sum(0)", "a.sum(dim=1, keepdim=True)", "c.sum((0, 2))", "a.mean()", "c.mean(-1)",
    "a.var()", "a.std(1)", "a.var(0, unbiased=False)", "a.prod(1)", "a.max()", "a.min()", "a.max(1)[0]",
    "a.max(1)[1]", "a.min(0, keepdim=True).values", "a.min(0, keepdim=True).indices", "a.argmax()",
    "a.argmax(1)", "a.argmin(0)", "a.amax(1)", "a.amin(0)", "lib.max(a, 1).values", "lib.maximum(a, b)",
    "lib.minimum(a, b)", "a.max(lib.zeros(4))", "a.exp()", "(a.abs() + 1).log()", "a.abs().sqrt()",
    "a.clamp(-0.5, 0.5)", "a.clamp(min=0)", "a.clamp(max=0)", "lib.clamp(a, min=-1)", "a.relu()",
    "a.sigmoid()", "a.tanh()", "a.softmax(0)", "a.log_softmax(-1)", "lib.relu(a)", "lib.sigmoid(a)",
    "lib.softmax(a, dim=1)", "a.view(4, 3)", "a.view(-1)", "a.reshape(2, -1)", "c.flatten()",
    "c.flatten(1)", "c.flatten(0, 1)", "c.permute(2, 0, 1)", "c.transpose(0, 1)", "a.t()", "a.T",
    "a.unsqueeze(0)", "a.unsqueeze(-1)", "a.unsqueeze(1).squeeze()", "a.unsqueeze(1).squeeze(1)",
    "b.expand(3, 4)", "b.unsqueeze(1).expand(-1, 5)", "a.repeat(2, 1)", "b.repeat(2, 3)", "a.flip(0)",
    "lib.cat([a, a], 0)", "lib.cat([a, a], dim=1)", "lib.stack([a, a])", "lib.stack([a, a], dim=2)",
    "a.split(2)[1]", "a.split([1, 3], dim=1)[1]", "a.chunk(2, 1)[0]", "a.unbind(0)[2]", "a.narrow(1, 1, 2)",
    "a[0]", "a[-1, 1:3]", "a[:, None]", "a[..., 0]", "a[lib.tensor([0, 2, 2])]", "a[[0, 1], [1, 2]]",
    "a[m]", "a[lib.tensor([True, False, True])]", "a[1:, lib.tensor([0, 3])]", "lib.where(m, a, 0.0)",
    "lib.where(m, a, b)", "a.masked_fill(m, 0.5)", "a > 0", "a == a", "a != 0", "a <= b", "(a > 0) & (a < 1)",
    "(a > 0) | (a < -1)", "~m", "a.sign()", "lib.zeros_like(a)", "lib.ones_like(i)", "a.norm()", "a.norm(dim=1)",
    "a.logsumexp(1)", "a.cumsum(1)", "a[0].dot(a[1])", "a.mm(a.t())",
    "c.bmm(c.transpose(1, 2))", "lib.matmul(b, a.t())", "a.sin()", "a.cos()", "a.square()", "a.abs().rsqrt()",
    "a.numel()", "a.dim()", "a.size(-1)", "len(a)", "a.sum().item()", "a.tolist()", "a.isnan().any()",
    "a.all()", "m.any(1)", "a.new_zeros(2, 3)", "a.new_ones((2,))", "a.new_full((2,), 3.0)", "a.type_as(i)",
    "a.clone()", "a.contiguous()", "a.t().contiguous()", "lib.where(m)[1]", "lib.eq(a, a)",
    "a.transpose(-1, -2)", "a.mT", "c.sum(dtype=lib.float64)", "i.float().mean()", "a.to(lib.float64)",
    "lib.flatten(c, 1)", "lib.permute(c, (1, 0, 2))", "lib.squeeze(a.unsqueeze(0))", "lib.unsqueeze(a, 2)",
    "lib.sum(a, 1)", "lib.mean(a)", "lib.exp(a)", "lib.log(a.abs() + 1)", "lib.abs(a)", "lib.sqrt(a.abs())",
    "lib.pow(a, 3)", "lib.tanh(a)", "lib.argmax(a, 1)", "lib.log_softmax(a, 1)", "a.allclose(a + 1e-9)",
    "a.reshape_as(a.t())", "a.expand_as(lib.zeros(2, 3, 4))", "a.unflatten(1, (2, 2))",
]


def _eval(expr: str, lib):
    env = {"lib": lib, "a": lib.tensor(A), "b": lib.tensor(B), "c": lib.tensor(C), "i": lib.tensor(I),
           "m": lib.tensor(M)}
    return eval(expr, env)  # noqa: S307 - test expressions only


def _compare(ours, theirs, expr):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, nnstudio.Tensor), f"{expr}: got {type(ours).__name__}"
        assert tuple(ours.shape) == tuple(theirs.shape), f"{expr}: shape {tuple(ours.shape)} vs {tuple(theirs.shape)}"
        assert ours.dtype.name == str(theirs.dtype).split(".")[1], f"{expr}: dtype {ours.dtype} vs {theirs.dtype}"
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6, err_msg=expr)
    elif isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs), expr
        for o, t in zip(ours, theirs):
            _compare(o, t, expr)
    else:
        assert ours == pytest.approx(theirs, rel=1e-5, abs=1e-6), expr


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_expression_matches_torch(expr):
    _compare(_eval(expr, nnstudio), _eval(expr, torch), expr)
