"""`Optimizer`: parameter groups, per-parameter state, `zero_grad`, `state_dict` / `load_state_dict`.

Subclasses implement `_update(group, param, grad, state)`: the update of the raw arrays `param` (in place) and
`grad`, with `state` torch's `self.state[p]` (its entries Tensors: `exp_avg`, `momentum_buffer`, ... and `step`, a
0-d float32 Tensor, as torch's default non-capturable form); `step()` walks the groups.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import chain

import numpy as np

from .._backend import to_device, xp_of
from .._dtype import float32, float64, get_default_dtype
from ..autograd import no_grad
from ..tensor import Tensor
from ._hyperparams import check_hyperparameters


class Optimizer:
    """Base class. `params` is an iterable of tensors or of dicts (parameter groups with their own options)."""

    _scalar_keys: tuple = ("step",)  # the 0-d float tensors of this optimizer's state

    def __init__(self, params: Iterable, defaults: dict):
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)  # parameter -> {name: Tensor}, as torch
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {type(params).__name__}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list (does the model have parameters? "
                             "did you pass model.parameters() twice, exhausting the generator?)")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with options that override the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        group = dict(param_group)  # torch's key order: 'params', the group's own options, then the defaults
        group["params"] = params
        for key, default in self.defaults.items():
            group.setdefault(key, default)
        self._validate(group)
        self.param_groups.append(group)

    def _validate(self, group: dict) -> None:
        """TypeError / ValueError (torch's wording) for a non-number, NaN or out-of-range hyperparameter."""
        check_hyperparameters(type(self).__name__, group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all optimized parameters (set to None by default, as torch 2)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        p.grad._data[...] = 0

    @no_grad()
    def step(self, closure: Callable | None = None):
        """One update of every parameter that has a gradient. `closure` re-evaluates the loss if given."""
        loss = None
        if closure is not None:
            from ..autograd import enable_grad

            with enable_grad():
                loss = closure()
        state_of = self.state
        for group in self.param_groups:
            self._validate(group)
            maximize = group.get("maximize", False)
            stateful = self._keeps_state(group)
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad._data
                if maximize:
                    grad = -grad
                state = state_of[p] if stateful else None
                if p._data.dtype.kind == "c":  # as torch: a complex parameter is updated as its real pairs
                    if not p._data.flags.c_contiguous:
                        p._data = p._data.copy()
                    self._update(group, _as_real_pairs(p._data), _as_real_pairs(grad), state)
                else:
                    self._update(group, p._data, grad, state)
                p._version += 1
        return loss

    def _keeps_state(self, group: dict) -> bool:
        """Whether a step of `group` reads and writes `self.state[p]` (torch's SGD without momentum does not)."""
        return True

    def _update(self, group: dict, param, grad, state: dict | None) -> None:  # pragma: no cover - abstract
        """Update the array `param` in place from the array `grad`; `state` is `self.state[p]` (Tensors)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict:
        """torch's structure, by reference as torch: {'state': {index: self.state[p]} (in the order the states
        were made), 'param_groups': [{options..., 'params': [indices]}]}, indices counted over the groups."""
        index: dict[int, int] = {}
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            packed_groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore options and per-parameter state from `state_dict()`'s structure (nnstudio's, or torch's with
        torch or nnstudio tensors). As torch, tensors already of the parameter's dtype and device are taken as
        they are (not copied); `step` keeps its own dtype."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(s["params"]) != len(g["params"]) for s, g in zip(saved_groups, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in self.param_groups)))
        on_device = {i for g in saved_groups if g.get("capturable") or g.get("fused") for i in g["params"]}
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast(id_map[k], v, k in on_device)
            else:
                state[k] = v
        for own, saved in zip(self.param_groups, saved_groups):
            saved["params"] = own["params"]
            for key, default in self.defaults.items():
                saved.setdefault(key, default)
        self.state, self.param_groups = state, saved_groups
        for st in state.values():  # a state saved with Python numbers (older torch): its scalars as tensors
            for key in self._scalar_keys:
                if key in st and not isinstance(st[key], Tensor):
                    st[key] = scalar_tensor(float(st[key]))

    def __repr__(self) -> str:
        """torch's text: each group's settings, sorted, one group after another with a blank line between."""
        groups = []
        for i, g in enumerate(self.param_groups):
            groups.append(f"Parameter Group {i}\n" + "".join(f"    {k}: {g[k]}\n" for k in sorted(g) if k != "params"))
        return f"{type(self).__name__} (\n" + "\n".join(groups) + ")"


def scalar_tensor(value: float, device=None) -> Tensor:
    """A 0-d tensor of torch's optimizer-scalar dtype (float64 under a float64 default dtype, else float32), as
    torch holds `step` (on the CPU unless `device` is given)."""
    np_dtype = np.float64 if get_default_dtype() == float64 else np.float32
    return Tensor._wrap(np.array(value, dtype=np_dtype) if device is None
                        else to_device(np.array(value, dtype=np_dtype), device), None)


def state_tensor(array) -> Tensor:
    """A state entry (`exp_avg`, `momentum_buffer` ...): a Tensor around `array`, no copy."""
    return Tensor._wrap(array, None)


def zeros_state(param) -> Tensor:
    """A state entry of zeros shaped, typed and placed as the array `param` (torch's `zeros_like(p)`)."""
    return Tensor._wrap(xp_of(param).zeros_like(param), None)


def count_step(state: dict) -> float:
    """`state['step'] += 1` in place on the 0-d tensor (torch's `step_t += 1`); the new count as a float."""
    step = state["step"]._data
    step += 1
    return float(step)


def _cast(param: Tensor, value, step_on_device: bool, key=None):
    """torch's load policy: a tensor goes to the parameter's device (and its dtype, when floating), except
    `step`, which stays as saved (float32 on the parameter's device with capturable / fused); dicts and
    sequences are walked."""
    if not isinstance(value, Tensor) and (hasattr(value, "detach") or isinstance(value, np.ndarray)):
        value = Tensor._wrap(np.array(value.detach().cpu().numpy() if hasattr(value, "detach") else value), None)
    if isinstance(value, Tensor):
        if key == "step":
            return value.to(dtype=float32, device=param.device) if step_on_device else value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)
    if isinstance(value, dict):
        return {k: _cast(param, v, step_on_device, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v, step_on_device) for v in value)
    return value


def _as_real_pairs(array):
    """A complex array's memory as real (..., 2) pairs (torch's view_as_real): writes go to the array (a
    non-contiguous one, only ever a gradient here, is copied first)."""
    from ..ops.complex import real_of

    array = array if array.flags.c_contiguous else array.copy()
    return array.view(real_of(array.dtype)).reshape(array.shape + (2,))
