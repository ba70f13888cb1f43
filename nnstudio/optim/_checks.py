"""Argument checks shared by the Adam-family optimizers, with torch.optim's messages and error kinds."""

from __future__ import annotations


def check_adam_args(lr: float, betas: tuple, eps: float, weight_decay: float) -> None:
    """ValueError, as torch, for lr < 0, eps < 0, a beta outside [0, 1) or weight_decay < 0."""
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    for i, b in enumerate(betas):
        if not 0.0 <= b < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")
