"""`torch.compile` and `torch.compiler`: nnstudio runs every model eagerly, so compiling changes no number.

`torch.compile(module)` returns torch's wrapper, an `OptimizedModule` whose child `_orig_mod` is the module (its
`state_dict` keys carry the `_orig_mod.` prefix, as torch's; see optimized_module.py), or with `disable=True` the
module itself, as torch. `module.compile()` compiles in place and returns None, keys unchanged, as torch's. A
function, or `@torch.compile` / `@torch.compile(mode=...)` as a decorator, gives the function back. Arguments are
checked as torch checks them, so a typo still fails.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["compile", "disable", "is_compiling", "is_dynamo_compiling", "reset", "allow_in_graph",
           "assume_constant_result"]

_MODES = (None, "default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")


def compile(model: Callable | None = None, *, fullgraph: bool = False, dynamic: bool | None = None,
            backend=None, mode: str | None = None, options: dict | None = None, name: str | None = None,
            disable: bool = False, recompile_limit: int | None = None, isolate_recompiles: bool = False,
            shapes_spec=None):
    """torch's wrapper around a Module, or the function itself: nnstudio has no compiler, and eager execution
    gives the same numbers."""
    if mode not in _MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(m for m in _MODES if m)}")
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if model is None:
        return lambda fn: fn
    if not callable(model):
        raise RuntimeError(f"torch.compile expects a callable (a module or a function), got {type(model).__name__}")
    from ..nn.modules.module import Module
    from .optimized_module import OptimizedModule

    return OptimizedModule(model) if isinstance(model, Module) and not disable else model


def disable(fn: Callable | None = None, recursive: bool = True, *, reason: str | None = None):
    """Decorator that keeps a function out of compilation: here every function already runs eagerly."""
    return (lambda f: f) if fn is None else fn


def is_compiling() -> bool:
    """False: nothing is ever being compiled in nnstudio."""
    return False


is_dynamo_compiling = is_compiling


def reset() -> None:
    """Clear compilation caches: there are none."""


def allow_in_graph(fn: Callable) -> Callable:
    return fn


def assume_constant_result(fn: Callable) -> Callable:
    return fn
