"""torch.backends.mps: Apple's Metal backend, which nnstudio does not have."""


def is_available() -> bool:
    """False: nnstudio runs on NumPy (CPU) or CuPy (CUDA), never on MPS."""
    return False


def is_built() -> bool:
    """False: no MPS support is built in."""
    return False
