"""`nnstudio.backends`: torch.backends' flags, answered honestly for a NumPy / CuPy engine (no MPS, no cuDNN
kernels: the flags are accepted and have no effect)."""

from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
