"""Let `sys.modules["torch"] = nnstudio` stand in for PyTorch, submodules included.

A common way to run a PyTorch program on nnstudio without editing it is to alias the module:

>>> import sys, nnstudio
>>> sys.modules["torch"] = nnstudio
>>> import torch.nn as nn                 # without this finder Python would load nnstudio/nn a second time,
>>> from torch.utils.data import DataLoader  # as "torch.nn", with its own copy of every class

The finder below answers `import torch.<sub>` with the already-loaded `nnstudio.<sub>` module, and only while
`sys.modules["torch"]` is nnstudio itself, so a real PyTorch in the same process is never touched.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType

_PACKAGE = __name__.rpartition(".")[0]  # "nnstudio"


class _AliasLoader(importlib.abc.Loader):
    """Hands back the nnstudio module that `torch.<sub>` stands for (nothing is executed twice)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self._own_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """The module is already initialised; only its own `__spec__` (which the import machinery just
        overwrote with the alias's) is put back."""
        module.__spec__ = self._own_spec


class TorchAliasFinder(importlib.abc.MetaPathFinder):
    """Maps `torch.x.y` to `nnstudio.x.y` while `sys.modules["torch"] is nnstudio`."""

    def find_spec(self, fullname: str, path=None, target=None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("torch."):
            return None
        if sys.modules.get("torch") is not sys.modules.get(_PACKAGE):
            return None
        real = _PACKAGE + fullname[len("torch"):]
        try:
            found = importlib.util.find_spec(real)
        except (ImportError, ValueError):
            return None
        if found is None:
            return None
        is_package = found.submodule_search_locations is not None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(real), is_package=is_package)


def install() -> None:
    """Put the finder first on `sys.meta_path` (once)."""
    if not any(isinstance(f, TorchAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, TorchAliasFinder())
