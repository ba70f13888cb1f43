"""NumPy's keyword names torch accepts: `axis=` for `dim=`, `keepdims=` for `keepdim=` (torch's argument parser
takes them for its C++ functions and methods; its Python ones, split / norm / unique / nn.functional, do not)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import nnstudio
from nnstudio._tensor.keyword_aliases import TORCH_PYTHON_NAMES

torch = pytest.importorskip("torch")

ACCEPTED = ["x.sum(axis=0)", "x.sum(axis=(0, 1))", "x.sum(0, keepdims=True)", "t.sum(x, axis=0, keepdims=True)",
            "t.mean(x, axis=1)", "x.mean(axis=0, keepdim=True)", "x.std(axis=1)", "t.var(x, axis=1, keepdims=True)",
            "x.max(axis=1)", "x.max(axis=1, keepdims=True).indices", "t.max(x, axis=1).values", "x.min(axis=0)",
            "x.argmax(axis=1, keepdims=True)", "t.argmin(x, axis=0)", "x.prod(axis=1, keepdims=True)",
            "x.amax(axis=1)", "x.logsumexp(axis=1)", "x.cumsum(axis=0)", "t.cumprod(x, axis=1)",
            "x.softmax(axis=1)", "t.softmax(x, axis=1)", "x.log_softmax(axis=0)", "x.all(axis=0)",
            "(x > 0.5).any(axis=1)", "x.count_nonzero(axis=0)", "x.size(axis=1)", "x.sort(axis=0)",
            "x.topk(2, axis=0)", "x.median(axis=1)", "t.quantile(x, 0.5, axis=1)", "x.unsqueeze(axis=0).shape",
            "x[None].squeeze(axis=0).shape", "t.cat([x, x], axis=1)", "t.concat([x, x], axis=0)",
            "t.stack([x, x], axis=1)", "t.unbind(x, axis=1)", "t.chunk(x, 2, axis=1)", "x.chunk(2, axis=1)",
            "t.narrow(x, axis=0, start=0, length=1)", "x.diff(axis=1)", "x.repeat_interleave(2, axis=0)",
            "x.gather(axis=1, index=t.zeros(3, 1, dtype=t.long))", "x.index_select(axis=0, index=t.tensor([1]))",
            "t.std_mean(x, axis=1)", "t.var_mean(x, axis=0, keepdims=True)", "t.nansum(x, axis=1)",
            "t.trapezoid(x, axis=1)", "t.select(x, axis=0, index=1)", "t.aminmax(x, axis=0)"]
REJECTED = ["x.split(2, axis=1)", "t.norm(x, axis=1)", "x.flip(axis=0)", "x.roll(1, axis=0)",
            "x.sum(0, axis=1)", "x.sum(dim=0, axis=1)", "x.unique(axis=0)", "t.nn.functional.softmax(x, axis=1)"]


def _values(out):
    if isinstance(out, (tuple, list)):
        return [_values(o) for o in out]
    if hasattr(out, "numpy"):
        return np.asarray(out.detach().numpy()).tolist()
    return out


@pytest.mark.parametrize("expr", ACCEPTED)
def test_numpy_names_accepted_as_torch(expr):
    x = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    ours = eval(expr, {"t": nnstudio, "x": nnstudio.tensor(x)})  # noqa: S307
    theirs = eval(expr, {"t": torch, "x": torch.tensor(x)})  # noqa: S307
    np.testing.assert_allclose(np.asarray(_values(ours), dtype=float), np.asarray(_values(theirs), dtype=float),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("expr", REJECTED)
def test_numpy_names_rejected_where_torch_rejects_them(expr):
    for t in (nnstudio, torch):
        with pytest.raises(TypeError):
            eval(expr, {"t": t, "x": t.ones(3, 4)})  # noqa: S307


def test_the_methods_taking_numpy_names_are_torchs():
    """Every method with a dim / keepdim takes the NumPy names exactly when torch's is written in C++."""
    for name in dir(nnstudio.Tensor):
        ours = inspect.getattr_static(nnstudio.Tensor, name)
        theirs = getattr(torch.Tensor, name, None)
        if name.startswith("_") or not inspect.isfunction(ours) or theirs is None:
            continue
        params = inspect.signature(ours).parameters
        if not {"dim", "keepdim"} & set(params):
            continue
        in_cpp = type(theirs).__name__ in ("method_descriptor", "builtin_function_or_method")
        assert getattr(ours, "numpy_keywords", False) == in_cpp, name
        assert (name in TORCH_PYTHON_NAMES) == (not in_cpp), name


def test_the_functions_taking_numpy_names_are_torchs():
    """Every torch.<function> with a dim / keepdim takes the NumPy names exactly when torch's is C++."""
    checked = 0
    for name in dir(nnstudio):
        ours, theirs = getattr(nnstudio, name), getattr(torch, name, None)
        if name.startswith("_") or not inspect.isfunction(ours) or theirs is None:
            continue
        try:
            params = inspect.signature(ours).parameters
        except (TypeError, ValueError):
            continue
        if not {"dim", "keepdim"} & set(params):
            continue
        in_cpp = type(theirs).__name__ == "builtin_function_or_method"
        assert getattr(ours, "numpy_keywords", False) == in_cpp, name
        checked += 1
    assert checked >= 10
