"""`nnstudio.backends`: torch.backends' flags, answered honestly for a NumPy / CuPy engine (no MPS, no cuDNN
kernels: the flags are accepted and have no effect)."""

from . import cuda, cudnn, mps
from .flags import cpu, mkl, mkldnn, openmp, opt_einsum

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp", "opt_einsum"]
