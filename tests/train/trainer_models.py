"""Small models the trainer tests share."""

from __future__ import annotations

import nnstudio
import nnstudio.nn as nn


def spiral_mlp(classes: int = 3, inputs: int = 2) -> nn.Module:
    """The default MLP of the spiral demo: 2 -> 64 -> 64 -> classes with Tanh."""
    return nn.Sequential(nn.Linear(inputs, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, classes))


def digits_cnn() -> nn.Module:
    """A small CNN for 1x8x8 digits: conv 3x3 (16) -> ReLU -> max pool 2 -> flatten -> linear 256 -> 10."""
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(16 * 4 * 4, 10))


def has_conv() -> bool:
    return hasattr(nnstudio.nn, "Conv2d") and hasattr(nnstudio.nn, "MaxPool2d")
