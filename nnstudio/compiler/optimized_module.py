"""`OptimizedModule`: what `torch.compile(module)` returns, with torch's names, keys and attribute rules.

nnstudio compiles nothing, so calling the wrapper calls the model. Everything a script can see is torch's: the
model is the wrapper's one child `_orig_mod` (so `state_dict()` keys and `named_modules()` names carry the
`_orig_mod.` prefix that scripts strip, or load back into a compiled model), `repr` shows it as that child, and
any other attribute read, set or deleted on the wrapper is the model's (`compiled.fc1`, `compiled.foo = 1`).
"""

from __future__ import annotations

from collections.abc import Sized

from ..nn.modules.module import Module

_OWN = frozenset({"_orig_mod", "forward", "training"})  # set on the wrapper itself; all else goes to the model


class OptimizedModule(Module):
    """A Module whose one child `_orig_mod` is the compiled model; calling it calls the model."""

    def __init__(self, mod: Module):
        super().__init__()
        Module.__setattr__(self, "_orig_mod", mod)  # registered as the child module
        self.__dict__["training"] = mod.training

    def forward(self, *args, **kwargs):
        return self._orig_mod(*args, **kwargs)

    def __getattr__(self, name: str):
        modules = self.__dict__.get("_modules")
        if modules is None or "_orig_mod" not in modules:  # not yet set up (copy, unpickling)
            raise AttributeError(f"'OptimizedModule' object has no attribute '{name}'")
        if name == "_orig_mod":
            return modules["_orig_mod"]
        return getattr(modules["_orig_mod"], name)

    def __setattr__(self, name: str, value) -> None:
        if name in _OWN or hasattr(type(self), name) or "_modules" not in self.__dict__:
            super().__setattr__(name, value)
        else:
            setattr(self._orig_mod, name, value)

    def __delattr__(self, name: str) -> None:
        if name in _OWN or hasattr(type(self), name):
            super().__delattr__(name)
        else:
            delattr(self._orig_mod, name)

    def __len__(self) -> int:
        if isinstance(self._orig_mod, Sized):
            return len(self._orig_mod)
        raise TypeError(f"{type(self._orig_mod).__name__} does not support len()")
