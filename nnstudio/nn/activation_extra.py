"""More activation layers: `PReLU` (learned slope), `Hardswish`, `Hardsigmoid`, `LogSigmoid` (torch's
arguments, parameter name and init). Shapes: input (*) -> output (*), same shape."""

from __future__ import annotations

from ..tensor import Tensor
from . import init
from .activation_extra_functional import hardsigmoid, hardswish, logsigmoid, prelu
from .modules.module import Module
from .parameter import empty_param


class PReLU(Module):
    """x if x > 0 else a x with a learned `weight` a of shape (num_parameters,), initialised to `init`;
    num_parameters is 1 (shared) or the channel count (dim 1 of the input)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        super().__init__()
        if isinstance(num_parameters, bool) or not isinstance(num_parameters, int) or num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be a positive int, got {num_parameters!r}")
        self.num_parameters = num_parameters
        self.init = init
        self.weight = empty_param((num_parameters,), device, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's init: every slope = `init`."""
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Hardswish(Module):
    """x relu6(x + 3) / 6"""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return hardswish(input, self.inplace)


class Hardsigmoid(Hardswish):
    """relu6(x + 3) / 6"""

    def forward(self, input: Tensor) -> Tensor:
        return hardsigmoid(input, self.inplace)


class LogSigmoid(Module):
    """log(sigmoid(x))"""

    def forward(self, input: Tensor) -> Tensor:
        return logsigmoid(input)


__all__ = ["PReLU", "Hardswish", "Hardsigmoid", "LogSigmoid"]
