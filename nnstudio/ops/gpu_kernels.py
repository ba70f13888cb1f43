"""Fused element-wise GPU kernels (CuPy ElementwiseKernels), built lazily once per array module.

On the GPU every NumPy-style call is a kernel launch (~10 us of host time), and for small models the launches,
not the arithmetic, set the step time; a kernel that does several element-wise steps in one launch pays that
once. A spec is (in_params, out_params, operation, name) as CuPy's ElementwiseKernel takes them; the array
module comes from the arrays themselves, so no module but `_backend` imports CuPy.
"""

from __future__ import annotations

_kernels: dict = {}


def kernel(xp, spec: tuple):
    """The compiled ElementwiseKernel of `spec` for array module `xp` (cached)."""
    key = (xp.__name__, spec[3])
    compiled = _kernels.get(key)
    if compiled is None:
        compiled = _kernels[key] = xp.ElementwiseKernel(*spec)
    return compiled


DROPOUT_MASK = (
    "T u, T p, T scale",
    "T mask",
    "mask = u >= p ? scale : (T)0;",
    "nnstudio_dropout_mask",
)
