"""torch.backends.cuda: `matmul.allow_tf32` and friends, accepted without effect."""

from types import SimpleNamespace

matmul = SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True)


def is_built() -> bool:
    """True when CuPy with a usable GPU is present (nnstudio's CUDA backend)."""
    from .._backend import cuda_is_available

    return cuda_is_available()
