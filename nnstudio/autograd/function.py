"""`Function`: one differentiable primitive, with `forward` on raw arrays and `backward` giving input gradients.

A primitive never sees a `Tensor`: it receives arrays and returns an array. `apply()` wraps the call into the
graph: the output tensor remembers the function instance, which remembers its input tensors.
"""

from __future__ import annotations

from .grad_mode import is_grad_enabled


class Function:
    """Base class of all primitives.

    Subclasses implement `forward(*arrays, **options) -> array` (saving what backward needs on `self`) and
    `backward(grad) -> tuple` with one gradient array (or None) per input, shaped like that input.
    """

    inputs: tuple = ()
    needs_input_grad: tuple = ()
    freed = False

    def forward(self, *arrays, **options):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover - abstract
        raise NotImplementedError

    def release(self) -> None:
        """Drop everything saved for backward; a later backward through this node raises."""
        self.__dict__.clear()
        self.freed = True

    @property
    def name(self) -> str:
        return type(self).__name__


def apply(fn_class: type[Function], *tensors, **options):
    """Run a primitive on tensors and record it in the graph when any input needs a gradient."""
    from ..tensor import Tensor

    fn = fn_class()
    out = fn.forward(*[t._data for t in tensors], **options)
    if is_grad_enabled():
        needs = tuple(t.requires_grad for t in tensors)
        if True in needs:
            fn.inputs = tensors
            fn.needs_input_grad = needs
            return Tensor._wrap(out, fn)
    return Tensor._wrap(out, None)
