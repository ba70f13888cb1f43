"""`torch.jit`: nnstudio runs every model eagerly, so scripting and tracing give the model (or function) back.

Model code copied from torchvision, timm or the PyTorch examples uses `torch.jit` inside its definitions
(`@torch.jit.ignore`, `@torch.jit.unused`, `if torch.jit.is_scripting(): ...`, `torch.jit.annotate(List[int], [])`)
and deployment snippets end with `torch.jit.script(model)` / `torch.jit.trace(model, x)` and `torch.jit.save`.
Here each of those runs the same eager code, so the numbers stay torch's: `script` and `trace` return their
argument unchanged (`trace` does not run it), the decorators return the function, `is_scripting()` and
`is_tracing()` are False, and `save` / `load` write and read the whole module with `nnstudio.save` (an `.npz`
file, no pickle: a file torch's TorchScript wrote cannot be read here, and the error says so).
"""

from __future__ import annotations

import builtins
import types
import typing
from collections.abc import Callable
from typing import Any

__all__ = ["Attribute", "Error", "Final", "Future", "ScriptFunction", "ScriptModule", "annotate", "export",
           "fork", "freeze", "ignore", "interface", "is_scripting", "is_tracing", "isinstance", "load",
           "optimize_for_inference", "save", "script", "script_if_tracing", "script_method", "trace",
           "trace_module", "unused", "wait"]

Final = typing.Final


class Error(RuntimeError):
    """torch.jit.Error: what a scripted function's `raise` becomes (never raised by nnstudio itself)."""


class Attribute(typing.NamedTuple):
    """`torch.jit.Attribute(value, type)`: outside a script, the pair itself (the value is `.value`)."""

    value: Any
    type: Any


def _nn_module():
    from .nn import Module

    return Module


class ScriptModule(_nn_module()):
    """Base class of the modules `script` returns in torch; here an ordinary `nn.Module` subclass."""


ScriptFunction = type(lambda: None)  # a scripted function is the function itself


def _callable(obj, what: str):
    if not callable(obj):
        raise RuntimeError(f"torch.jit.{what} expects a module, a function or a class, got {type(obj).__name__}")
    return obj


def script(obj: Any, optimize: None = None, _frames_up: int = 0, _rcb: Callable | None = None,
           example_inputs: list | dict | None = None) -> Any:
    """The module, function or class itself: running it eagerly gives what TorchScript would compute."""
    return _callable(obj, "script")


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-05,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
          _store_inputs=True):
    """`func` itself (not run on `example_inputs`): every later call runs the same eager code."""
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("torch.jit.trace: example_inputs or example_kwarg_inputs must be given")
    return _callable(func, "trace")


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-05, strict=True,
                 _force_outplace=False, _module_class=None, _compilation_unit=None, example_inputs_is_kwarg=False,
                 _store_inputs=True):
    """`mod` itself, as `trace`."""
    if not builtins.isinstance(mod, _nn_module()):
        raise AttributeError("torch.jit.trace_module expects an nn.Module as its first argument")
    if not builtins.isinstance(inputs, dict):
        raise AttributeError("torch.jit.trace_module: inputs must be a dict of method name -> example inputs")
    return mod


def ignore(drop=False, **kwargs):
    """`@torch.jit.ignore` or `@torch.jit.ignore(drop=True)`: the function, unchanged."""
    if callable(drop):  # used bare: `drop` is the decorated function
        return drop
    return lambda fn: fn


def unused(fn: Callable) -> Callable:
    return fn


def export(fn: Callable) -> Callable:
    return fn


def interface(obj):
    return obj


def script_if_tracing(fn: Callable) -> Callable:
    return fn


def script_method(fn: Callable) -> Callable:
    return fn


def is_scripting() -> bool:
    """False: nnstudio never compiles, so the eager branch of `if torch.jit.is_scripting()` always runs."""
    return False


def is_tracing() -> bool:
    return False


def annotate(the_type, the_value):
    """The value: the type is only a hint for the TorchScript compiler."""
    return the_value


def isinstance(obj, target_type) -> bool:  # noqa: A001 - torch's name
    """`torch.jit.isinstance`: also for typing containers such as `List[int]` or `Dict[str, Tensor]`."""
    origin = typing.get_origin(target_type)
    if origin is None:
        return builtins.isinstance(obj, target_type)
    args = typing.get_args(target_type)
    if origin in (typing.Union, types.UnionType):
        return any(isinstance(obj, a) for a in args)
    if not builtins.isinstance(obj, origin):
        return False
    if origin in (list, builtins.set, frozenset) and args:
        return all(isinstance(v, args[0]) for v in obj)
    if origin is dict and args:
        return all(isinstance(k, args[0]) and isinstance(v, args[1]) for k, v in obj.items())
    if origin is tuple and args:
        return len(obj) == len(args) and all(isinstance(v, a) for v, a in zip(obj, args))
    return True


def freeze(mod, preserved_attrs: list[str] | None = None, optimize_numerics: bool = True):
    """The module itself; as torch, only a module in eval mode can be frozen."""
    if getattr(mod, "training", False):
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. Please call .eval() "
                           "on your module before freezing.")
    return mod


def optimize_for_inference(mod, other_methods: list[str] | None = None):
    """The module in eval mode (torch freezes it, which changes no numbers)."""
    return mod.eval() if getattr(mod, "training", False) else mod


def save(m, f, _extra_files=None) -> None:
    """The whole module with `nnstudio.save` (an `.npz` file that `torch.jit.load` here reads back)."""
    from .serialization import save as save_file

    save_file(m, f)


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """A module written by `torch.jit.save` (or `torch.save(model)`) here: `nnstudio.load` of the whole module."""
    from .serialization import load as load_file

    return load_file(f, map_location=map_location, weights_only=False)


class Future:
    """The result of `fork`: the call already ran (eagerly); `wait()` gives its value."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def wait(self) -> Any:
        return self._value

    def done(self) -> bool:
        return True

    def value(self) -> Any:
        return self._value


def fork(func, *args, **kwargs) -> Future:
    return Future(func(*args, **kwargs))


def wait(future: Future) -> Any:
    return future.wait()
