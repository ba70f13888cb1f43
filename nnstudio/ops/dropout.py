"""Dropout primitive: z = a * m with m = keep / (1 - p), keep ~ Bernoulli(1 - p), drawn once per call."""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from .._random import device_generator, generator
from ..autograd import Function
from .gpu_kernels import DROPOUT_MASK, kernel


def dropout_keep(shape: tuple, p: float, like) -> object:
    """A dropout multiplier of `shape` in `like`'s dtype and on its device: 0 with probability p, else
    1 / (1 - p) (0 everywhere for p = 1), computed in `like`'s dtype as torch divides its noise. On the CPU the
    mask is torch's own for the stream's state; on the GPU it is drawn by the device stream seeded from it (no
    mask crosses the bus)."""
    draw = np.float64 if like.dtype == np.float64 else np.float32
    one = like.dtype.type(1)
    scale = one / like.dtype.type(1.0 - p) if p < 1.0 else like.dtype.type(0)
    xp = xp_of(like)
    if xp is np:  # torch's mask: bernoulli_(1 - p) (float64 uniforms below 1 - p), then divided by 1 - p
        keep = generator().bernoulli_scalar(1.0 - p, shape)
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
