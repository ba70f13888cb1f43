"""`torch.cpu.amp` (deprecated in torch): autocast with device 'cpu'."""

from __future__ import annotations

from ..amp import autocast as _autocast

__all__ = ["autocast"]


class autocast(_autocast):
    """`torch.cpu.amp.autocast(enabled=True, dtype=torch.bfloat16, cache_enabled=True)`."""

    def __init__(self, enabled: bool = True, dtype=None, cache_enabled: bool = True) -> None:
        super().__init__("cpu", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)

    def __call__(self, func):
        return _autocast("cpu", self.fast_dtype, self._enabled)(func)
