"""Rprop (Riedmiller & Braun 1993), resilient backpropagation, as torch.optim.Rprop: each weight has its own step
size, grown by etaplus while its gradient keeps its sign and cut by etaminus when the sign flips (that step is
then skipped); only the gradient's sign moves the weight."""

from __future__ import annotations

from .._backend import xp_of
from ._hyperparams import check_hyperparameters
from .optimizer import Optimizer, count_step, scalar_tensor, state_tensor, zeros_state


class Rprop(Optimizer):
    """s = clamp(s * (etaplus if g g_prev > 0, etaminus if < 0, else 1), step_sizes); g := 0 where it flipped;
    p -= sign(g) s;  g_prev = g. Defaults as torch: lr=1e-2 (the first step size), etas=(0.5, 1.2),
    step_sizes=(1e-6, 50)."""

    def __init__(self, params, lr: float = 1e-2, etas: tuple = (0.5, 1.2), step_sizes: tuple = (1e-6, 50), *,
                 capturable: bool = False, foreach=None, maximize: bool = False, differentiable: bool = False):
        check_hyperparameters(type(self).__name__, dict(lr=lr))
        etaminus, etaplus = etas
        if not 0.0 < etaminus < 1.0 < etaplus:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def _update(self, group, p, g, state):
        xp = xp_of(p)
        etaminus, etaplus = group["etas"]
        low, high = group["step_sizes"]
        if not state:
            state["step"] = scalar_tensor(0.0)
            state["prev"] = zeros_state(p)
            state["step_size"] = state_tensor(xp.full_like(p, group["lr"]))
        count_step(state)
        prev = state["prev"]._data
        agree = xp.sign(g * prev)
        factor = xp.where(agree > 0, p.dtype.type(etaplus), xp.where(agree < 0, p.dtype.type(etaminus),
                                                                     p.dtype.type(1)))
        step_size = state["step_size"]._data
        step_size *= factor
        xp.clip(step_size, low, high, out=step_size)
        g = xp.where(factor == p.dtype.type(etaminus), p.dtype.type(0), g)
        p -= xp.sign(g) * step_size
        prev[...] = g
