"""Dropout primitive: z = a * m with m = keep / (1 - p), keep ~ Bernoulli(1 - p), drawn once per call."""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from .._random import device_generator, generator
from ..autograd import Function
from .gpu_kernels import DROPOUT_MASK, kernel


def dropout_keep(shape: tuple, p: float, like) -> object:
    """A dropout multiplier of `shape` in `like`'s dtype and on its device: 0 with probability p, else
    1 / (1 - p) (0 everywhere for p = 1). The uniforms come from the library's generator in `like`'s dtype
    (float32 unless `like` is float64: half the bits and time of float64 draws): on the CPU from the NumPy
    generator, on the GPU from the device stream seeded from it (no mask crosses the bus)."""
    draw = np.float64 if like.dtype == np.float64 else np.float32
    scale = like.dtype.type(1.0 / (1.0 - p) if p < 1.0 else 0.0)
    xp = xp_of(like)
    if xp is np:
        keep = generator().random(shape, dtype=draw) >= p
        return keep * scale  # bool times a scalar of like's dtype: one pass, already in like's dtype
    u = device_generator(xp).random_sample(shape, dtype=draw).astype(like.dtype, copy=False)
    return kernel(xp, DROPOUT_MASK)(u, like.dtype.type(p), scale)  # one launch: u >= p ? scale : 0


class Dropout(Function):
    """z = a * m;  dz/da = m.  m = dropout_keep(mask_shape or a.shape, p): a mask of shape (N, C, 1, ...)
    broadcast over a zeroes whole channels (dropout1d/2d/3d). Only m is kept for backward, not a."""

    tensor_saves: dict = {}  # the mask is a constant of the derivative

    def forward(self, a, p=0.5, mask_shape=None):
        self.mask = dropout_keep(a.shape if mask_shape is None else tuple(mask_shape), p, a)
        return a * self.mask

    def backward(self, g):
        return (g * self.mask,)
