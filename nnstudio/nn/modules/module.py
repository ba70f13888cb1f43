"""`Module`: the base class of every layer and model, with torch's registration and traversal API."""

from __future__ import annotations

import copy
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator

import numpy as np

from ..._backend import as_device, device, to_device, xp_for
from ..._dtype import to_numpy_dtype
from ...autograd import no_grad
from ...tensor import Tensor
from .. import _backward_hooks
from ..parameter import Buffer, Parameter, UninitializedBuffer, is_lazy


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What `load_state_dict` returns; prints `<All keys matched successfully>` when nothing is off, as torch."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class Module:
    """Base class for all neural network modules.

    Assigning a `Parameter`, a `Module` or (through `register_buffer`) a tensor as an attribute registers it, so
    `parameters()`, `state_dict()`, `to()` and `train()/eval()` see it. Subclasses implement `forward`.
    """

    training: bool
    _version = 1

    def __init__(self, *args, **kwargs) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments {args} {kwargs}")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent_buffers"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_hooks"] = OrderedDict()
        d["_forward_pre_hooks"] = OrderedDict()
        d["_hook_id"] = 0

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        for hook in tuple(self._forward_pre_hooks.values()):
            res = hook(self, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
        d = self.__dict__
        backward_hooked = bool(d.get("_backward_hooks") or d.get("_backward_pre_hooks"))
        if backward_hooked:
            args, bw_state = _backward_hooks.wrap_inputs(self, args)
        out = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks.values()):
            res = hook(self, args, out)
            if res is not None:
                out = res
        if backward_hooked:
            out = _backward_hooks.wrap_outputs(bw_state, out)
        return out

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._drop(name, keep="_parameters")  # re-assigning keeps the parameter's slot (order), as torch
            params[name] = value
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._drop(name, keep="_modules")
            d["_modules"][name] = value
        elif isinstance(value, UninitializedBuffer):  # a lazy module's placeholder: kept as it is, in its slot
            if params is None:
                raise AttributeError("cannot assign buffer before Module.__init__() call")
            self._drop(name, keep="_buffers")
            d["_buffers"][name] = value
            (d["_non_persistent_buffers"].discard if value.persistent else d["_non_persistent_buffers"].add)(name)
        elif isinstance(value, Buffer):
            self._drop(name)
            self.register_buffer(name, Tensor._wrap(value._data, None), value.persistent)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter '{name}' "
                                "(nn.Parameter or None expected)")
            params[name] = None
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module '{name}' "
                                "(nn.Module or None expected)")
            d["_modules"][name] = None
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _drop(self, name: str, keep: str | None = None) -> None:
        """Forget `name` as a plain attribute and in the registries other than `keep`."""
        d = self.__dict__
        d.pop(name, None)
        for key in ("_parameters", "_modules", "_buffers"):
            if key != keep:
                d[key].pop(name, None)

    def __getattr__(self, name: str):
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            store = d.get(key)
            if store is not None and name in store:
                return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            if name in d[key]:
                del d[key][name]
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._modules) | set(self._buffers))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register `param` (or None, for an absent optional parameter such as a disabled bias)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str) or "." in name or name == "":
            raise KeyError(f"parameter name must be a non-empty string without '.', got {name!r}")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                            "(nn.Parameter or None required)")
        self._drop(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a non-learnable tensor (e.g. BatchNorm's running mean) that moves and saves with the module."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                            "(Tensor or None required)")
        self._drop(name)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if not isinstance(name, str) or "." in name or name == "":
            raise KeyError(f"module name must be a non-empty string without '.', got {name!r}")
        self._drop(name)
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        mod = self
        if target == "":
            return mod
        for part in target.split("."):
            if part not in mod._modules or mod._modules[part] is None:
                raise AttributeError(f"{type(mod).__name__} has no submodule '{part}' (looking up '{target}')")
            mod = mod._modules[part]
        return mod

    def get_parameter(self, target: str) -> Parameter:
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if name not in mod._parameters:
            raise AttributeError(f"{type(mod).__name__} has no parameter '{name}'")
        return mod._parameters[name]

    # ------------------------------------------------------------------ traversal
    def named_modules(self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True):
        """Yield (qualified name, module) for this module and every descendant, depth first."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, mod in self._modules.items():
            if mod is None:
                continue
            yield from mod.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, mod in self._modules.items():
            if mod is not None and id(mod) not in seen:
                seen.add(id(mod))
                yield name, mod

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, store: str, prefix: str, recurse: bool, remove_duplicate: bool = True):
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, mod in mods:
            for name, value in getattr(mod, store).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield mod_prefix + ("." if mod_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        """Yield (qualified name, Parameter), e.g. ('fc1.weight', ...), shared parameters once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True):
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------------ state
    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
        """Parameters and persistent buffers by qualified name (tensors share memory with the module)."""
        out = OrderedDict() if destination is None else destination
        self._save_to_state_dict(out, prefix, keep_vars)
        for name, mod in self._modules.items():
            if mod is not None:
                mod.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def _save_to_state_dict(self, destination: OrderedDict, prefix: str, keep_vars: bool) -> None:
        """This module's own parameters and persistent buffers (not its children's) into `destination`."""
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers:
                destination[prefix + name] = b if keep_vars else b.detach()

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values into this module's parameters and buffers, in place.

        Values may be nnstudio tensors, NumPy arrays or torch tensors. Returns (missing_keys,
        unexpected_keys); with `strict=True` a mismatch raises RuntimeError listing every problem, and
        nothing is changed.
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
        for prefix, m in self.named_modules(prefix=""):
            for hook in tuple(m.__dict__.get("_load_state_dict_pre_hooks", {}).values()):
                hook(state_dict, prefix + "." if prefix else "", {}, strict, [], [], [])
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems, staged = [], []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            arr = _to_array(value)
            if arr is None:
                problems.append(f'While copying the parameter named "{key}", expected a tensor or array, got '
                                f"{type(value).__name__}.")
                continue
            if is_lazy(target):  # still of unknown shape: nothing to copy into (torch's rule)
                continue
            shape = tuple(value.shape) if isinstance(value, Tensor) else tuple(arr.shape)  # lazy: RuntimeError
            if shape != tuple(target.shape):
                problems.append(f"size mismatch for {key}: copying a param with shape {list(shape)} from "
                                f"checkpoint, the shape in current model is {list(target.shape)}.")
                continue
            staged.append((target, arr))
        if strict:
            if unexpected:
                problems.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected)
                                + ". ")
            if missing:
                problems.insert(0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + ". ")
        if problems:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(problems))
        with no_grad():
            for target, arr in staged:
                target._data[...] = to_device(arr, target.device).astype(target._data.dtype, copy=False)
                target._version += 1
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ modes and moves
    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        return self.train(False)

    def compile(self, *args, **kwargs) -> None:
        """torch's in-place `module.compile(...)`: the arguments are checked as `torch.compile` checks them; the
        module keeps running eagerly (nnstudio has no compiler), its names and keys unchanged."""
        from ...compiler import compile as compile_

        compile_(lambda: None, *args, **kwargs)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._data[...] = 0

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call `fn` on every submodule (children first), then on self."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def _move(self, convert: Callable) -> Module:
        for m in self.modules():
            for store in (m._parameters, m._buffers):
                for t in store.values():
                    if t is not None:
                        t._data = convert(t._data, t)
                        if t.grad is not None:
                            t.grad._data = convert(t.grad._data, t.grad)
        return self

    def to(self, *args, **kwargs) -> Module:
        """Move parameters and buffers to a device and/or cast floating ones to a dtype, in place."""
        dev_arg = kwargs.get("device")
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, Tensor):
                dev_arg, dtype = a.device, a.dtype
            elif isinstance(a, (str, device)):
                dev_arg = a
            else:
                dtype = a
        if dev_arg is not None:
            dev = as_device(dev_arg)
            xp_for(dev)
            self._move(lambda arr, t: to_device(arr, dev))
        if dtype is not None:
            np_dtype = to_numpy_dtype(dtype)
            if np_dtype.kind != "f":
                raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}")
            self._move(lambda arr, t: arr.astype(np_dtype) if arr.dtype.kind == "f" else arr)
        return self

    def cpu(self) -> Module:
        return self.to("cpu")

    def cuda(self, device=None) -> Module:
        return self.to("cuda")

    def float(self) -> Module:
        return self.to(np.float32)

    def double(self) -> Module:
        return self.to(np.float64)

    def half(self) -> Module:
        return self.to(np.float16)

    # ------------------------------------------------------------------ hooks
    def _add_hook(self, store: OrderedDict, hook: Callable) -> _RemovableHandle:
        self.__dict__["_hook_id"] += 1
        key = self._hook_id
        store[key] = hook
        return _RemovableHandle(store, key)

    def register_forward_hook(self, hook: Callable) -> _RemovableHandle:
        """`hook(module, args, output)` runs after forward; a non-None return replaces the output."""
        return self._add_hook(self._forward_hooks, hook)

    def register_forward_pre_hook(self, hook: Callable) -> _RemovableHandle:
        """`hook(module, args)` runs before forward; a non-None return replaces the arguments."""
        return self._add_hook(self._forward_pre_hooks, hook)

    def _register_load_state_dict_pre_hook(self, hook: Callable, with_module: bool = False) -> _RemovableHandle:
        """`hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)` (with
        `with_module`, the module first) runs before `load_state_dict` reads this module's entries."""
        store = self.__dict__.setdefault("_load_state_dict_pre_hooks", OrderedDict())
        return self._add_hook(store, (lambda *a: hook(self, *a)) if with_module else hook)

    def register_load_state_dict_pre_hook(self, hook: Callable) -> _RemovableHandle:
        """`hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)`
        runs before `load_state_dict` reads this module's entries (it may edit `state_dict`)."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def register_full_backward_hook(self, hook: Callable) -> _RemovableHandle:
        """`hook(module, grad_input, grad_output)` runs when the gradients w.r.t. the module's inputs are known
        (one entry per positional argument, None for non-tensors); a non-None return replaces grad_input."""
        if not callable(hook):
            raise TypeError(f"register_full_backward_hook expects a callable, got {type(hook).__name__}")
        return self._add_hook(self.__dict__.setdefault("_backward_hooks", OrderedDict()), hook)

    def register_full_backward_pre_hook(self, hook: Callable) -> _RemovableHandle:
        """`hook(module, grad_output)` runs when the gradients w.r.t. the module's outputs are known, before
        they flow into the module; a non-None return replaces grad_output."""
        if not callable(hook):
            raise TypeError(f"register_full_backward_pre_hook expects a callable, got {type(hook).__name__}")
        return self._add_hook(self.__dict__.setdefault("_backward_pre_hooks", OrderedDict()), hook)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        children = []
        for name, mod in self._modules.items():
            text = repr(mod).replace("\n", "\n  ")
            children.append(f"({name}): {text}")
        body = lines + children
        if not body:
            return f"{self._get_name()}()"
        if len(body) == 1 and not children:
            return f"{self._get_name()}({body[0]})"
        return f"{self._get_name()}(\n  " + "\n  ".join(body) + "\n)"

    def __setstate__(self, state):  # pragma: no cover
        self.__dict__.update(state)

    def __deepcopy__(self, memo: dict) -> Module:
        """`copy.deepcopy(model)` (e.g. to keep the best model): new parameters and buffers, same structure."""
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            new.__dict__[key] = copy.deepcopy(value, memo)
        return new

    def __reduce_ex__(self, proto):  # pragma: no cover - no pickle on purpose
        raise TypeError("nnstudio modules are not pickled: save weights with nnstudio.save(model.state_dict(), "
                        "'file.npz') and designs with ModelGraph.to_json()")


class _RemovableHandle:
    """Returned by `register_*_hook`; `.remove()` unregisters the hook."""

    def __init__(self, store: OrderedDict, key: int):
        self._store, self._key = store, key

    def remove(self) -> None:
        self._store.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _to_array(value):
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, np.ndarray) or hasattr(value, "__cuda_array_interface__"):
        return value
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor
        return value.detach().cpu().numpy()
    if isinstance(value, (int, float)):
        return np.asarray(value)
    return None


__all__ = ["Module"]
