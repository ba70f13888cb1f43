"""Run one call on nnstudio and on torch 2.13 with the same float64 inputs; compare values, gradients (for a
random cotangent on every floating output) and, for differentiable calls, gradcheck nnstudio numerically.

A case is (name, fn(lib, *tensors), [input arrays], options) where `fn` uses only `lib.` names and methods, so
the same lambda runs on both libraries. options: grad (default True), gradcheck (default True), atol, rtol,
gauge (compare outputs through abs(), for sign-ambiguous factors), nondiff (input indices without grad).
"""

from __future__ import annotations

import numpy as np
import torch

import nnstudio
from helpers.gradcheck import gradcheck


def _flat(out) -> list:
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat(o))
        return res
    return [out]


def _np(t):
    if isinstance(t, torch.Tensor):
        return (t.detach() + 0).numpy() if t.dtype.is_floating_point else t.detach().numpy()
    return t.detach().numpy()


def run_case(fn, arrays, *, grad: bool = True, check: bool = True, atol: float = 1e-8, rtol: float = 1e-6,
             gauge: bool = False, nondiff=()) -> None:
    """Assert nnstudio's values (and gradients) equal torch's for `fn` on `arrays`."""
    results = {}
    for lib in (nnstudio, torch):
        ts = [lib.tensor(a, requires_grad=grad and i not in nondiff and np.asarray(a).dtype.kind == "f")
              for i, a in enumerate(arrays)]
        out = _flat(fn(lib, *ts))
        results[lib.__name__] = (ts, out)
    (ns_in, ns_out), (t_in, t_out) = results["nnstudio"], results["torch"]
    assert len(ns_out) == len(t_out), (len(ns_out), len(t_out))
    for a, b in zip(ns_out, t_out):
        if not isinstance(b, torch.Tensor):
            assert a == b
            continue
        assert tuple(a.shape) == tuple(b.shape), (tuple(a.shape), tuple(b.shape))
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], (a.dtype, b.dtype)
        x, y = _np(a), _np(b)
        if gauge:
            x, y = np.abs(x), np.abs(y)
        np.testing.assert_allclose(x.astype(np.float64), y.astype(np.float64), atol=atol, rtol=rtol, equal_nan=True)
    if not grad:
        return
    rng = np.random.default_rng(0)
    pairs = [(a, b) for a, b in zip(ns_out, t_out) if isinstance(b, torch.Tensor) and b.requires_grad]
    if not pairs:
        return
    cots = [rng.standard_normal(tuple(b.shape)) for _, b in pairs]
    for lib, side in ((nnstudio, 0), (torch, 1)):
        total = sum(((p[side].abs() if gauge else p[side]) * lib.tensor(c)).sum() for p, c in zip(pairs, cots))
        total.backward()
    for a, b in zip(ns_in, t_in):
        if b.grad is None:
            continue
        assert a.grad is not None, "nnstudio gives no gradient where torch gives one"
        np.testing.assert_allclose(a.grad.numpy(), _np(b.grad), atol=max(atol, 1e-7), rtol=max(rtol, 1e-5))
    if check:
        diff = [i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind == "f" and i not in nondiff]
        gradcheck(lambda *ts: [o.abs() if gauge else o for o in _flat(fn(nnstudio, *ts))
                               if isinstance(o, nnstudio.Tensor) and o.is_floating_point()],
                  [np.asarray(a, dtype=np.float64) for a in arrays],
                  nondiff=[i for i in range(len(arrays)) if i not in diff], directions=1)
