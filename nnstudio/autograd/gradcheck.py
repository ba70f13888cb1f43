"""`torch.autograd.gradcheck` / `gradgradcheck`: full Jacobians by central differences against backward.

gradcheck compares, for every differentiable output i and every input j that requires grad, the numerical
Jacobian (perturb each element of input j by +-eps) with the analytical one (one `autograd.grad` per element of
output i), elementwise with |a - n| <= atol + rtol |n|. gradgradcheck runs gradcheck on the function
(inputs, grad_outputs) -> d<grad_outputs, func(inputs)>/d(inputs) computed with create_graph=True: second
derivatives. Use float64 inputs (float32 differences are too coarse). The slow (exact, element by element) mode
is the only one: `fast_mode` and batched checks are accepted and ignored or refused as noted. `check_forward_ad`
also compares the Jacobian forward AD gives (one dual tangent per input element, autograd/forward_ad.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from .functional_grad import grad as _grad
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck / gradgradcheck when the analytical and numerical Jacobians differ."""


def _tensor():
    from ..tensor import Tensor

    return Tensor


def _as_tuple(x) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _differentiable_outputs(outputs: tuple) -> list:
    Tensor = _tensor()
    return [o for o in outputs if isinstance(o, Tensor) and o.dtype.is_floating_point and o.requires_grad]


def _numerical_jacobian(func, inputs: tuple, input_index: int, out_indices: list, eps: float) -> list:
    """d out_i / d input_j as (n_in, n_out_i) float64 arrays, one per output in `out_indices`."""
    from .._backend import to_numpy

    target = inputs[input_index]
    kept = target._data
    if not kept.flags.c_contiguous:  # perturb a contiguous copy (a flat view of it), put the original back after
        target._data = kept.copy()
    flat = target._data.reshape(-1)
    columns: list[list] = [[] for _ in out_indices]

    def evaluate():
        with no_grad():
            outs = _as_tuple(func(*inputs))
        return [np.asarray(to_numpy(outs[i]._data), dtype=np.float64).reshape(-1) for i in out_indices]

    for k in range(flat.size):
        original = flat[k].copy()
        flat[k] = original + eps
        plus = evaluate()
        flat[k] = original - eps
        minus = evaluate()
        flat[k] = original
        for c, p, m in zip(columns, plus, minus):
            c.append((p - m) / (2 * eps))
    target._data = kept
    return [np.stack(c, 0) if c else np.zeros((0, 0)) for c in columns]


def _analytical_jacobian(outputs: list, inputs: list) -> list:
    """d out_i / d input_j as (n_in_j, n_out_i) float64 arrays: rows[i][j]."""
    from .. import zeros_like
    from .._backend import to_numpy

    result = []
    for out in outputs:
        per_input = [np.zeros((int(t.numel()), int(out.numel()))) for t in inputs]
        for k in range(int(out.numel())):
            onehot = zeros_like(out).reshape(-1)
            onehot._data[k] = 1
            grads = _grad([out], inputs, [onehot.reshape(tuple(out.shape))], retain_graph=True, allow_unused=True)
            for j, g in enumerate(grads):
                if g is not None:
                    per_input[j][:, k] = np.asarray(to_numpy(g._data), dtype=np.float64).reshape(-1)
        result.append(per_input)
    return result


def _forward_jacobian(func, inputs: tuple, j: int, out_indices: list) -> list:
    """d out_i / d input_j as (n_in, n_out_i) float64 arrays from forward AD: one one-hot tangent per element."""
    from .. import zeros_like
    from .._backend import to_numpy
    from . import forward_ad

    target = inputs[j]
    columns: list[list] = [[] for _ in out_indices]
    for k in range(int(target.numel())):
        onehot = zeros_like(target.detach())
        onehot.reshape(-1)._data[k] = 1
        with enable_grad(), forward_ad.dual_level():
            args = list(inputs)
            args[j] = forward_ad.make_dual(target, onehot)
            outs = _as_tuple(func(*args))
            for c, i in zip(columns, out_indices):
                tangent = forward_ad.unpack_dual(outs[i]).tangent
                flat = np.zeros(int(outs[i].numel())) if tangent is None else to_numpy(tangent.detach()._data)
                c.append(np.asarray(flat, dtype=np.float64).reshape(-1))
    return [np.stack(c, 0) for c in columns]


def _forward_ad_matches(func, inputs: tuple, diff: list, eps: float, atol: float, rtol: float,
                        raise_exception: bool) -> bool:
    """check_forward_ad: the forward-AD Jacobian of every floating output against central differences."""
    Tensor = _tensor()
    with no_grad():
        outputs = _as_tuple(func(*inputs))
    out_indices = [i for i, o in enumerate(outputs) if isinstance(o, Tensor) and o.dtype.is_floating_point]
    for j, _t in diff:
        numerical = _numerical_jacobian(func, inputs, j, out_indices, eps)
        for i, n, a in zip(out_indices, numerical, _forward_jacobian(func, inputs, j, out_indices)):
            if not _agree(a, n, rtol, atol, raise_exception, f"computed with forward mode mismatch for output {i} "
                                                             f"with respect to input {j}"):
                return False
    return True


def _agree(a, n, rtol: float, atol: float, raise_exception: bool, what: str) -> bool:
    """True when the analytical Jacobian `a` matches the numerical `n`; else False or GradcheckError (`what`)."""
    if a.shape == n.shape and np.allclose(a, n, rtol=rtol, atol=atol):
        return True
    if raise_exception:
        raise GradcheckError(f"Jacobian {what},\nnumerical:{n}\nanalytical:{a}\n")
    return False


def gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False,
              check_backward_ad: bool = True, fast_mode: bool = False, masked: bool | None = None) -> bool:
    """True when backward's Jacobian of `func` at `inputs` (a Tensor or a tuple; those with requires_grad=True
    are checked) matches central differences of step `eps`; otherwise raises GradcheckError (or returns False
    with `raise_exception=False`)."""
    if check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError("gradcheck: batched-gradient checks need vmap's batching rules, which nnstudio "
                                  "does not have; leave check_batched_grad and check_batched_forward_grad False")
    Tensor = _tensor()
    inputs = _as_tuple(inputs)
    diff = [(j, t) for j, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")
    for j, t in diff:
        if t._data.dtype != np.float64:
            warnings.warn(f"Input #{j} requires gradient and is not a double precision floating point or complex. "
                          f"This check will likely fail if all the inputs are not of double precision floating "
                          f"point or complex.", stacklevel=2)
    if check_forward_ad and not _forward_ad_matches(func, inputs, diff, eps, atol, rtol, raise_exception):
        return False
    if not check_backward_ad:
        return True
    with enable_grad():
        outputs = _as_tuple(func(*inputs))
    out_indices = [i for i, o in enumerate(outputs) if isinstance(o, Tensor) and o.dtype.is_floating_point]
    differentiable = [outputs[i] for i in out_indices]
    analytical = _analytical_jacobian([o for o in differentiable if o.requires_grad], [t for _, t in diff])
    requires = [o.requires_grad for o in differentiable]
    for jj, (j, _t) in enumerate(diff):
        numerical = _numerical_jacobian(func, inputs, j, out_indices, eps)
        a_iter = iter(analytical)
        for oi, (i, n) in enumerate(zip(out_indices, numerical)):
            a = next(a_iter)[jj] if requires[oi] else np.zeros_like(n)
            if not _agree(a, n, rtol, atol, raise_exception, f"mismatch for output {i} with respect to input {j}"):
                return False
    return True


def gradgradcheck(func: Callable, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False,
                  check_rev_over_rev: bool = True, fast_mode: bool = False, masked: bool = False) -> bool:
    """gradcheck of the first derivative: the second derivatives of `func` (backward of a create_graph
    backward) against central differences of its gradient. `grad_outputs` (one per differentiable output)
    default to random values in [-1, 1) that require grad, so the check also covers their derivative."""
    if check_fwd_over_rev or check_batched_grad:
        raise NotImplementedError("gradgradcheck: forward-over-reverse and batched checks need forward AD / vmap, "
                                  "which nnstudio does not have; leave check_fwd_over_rev and check_batched_grad "
                                  "False")
    from ..testing import make_tensor

    Tensor = _tensor()
    inputs = _as_tuple(inputs)
    n_in = len(inputs)
    diff_idx = [j for j, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if grad_outputs is None:
        with enable_grad():
            outs = _differentiable_outputs(_as_tuple(func(*inputs)))
        grad_outputs = tuple(make_tensor(tuple(o.shape), dtype=o.dtype, device=o.device, low=-1, high=1,
                                         requires_grad=True) for o in outs)  # as torch: not torch.rand_like
    grad_outputs = _as_tuple(grad_outputs)
    if not check_rev_over_rev:
        return True

    def first_derivative(*args):
        xs, vs = args[:n_in], args[n_in:]
        with enable_grad():
            outs = _differentiable_outputs(_as_tuple(func(*xs)))
            grads = _grad(outs, [xs[j] for j in diff_idx], list(vs), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)


__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]
