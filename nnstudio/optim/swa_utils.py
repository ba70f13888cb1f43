"""`torch.optim.swa_utils`: stochastic weight averaging and exponential moving averages of a model's weights.

- `AveragedModel(model)`: a copy of the model whose parameters (and buffers, with `use_buffers=True`) are the
  running average of the model's, updated by `update_parameters(model)`; the default is the equal-weight mean,
  `get_ema_multi_avg_fn(decay)` / `get_ema_avg_fn(decay)` give an exponential moving average. `n_averaged`
  counts the updates (a buffer, as torch's).
- `SWALR(optimizer, swa_lr)`: anneals each group's learning rate to `swa_lr` over `anneal_epochs` ("cos" or
  "linear"), then holds it.
- `update_bn(loader, model)`: one pass over the data to recompute the BatchNorm running statistics of the
  averaged weights (cumulative averages, momentum None meanwhile).
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable

from .._dtype import int64
from ..autograd.grad_mode import no_grad
from ..creation import tensor
from ..nn.modules.batchnorm import _BatchNorm
from ..nn.modules.module import Module
from ._lr_base import LRScheduler

__all__ = ["AveragedModel", "SWALR", "update_bn", "get_ema_avg_fn", "get_ema_multi_avg_fn", "get_swa_avg_fn",
           "get_swa_multi_avg_fn"]


def get_ema_avg_fn(decay: float = 0.999) -> Callable:
    """avg_fn(averaged, current, n) = decay * averaged + (1 - decay) * current."""
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable:
    """The exponential moving average applied to lists of tensors in place."""
    def ema_update(ema_param_list, current_param_list, _num_averaged):
        for p_ema, p_model in zip(ema_param_list, current_param_list):
            p_ema.copy_(decay * p_ema + (1 - decay) * p_model)
    return ema_update


def get_swa_avg_fn() -> Callable:
    """avg_fn(averaged, current, n) = averaged + (current - averaged) / (n + 1): the equal-weight mean."""
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


def get_swa_multi_avg_fn() -> Callable:
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        for p_avg, p_model in zip(averaged_param_list, current_param_list):
            p_avg.copy_(p_avg + (p_model - p_avg) / (num_averaged + 1))
    return swa_update


class AveragedModel(Module):
    """A deep copy of `model` holding the average of its weights over `update_parameters` calls."""

    def __init__(self, model: Module, device=None, avg_fn: Callable | None = None,
                 multi_avg_fn: Callable | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=int64))
        self.avg_fn, self.multi_avg_fn, self.use_buffers = avg_fn, multi_avg_fn, use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _tensors(self, model: Module) -> list:
        return list(itertools.chain(model.parameters(), model.buffers() if self.use_buffers else []))

    def update_parameters(self, model: Module) -> None:
        """Fold `model`'s current weights into the average (the first call copies them)."""
        ours, theirs = self._tensors(self.module), self._tensors(model)
        n = int(self.n_averaged.item())
        with no_grad():
            if n == 0:
                for p_avg, p_model in zip(ours, theirs):
                    p_avg.detach().copy_(p_model.detach())
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn([p.detach() for p in ours], [p.detach() for p in theirs], self.n_averaged)
            else:
                fn = self.avg_fn or get_swa_avg_fn()
                for p_avg, p_model in zip(ours, theirs):
                    p_avg.detach().copy_(fn(p_avg.detach(), p_model.detach(), self.n_averaged))
            if not self.use_buffers:
                for b_avg, b_model in zip(self.module.buffers(), model.buffers()):
                    b_avg.detach().copy_(b_model.detach())
            self.n_averaged += 1


class SWALR(LRScheduler):
    """Anneal every group's lr to `swa_lr` (a float, or one per group) over `anneal_epochs` steps."""

    def __init__(self, optimizer, swa_lr, anneal_epochs: int = 10, anneal_strategy: str = "cos",
                 last_epoch: int = -1) -> None:
        swa_lrs = list(swa_lr) if isinstance(swa_lr, (list, tuple)) else [swa_lr] * len(optimizer.param_groups)
        if len(swa_lrs) != len(optimizer.param_groups):
            raise ValueError(f"swa_lr must have the same length as optimizer.param_groups: swa_lr has "
                             f"{len(swa_lrs)}, optimizer.param_groups has {len(optimizer.param_groups)}")
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must by one of 'cos' or 'linear', instead got {anneal_strategy}")
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t: float) -> float:
        return t

    @staticmethod
    def _cosine_anneal(t: float) -> float:
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr: float, swa_lr: float, alpha: float) -> float:
        return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list:
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(self.optimizer.param_groups, prev_lrs)]


def update_bn(loader, model: Module, device=None) -> None:
    """Recompute the running mean and variance of every BatchNorm in `model` over one pass of `loader`."""
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)
