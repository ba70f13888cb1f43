"""`torch.nn.parallel`: DataParallel and DistributedDataParallel as torch runs them on one device.

nnstudio drives one device, so `DataParallel(model)` is what torch gives with zero or one GPU: a wrapper whose
`module` is the model (state_dict keys start with `module.`) and whose forward calls it directly.
`DistributedDataParallel` needs a process group, which nnstudio never has (see `torch.distributed`): it raises
torch's ValueError.
"""

from __future__ import annotations

from ..modules.module import Module

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]


class DataParallel(Module):
    """Wraps `module`; with one device the forward is `module(*inputs, **kwargs)`.

    Args:
        module: the model to wrap (reachable as `.module`).
        device_ids: GPU indices; nnstudio has at most one (0).
        output_device, dim: accepted as torch's (nothing is scattered or gathered with one device).
    """

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0) -> None:
        super().__init__()
        from ...accelerator import device_count

        self.module = module
        self.device_ids = [] if device_count() == 0 else [0]
        self.output_device = self.device_ids[0] if self.device_ids else None
        self.dim = dim
        if device_ids is not None and [int(getattr(d, "index", d) or 0) for d in device_ids] not in ([], [0]):
            raise ValueError(f"DataParallel: nnstudio drives one device (index 0), got device_ids={device_ids}")

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module: Module, inputs, device_ids=None, output_device=None, dim: int = 0, module_kwargs=None):
    """The functional DataParallel: `module(*inputs, **module_kwargs)` on the one device."""
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    return module(*inputs, **(module_kwargs or {}))


class DistributedDataParallel(Module):
    """Needs an initialised process group, which nnstudio cannot create: raises torch's ValueError."""

    def __init__(self, module: Module, *args, **kwargs) -> None:
        super().__init__()
        from ...distributed import _no_group

        _no_group()
