"""Numerical gradient check in float64 along random directions (as Chainer's `check_backward`).

For f: inputs -> output and a random cotangent v, backward gives g_i = d<v, f>/dx_i. For random directions
d_i, the central difference (<v, f(x + eps d)> - <v, f(x - eps d)>) / (2 eps) must equal sum_i <g_i, d_i>.
`gradgradcheck` runs the same check on (x, v) -> d<v, f>/dx computed with create_graph=True: second derivatives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

import nnstudio


def _as_outputs(out) -> list:
    if isinstance(out, nnstudio.Tensor):
        return [out]
    flat = []
    for o in out:
        flat.extend(_as_outputs(o))
    return flat


def _value(fn, arrays, cotangents, device) -> float:
    with nnstudio.no_grad():
        outs = _as_outputs(fn(*[nnstudio.tensor(a, dtype=nnstudio.float64, device=device) for a in arrays]))
    return float(sum((np.asarray(o.detach().cpu().numpy(), dtype=np.float64) * v).sum()
                     for o, v in zip(outs, cotangents)))


def gradcheck(fn: Callable, inputs: Sequence[np.ndarray], *, eps: float = 1e-6, atol: float = 1e-6,
              rtol: float = 1e-4, directions: int = 3, seed: int = 0, device: str = "cpu",
              nondiff: Sequence[int] = ()) -> None:
    """Assert that backward of `fn` agrees with central differences, in float64.

    `inputs` are NumPy arrays (converted to float64 tensors requiring grad); indices in `nondiff` are passed as
    constants. `fn` may return a tensor or a (nested) tuple of tensors; outputs that are not floating are skipped.
    """
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(a, dtype=np.float64) for a in inputs]
    tensors = [nnstudio.tensor(a, dtype=nnstudio.float64, device=device, requires_grad=i not in nondiff)
               for i, a in enumerate(arrays)]
    outs = [o for o in _as_outputs(fn(*tensors))]
    cotangents = [rng.standard_normal(o.shape) for o in outs]
    total = None
    for o, v in zip(outs, cotangents):
        if not o.requires_grad:
            continue
        term = (o * nnstudio.tensor(v, dtype=nnstudio.float64, device=device)).sum()
        total = term if total is None else total + term
    assert total is not None, "gradcheck: no output requires grad"
    total.backward()
    grads = [t.grad.cpu().numpy() if t.grad is not None else np.zeros_like(a) for t, a in zip(tensors, arrays)]
    diff_idx = [i for i in range(len(arrays)) if i not in nondiff]
    for _ in range(directions):
        dirs = {i: rng.standard_normal(arrays[i].shape) for i in diff_idx}
        plus = [a + eps * dirs[i] if i in dirs else a for i, a in enumerate(arrays)]
        minus = [a - eps * dirs[i] if i in dirs else a for i, a in enumerate(arrays)]
        numeric = (_value(fn, plus, cotangents, device) - _value(fn, minus, cotangents, device)) / (2 * eps)
        analytic = float(sum((grads[i] * dirs[i]).sum() for i in diff_idx))
        assert abs(numeric - analytic) <= atol + rtol * abs(numeric), (
            f"gradcheck failed: numerical {numeric:.10g} vs analytical {analytic:.10g}")


def _first_gradient(fn: Callable, n_inputs: int, nondiff: Sequence[int]) -> Callable:
    """x, v -> d<v, fn(x)>/dx with create_graph: a function whose own gradient is the second derivative."""
    diff_idx = [i for i in range(n_inputs) if i not in nondiff]

    def grads(*args):
        xs, vs = list(args[:n_inputs]), args[n_inputs:]
        with nnstudio.enable_grad():
            for i in diff_idx:  # the numerical pass hands in constants: make them differentiable inputs
                if not xs[i].requires_grad:
                    xs[i] = xs[i].detach().requires_grad_(True)
            outs = [o for o in _as_outputs(fn(*xs)) if o.dtype.is_floating_point]
            total = sum(((o * v).sum() for o, v in zip(outs, vs) if o.requires_grad),
                        start=nnstudio.zeros((), dtype=nnstudio.float64))
            found = nnstudio.autograd.grad(total, [xs[i] for i in diff_idx], create_graph=True, allow_unused=True)
        return tuple(g if g is not None else xs[i].detach() * 0 for g, i in zip(found, diff_idx))

    return grads


def gradgradcheck(fn: Callable, inputs: Sequence[np.ndarray], *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, directions: int = 3, seed: int = 0, device: str = "cpu",
                  nondiff: Sequence[int] = ()) -> None:
    """Assert that the second derivative of `fn` (backward of the create_graph gradient) agrees with central
    differences of its first derivative, in float64. The cotangent v of fn's outputs is an input too, so the
    check covers d(grad)/dx and d(grad)/dv (the gradient is linear in v)."""
    rng = np.random.default_rng(seed + 1)
    arrays = [np.asarray(a, dtype=np.float64) for a in inputs]
    with nnstudio.no_grad():
        outs = [o for o in _as_outputs(fn(*[nnstudio.tensor(a, dtype=nnstudio.float64, device=device)
                                             for a in arrays])) if o.dtype.is_floating_point]
    cotangents = [rng.standard_normal(tuple(o.shape)) for o in outs]
    gradcheck(_first_gradient(fn, len(arrays), nondiff), arrays + cotangents, eps=eps, atol=atol, rtol=rtol,
              directions=directions, seed=seed, device=device, nondiff=nondiff)
