"""`Optimizer`: parameter groups, per-parameter state, `zero_grad`, `state_dict` / `load_state_dict`.

Subclasses implement `_update(group, param, grad, state)` on raw arrays, in place; `step()` walks the groups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .._backend import to_device, to_numpy
from ..autograd import no_grad
from ..tensor import Tensor
from ._hyperparams import check_hyperparameters


class Optimizer:
    """Base class. `params` is an iterable of tensors or of dicts (parameter groups with their own options)."""

    def __init__(self, params: Iterable, defaults: dict):
        self.defaults = defaults
        self.state: dict = {}
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
        group = dict(self.defaults)
        group.update(param_group)
        group["params"] = params
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
        for group in self.param_groups:
            self._validate(group)
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad._data
                if group.get("maximize", False):
                    grad = -grad
                state = self.state.setdefault(p, {})
                self._update(group, p._data, grad, state)
                p._version += 1
        return loss

    def _update(self, group: dict, param, grad, state: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict:
        """{'state': {index: {name: value}}, 'param_groups': [{options..., 'params': [indices]}]}."""
        index, packed_groups = {}, []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            packed_groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state and self.state[p]:
                    state[index[id(p)]] = {k: _packed(k, v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore options and per-parameter state saved by `state_dict()` (from nnstudio or torch)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(groups)} parameter groups, this optimizer has "
                             f"{len(self.param_groups)}")
        for saved, own in zip(groups, self.param_groups):
            if len(saved["params"]) != len(own["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                                 "optimizer's group")
        by_index = {}
        for saved, own in zip(groups, self.param_groups):
            for i, p in zip(saved["params"], own["params"]):
                by_index[i] = p
            for k, v in saved.items():
                if k != "params":
                    own[k] = v
        self.state = {}
        for i, st in state_dict["state"].items():
            p = by_index[int(i)]
            restored = {}
            for k, v in st.items():
                if hasattr(v, "detach") or isinstance(v, Tensor) or isinstance(v, np.ndarray):
                    arr = v._data if isinstance(v, Tensor) else (to_numpy_any(v))
                    if arr.ndim == 0 and k == "step":
                        restored[k] = float(arr)
                    else:
                        restored[k] = to_device(np.array(to_numpy(arr), dtype=p._data.dtype), p.device)
                else:
                    restored[k] = v
            self.state[p] = restored

    def __repr__(self) -> str:
        """torch's text: each group's settings, sorted, one group after another with a blank line between."""
        groups = []
        for i, g in enumerate(self.param_groups):
            groups.append(f"Parameter Group {i}\n" + "".join(f"    {k}: {g[k]}\n" for k in sorted(g) if k != "params"))
        return f"{type(self).__name__} (\n" + "\n".join(groups) + ")"


def _packed(key: str, value):
    """A state entry as torch's state_dict holds it: arrays and the step count as tensors (step float32)."""
    if key == "step" and isinstance(value, (int, float)):
        return Tensor._wrap(np.array(value, dtype=np.float32), None)
    if hasattr(value, "shape") and not np.isscalar(value):
        return Tensor._wrap(value.copy(), None)
    return value


def to_numpy_any(v):
    if hasattr(v, "detach"):
        return v.detach().cpu().numpy()
    return np.asarray(v)




