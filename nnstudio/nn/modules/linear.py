"""Linear layers: `Identity`, `Linear`, `Bilinear`, `LazyLinear`."""

from __future__ import annotations

from ...autograd import no_grad
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import UninitializedParameter, empty_param
from .lazy import LazyModuleMixin
from .module import Module


class Identity(Module):
    """Returns its input unchanged (accepts and ignores any constructor arguments, as torch)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """y = x W^T + b.

    Args: in_features, out_features, bias (default True), device, dtype.
    Shapes: input (*, in_features) -> output (*, out_features).
    Init (torch's): W ~ U(-1/sqrt(in), 1/sqrt(in)) via kaiming_uniform_(a=sqrt(5)); b ~ U(-1/sqrt(in), 1/sqrt(in)).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        _check_positive("Linear", in_features=in_features, out_features=out_features)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = empty_param((out_features, in_features), device, dtype)
        self.bias = empty_param((out_features,), device, dtype) if bias else None
        if not bias:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=5**0.5)
        if self.bias is not None:
            b = init.bias_bound(self.weight)
            init.uniform_(self.bias, -b, b)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim == 0 or input._data.shape[-1] != self.in_features:
            raise RuntimeError(
                f"Linear(in_features={self.in_features}, out_features={self.out_features}) expected input "
                f"with last dimension {self.in_features}, got shape {tuple(input.shape)}")
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    """y = x1^T A x2 + b.  Shapes: (*, in1), (*, in2) -> (*, out)."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__()
        _check_positive("Bilinear", in1_features=in1_features, in2_features=in2_features,
                        out_features=out_features)
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        self.weight = empty_param((out_features, in1_features, in2_features), device, dtype)
        self.bias = empty_param((out_features,), device, dtype) if bias else None
        if not bias:
            self.register_parameter("bias", None)
        bound = 1 / in1_features**0.5
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


def _check_positive(layer: str, **fields) -> None:
    for name, value in fields.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{layer}: {name} must be an int, got {value!r}")
        if value < 0:
            raise RuntimeError(f"{layer}: {name} must be non-negative, got {value}")  # torch's kind


class LazyLinear(LazyModuleMixin, Linear):
    """A `Linear` whose in_features is inferred from the first input's last dimension; it then becomes a Linear
    (torch's init). Args: out_features, bias=True, device, dtype."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        """in_features = input.shape[-1]; weight (out_features, in_features), bias (out_features,)."""
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # loaded from a state_dict: in_features is the loaded weight's
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} is not equal to "
                                     f"in_features from self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


class NonDynamicallyQuantizableLinear(Linear):
    """A plain `Linear` under the name torch gives MultiheadAttention's output projection."""


__all__ = ["Identity", "Linear", "Bilinear", "LazyLinear"]
