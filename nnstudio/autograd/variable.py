"""`torch.autograd.Variable`: since torch 0.4 a Variable is a Tensor; `Variable(t, requires_grad=True)` returns a
tensor sharing t's data with the given `requires_grad` (old tutorials still write it)."""

from __future__ import annotations


class _VariableMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        from ..tensor import Tensor

        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """Variable(data, requires_grad=False, volatile=False) -> Tensor (the old API, as torch keeps it)."""

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        from ..tensor import Tensor

        if data is None:
            from .. import tensor as make

            return make([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        out.requires_grad_(bool(requires_grad))
        return out
