"""`DataParallel` and `data_parallel`: one process, one device here, so they run the module as it is."""

from __future__ import annotations

from ..modules.module import Module


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
