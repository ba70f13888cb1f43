"""Per-parameter scalars that torch keeps as float32 0-d tensors in `state_dict()` (NAdam's `mu_product`,
ASGD's `eta` and `mu`), held as Python floats while training."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer


class ScalarStateMixin:
    """Packs the float entries named in `_scalar_keys` as float32 tensors and unpacks them on load."""

    _scalar_keys: tuple = ()

    def state_dict(self) -> dict:
        sd = Optimizer.state_dict(self)
        for st in sd["state"].values():
            for k in self._scalar_keys:
                if isinstance(st.get(k), float):
                    st[k] = Tensor._wrap(np.array(st[k], dtype=np.float32), None)
        return sd

    def load_state_dict(self, state_dict: dict) -> None:
        Optimizer.load_state_dict(self, state_dict)
        for st in self.state.values():
            for k in self._scalar_keys:
                if k in st and not isinstance(st[k], float):
                    st[k] = float(np.asarray(st[k].get() if hasattr(st[k], "get") else st[k]))
