"""L-BFGS (Nocedal 1980; the minFunc variant torch ports), with an optional strong-Wolfe line search.

`step(closure)` runs up to `max_iter` iterations on the flattened parameters. Scalars stay 0-d float32 values,
as torch's tensors do, so the iterates follow torch's to float32 rounding. Between steps `state` holds what torch's
holds (`d`, `old_dirs`, `ro`, `H_diag`, `prev_flat_grad` ... as Tensors, `func_evals` and `n_iter` as ints).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._backend import xp_of
from ..autograd import enable_grad, no_grad
from ..tensor import Tensor
from ._hyperparams import check_hyperparameters
from ._strong_wolfe import strong_wolfe
from .optimizer import Optimizer


class LBFGS(Optimizer):
    """Limited-memory BFGS over all parameters as one flat vector (one parameter group only).

    Args: lr (step length, default 1), max_iter (iterations per `step`, 20), max_eval (closure evaluations per
    `step`, default max_iter * 5 // 4), tolerance_grad (stop when max |g| <= this, 1e-7), tolerance_change
    (stop when the loss or the step changes less, 1e-9), history_size (stored curvature pairs, 100),
    line_search_fn (None: fixed step lr; 'strong_wolfe': a line search satisfying the strong Wolfe conditions).
    """

    def __init__(self, params, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None):
        check_hyperparameters(type(self).__name__, dict(lr=lr))
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # ---------------------------------------------------------------- flat views of the parameters
    def _gather_flat_grad(self):
        xp = xp_of(self._params[0]._data)
        return xp.concatenate([xp.zeros(p._data.size, p._data.dtype) if p.grad is None else p.grad._data.reshape(-1)
                               for p in self._params])

    def _add_grad(self, step_size, update) -> None:
        offset = 0
        for p in self._params:
            n = p._data.size
            p._data += step_size * update[offset:offset + n].reshape(p._data.shape)
            p._version += 1
            offset += n

    def _clone_param(self) -> list:
        return [p._data.copy() for p in self._params]

    def _set_param(self, params_data) -> None:
        for p, data in zip(self._params, params_data):
            p._data[...] = data
            p._version += 1

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    @no_grad()
    def step(self, closure: Callable):
        """Minimise the loss that `closure()` re-evaluates (it must zero the gradients, run backward and
        return the loss); returns the loss of the first evaluation."""
        if closure is None:
            raise RuntimeError("LBFGS.step() requires a closure that re-evaluates the model and returns the loss")

        def evaluate():
            with enable_grad():
                return closure()

        group = self.param_groups[0]
        self._validate(group)
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        xp = xp_of(self._params[0]._data)

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if xp.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss, al = (
            _raw(state.get(k)) for k in ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad",
                                         "prev_loss", "al"))

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            # the direction: steepest descent first, then the two-loop recursion over the stored pairs
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = xp.dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / xp.dot(y, y)
                num_old = len(old_dirs)
                if al is None:
                    al = [None] * history_size
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = xp.dot(old_stps[i], q) * ro[i]
                    q -= al[i] * old_dirs[i]
                d = r = q * H_diag
                for i in range(num_old):
                    be_i = xp.dot(old_dirs[i], r) * ro[i]
                    r += (al[i] - be_i) * old_stps[i]

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                prev_flat_grad[...] = flat_grad
            prev_loss = loss

            # the step length
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / xp.abs(flat_grad).sum()) * lr
            else:
                t = lr
            gtd = xp.dot(flat_grad, d)
            if gtd > -tolerance_change:
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_param()

                def obj_func(x, t, d):
                    return self._directional_evaluate(evaluate, x, t, d)

                loss, flat_grad, t, ls_func_evals = strong_wolfe(obj_func, x_init, t, d, loss, flat_grad, gtd,
                                                                 max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:
                    loss = float(evaluate())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = xp.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if xp.abs(d * t).max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        if al is not None:
            state["al"] = _pack(al)
        state.update(d=_pack(d), t=_pack(t), old_dirs=_pack(old_dirs), old_stps=_pack(old_stps), ro=_pack(ro),
                     H_diag=_pack(H_diag), prev_flat_grad=_pack(prev_flat_grad), prev_loss=prev_loss)
        return orig_loss


def _pack(v):
    """A value as torch's state holds it: arrays and NumPy scalars as Tensors (no copy), lists walked."""
    if isinstance(v, list):
        return [_pack(x) for x in v]
    if isinstance(v, np.floating):
        return Tensor._wrap(np.array(v), None)
    if hasattr(v, "shape") and not isinstance(v, Tensor):
        return Tensor._wrap(v, None)
    return v


def _raw(v):
    """The inverse of `_pack`: each Tensor's array (0-d ones as scalars, as the iteration computes them)."""
    if isinstance(v, list):
        return [_raw(x) for x in v]
    if isinstance(v, Tensor):
        return v._data[()] if v._data.ndim == 0 else v._data
    return v
