"""torch.backends.cudnn: the flags scripts set (`benchmark`, `deterministic`, `enabled`), accepted without effect
(nnstudio calls no cuDNN kernels; its results do not depend on these flags)."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: nnstudio does not use cuDNN."""
    return False


def version():
    """None, as torch when cuDNN is unavailable."""
    return None
