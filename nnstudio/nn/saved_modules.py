"""Whole modules in `nnstudio.save` files, without pickle: `torch.save(model, path)` / `torch.load(path,
weights_only=False)`, as example programs write them.

A module is stored as the name of its class (`module:QualName`) and its attributes: parameters and buffers as
arrays, submodules the same way, and plain values (numbers, strings, lists, dicts, dtypes, devices, functions and
classes by name). A tensor or module that appears twice (tied weights: `decoder.weight = encoder.weight`) is
stored once and comes back shared. Loading re-creates the object with `cls.__new__(cls)` and its saved
attributes: no constructor, no `__reduce__`, no code from the file runs. It does import the class's module by
name, which is why `load` reads a module only with `weights_only=False` or for classes the caller allowed with
`torch.serialization.add_safe_globals` (torch's rule for whole modules).

Registered with `nnstudio.serialization` when `nnstudio.nn` is imported.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections import OrderedDict

from .. import serialization
from .._backend import device as Device
from .._dtype import dtype as DType
from .modules.module import Module
from .parameter import Parameter, UninitializedBuffer, UninitializedParameter, is_lazy

_PUBLIC_HOMES = ("nnstudio", "nnstudio.nn.functional", "nnstudio.nn.init", "nnstudio.linalg", "nnstudio.special")


def _name_of(obj, path: str) -> str:
    """`module:QualName` under which `obj` (a class or function) is found again: its own module, else the public
    nnstudio namespace that exports it (`torch.tanh` is made in an internal module)."""
    homes = (obj.__module__, *(h for h in _PUBLIC_HOMES if h != obj.__module__))
    if obj.__module__.startswith("nnstudio.nn._functional."):   # a private file: save torch's public path
        homes = ("nnstudio.nn.functional", obj.__module__)
    for home in homes:
        found = sys.modules.get(home)
        for part in obj.__qualname__.split(".") if found is not None else ():
            found = getattr(found, part, None)
        if found is obj:
            return f"{home}:{obj.__qualname__}"
    for home in _PUBLIC_HOMES:
        if getattr(sys.modules.get(home), obj.__name__, None) is obj:
            return f"{home}:{obj.__name__}"
    raise TypeError(f"nnstudio.save: {path} is a function or class ({obj.__module__}.{obj.__qualname__}) that "
                    "cannot be found again by its name (a lambda, or defined inside a function); keep it out of the "
                    "saved object, or save the state_dict()")


#: the files of nnstudio/nn/ before classes moved to torch's file names in nn/modules/ (and their math to
#: nn/functional/): a file saved then names e.g. `nnstudio.nn.activation_extra:PReLU`, found again by its name
_MOVED_FILES = frozenset({
    "activation", "activation_extra", "activation_extra_functional", "activation_more", "activation_more_functional",
    "adaptive", "attention", "container", "container_more", "conv", "conv_functional", "conv_transpose",
    "conv_transpose_functional", "ctc", "distance", "distance_functional", "dropout", "embedding_bag", "flatten",
    "fold", "fractional_pooling", "functional_aliases", "instancenorm", "interpolate_functional", "linear", "loss",
    "loss_more", "loss_more_functional", "module", "multilabel_loss", "normalization", "normalization_more",
    "padding", "padding_functional", "pooling", "pooling_functional", "pooling_more", "rnn", "sampling_functional",
    "shuffle_functional", "sparse", "transformer", "upsampling", "_functional_attention", "_functional_norm",
    "_packed_rnn"})


def _moved(module_name: str, qualname: str):
    """Where a class or function of a file in `_MOVED_FILES` lives now (None if it is not a moved one)."""
    package, _, leaf = module_name.rpartition(".")
    if package != "nnstudio.nn" or leaf not in _MOVED_FILES:
        return None
    from . import functional, modules

    top = qualname.split(".")[0]
    homes = [getattr(modules, n) for n in sorted(vars(modules)) if isinstance(getattr(modules, n), types.ModuleType)]
    for home in (*homes, functional):
        if isinstance(vars(home).get(top), type | types.FunctionType):
            return home
    return None


def _resolve(name: str):
    """The class or function saved as `module:QualName` (importing the module if it is not loaded yet)."""
    module_name, _, qualname = name.partition(":")
    if not module_name or not qualname or "<locals>" in qualname:
        raise serialization.Unreadable(f"it names {name[:120]!r}, which is not an importable class or function")
    module = sys.modules.get(module_name)
    if module is None or not hasattr(module, qualname.split(".")[0]):
        module = _moved(module_name, qualname) or module
    if module is None:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise serialization.Unreadable(f"it holds a {name[:120]}, whose module cannot be imported ({exc})") \
                from None
    obj = module
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise serialization.Unreadable(f"it holds a {name[:120]}, which its module does not define (any more)")
    return obj


class ModuleCodec:
    """Encodes nn.Module objects (and Parameters, functions, classes, dtypes and devices inside them)."""

    def handles(self, obj) -> bool:
        return isinstance(obj, (Module, Parameter, UninitializedBuffer, DType, Device, types.FunctionType,
                                types.BuiltinFunctionType, type))

    def encode(self, obj, encode, path: str) -> dict:
        if isinstance(obj, DType):
            return {"dtype": obj.name}
        if isinstance(obj, Device):
            return {"device": str(obj)}
        if is_lazy(obj):  # shape unknown: its kind and requires_grad, what torch pickles (it comes back float32)
            return {"uninitialized": type(obj).__name__, "requires_grad": bool(obj.requires_grad)}
        if isinstance(obj, Parameter):
            plain = obj.detach()
            return {"parameter": encode(plain, path), "requires_grad": bool(obj.requires_grad)}
        if not isinstance(obj, Module):
            return {"global": _name_of(obj, path)}
        attrs = {}
        for key, value in obj.__dict__.items():
            if isinstance(value, set):
                value = {"__set__": sorted(value)}
            attrs[key] = value
        return {"module": _name_of(type(obj), path), "attrs": encode(attrs, f"{path}.__dict__")}

    def decode(self, node: dict, decode, allowed) -> object:
        if "uninitialized" in node:
            kind = {"UninitializedParameter": UninitializedParameter, "UninitializedBuffer": UninitializedBuffer}.get(
                str(node["uninitialized"]))
            if kind is None:
                raise serialization.Unreadable(f"it holds an unknown placeholder {str(node)[:80]}")
            return kind(requires_grad=bool(node.get("requires_grad")))
        if "dtype" in node:
            from .. import _dtype

            found = getattr(_dtype, str(node["dtype"]).rpartition(".")[2], None)  # (older files: "nnstudio.float32")
            if not isinstance(found, DType):
                raise serialization.Unreadable(f"it holds an unknown dtype {str(node['dtype'])[:40]!r}")
            return found
        if "device" in node:
            return Device(str(node["device"]))
        if "parameter" in node:
            return Parameter(decode(node["parameter"]), requires_grad=bool(node.get("requires_grad", True)))
        name = str(node.get("module") or node.get("global"))
        target = _resolve(name)
        if not allowed(target):
            raise serialization.Unreadable(
                f"it holds a whole {name[:120]} (a module, or a function or class by name), which "
                "`load(..., weights_only=True)` does not import; if you trust the file, load it with "
                "weights_only=False (nnstudio then imports that class and restores its attributes, running no code "
                "from the file), or allow the class with nnstudio.serialization.add_safe_globals([...])")
        if "global" in node:
            return target
        if not (isinstance(target, type) and issubclass(target, Module)):
            raise serialization.Unreadable(f"it says {name[:120]} is a module, but that is not an nn.Module class")
        module = target.__new__(target)
        attrs = decode(node["attrs"])
        if not isinstance(attrs, dict):
            raise serialization.Unreadable(f"the attributes of its {name[:120]} are not a dict")
        for key, value in attrs.items():
            if isinstance(value, dict) and set(value) == {"__set__"}:
                value = set(value["__set__"])
            module.__dict__[key] = value
        for group in ("_parameters", "_buffers", "_modules"):
            if not isinstance(module.__dict__.get(group), dict):
                raise serialization.Unreadable(f"its {name[:120]} has no {group} dict")
            module.__dict__[group] = OrderedDict(module.__dict__[group])
        return module


serialization.register_object_codec(ModuleCodec())
