"""`skip_init` (torch's `nn.utils.init`): build a module without running its parameter initialisation."""

from __future__ import annotations

import inspect

from ..init import skipping
from ..modules.module import Module

__all__ = ["skip_init"]


def skip_init(module_cls: type, *args, **kwargs) -> Module:
    """`module_cls(*args, **kwargs)` with every `nn.init` fill skipped while it is built (no random draws), so
    its parameters hold unspecified values (zeros here; torch's are uninitialised memory), on `device` (default
    'cpu'). As torch's: the class must take a `device` argument and do nothing but `nn.init` calls on its
    parameters in its constructor."""
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs["device"] = kwargs.pop("device", "cpu")
    token = skipping.set(True)
    try:
        return module_cls(*args, **kwargs)
    finally:
        skipping.reset(token)
