"""One-kernel parameter updates on the GPU (CuPy ElementwiseKernels).

On the CPU an update is a handful of in-place NumPy passes; on the GPU each pass is a kernel launch (~10 us
of host time each), and for small models the launches, not the arithmetic, set the step time. These kernels
do the same arithmetic, in the same order, in one launch per parameter (built by `nnstudio.ops.gpu_kernels`).
"""

from __future__ import annotations

from ..ops.gpu_kernels import kernel

_ADAM = (
    "T g, T one_minus_b1, T b2, T one_minus_b2, T step_size, T bc2_sqrt, T eps",
    "T p, T m, T v",
    """
    m += (g - m) * one_minus_b1;
    v = v * b2 + (g * g) * one_minus_b2;
    p -= (m / (sqrt(v) / bc2_sqrt + eps)) * step_size;
    """,
    "nnstudio_adam_step",
)

_SGD_MOMENTUM = (
    "T g, T mu, T one_minus_dampening, T lr",
    "T p, T buf",
    """
    buf = buf * mu + one_minus_dampening * g;
    p -= lr * buf;
    """,
    "nnstudio_sgd_momentum_step",
)


def adam_step(xp, p, g, m, v, b1: float, b2: float, step_size: float, bc2_sqrt: float, eps: float) -> None:
    """In place: m += (1-b1)(g-m);  v = b2 v + (1-b2) g^2;  p -= step_size m / (sqrt(v)/bc2_sqrt + eps)."""
    t = p.dtype.type
    kernel(xp, _ADAM)(g, t(1 - b1), t(b2), t(1 - b2), t(step_size), t(bc2_sqrt), t(eps), p, m, v)


def sgd_momentum_step(xp, p, g, buf, mu: float, dampening: float, lr: float) -> None:
    """In place: buf = mu buf + (1-dampening) g;  p -= lr buf."""
    t = p.dtype.type
    kernel(xp, _SGD_MOMENTUM)(g, t(mu), t(1 - dampening), t(lr), p, buf)
