"""Argument checks shared by the Adam-family optimizers, with torch.optim's messages and error kinds."""

from __future__ import annotations

from ._hyperparams import check_hyperparameters


def check_adam_args(lr: float, betas: tuple, eps: float, weight_decay: float, owner: str = "the optimizer") -> None:
    """TypeError for a non-number; ValueError, as torch, for lr < 0, eps < 0, a beta outside [0, 1),
    weight_decay < 0 or any NaN."""
    check_hyperparameters(owner, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))
