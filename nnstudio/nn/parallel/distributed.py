"""`DistributedDataParallel`: needs a process group, which nnstudio never has (torch's ValueError)."""

from __future__ import annotations

from ..modules.module import Module


class DistributedDataParallel(Module):
    """Needs an initialised process group, which nnstudio cannot create: raises torch's ValueError."""

    def __init__(self, module: Module, *args, **kwargs) -> None:
        super().__init__()
        from ...distributed import _no_group

        _no_group()
