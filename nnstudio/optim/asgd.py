"""ASGD (Polyak & Juditsky 1992): SGD with a decaying step and a running average of the iterates."""

from __future__ import annotations

from .._backend import device_of
from ._hyperparams import check_hyperparameters
from .optimizer import Optimizer, count_step, scalar_tensor, zeros_state


class ASGD(Optimizer):
    """p *= 1 - lambd eta;  p -= eta g;  ax += mu (p - ax) (ax = p while mu = 1);
    eta = lr / (1 + lambd lr t)^alpha;  mu = 1 / max(1, t - t0).

    `ax` (the averaged weights, in `state[p]['ax']`) is what the method returns as its estimate; `weight_decay`
    adds wd p to g. Defaults as torch: lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6.
    """

    _scalar_keys = ("step", "eta", "mu")

    def __init__(self, params, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75, t0: float = 1e6,
                 weight_decay: float = 0, foreach=None, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False):
        check_hyperparameters(type(self).__name__, dict(lr=lr, weight_decay=weight_decay))
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def _update(self, group, p, g, state):
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            # torch holds step, eta and mu in float32 0-d tensors on the parameter's device
            state["step"] = scalar_tensor(0.0, device=device_of(p))
            state["eta"] = scalar_tensor(lr, device=device_of(p))
            state["mu"] = scalar_tensor(1.0, device=device_of(p))
            state["ax"] = zeros_state(p)
        t, eta, mu = count_step(state), float(state["eta"]._data), float(state["mu"]._data)
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        p *= 1 - lambd * eta
        p -= eta * g
        ax = state["ax"]._data
        if mu != 1:
            ax += mu * (p - ax)
        else:
            ax[...] = p
        state["eta"]._data[...] = lr / (1 + lambd * lr * t) ** group["alpha"]  # eta.copy_(...), float32
        state["mu"]._data[...] = 1 / max(1, t - group["t0"])
