"""`linear` and `bilinear` (the math of nn/modules/linear.py)."""

from __future__ import annotations

from ..._tensor.promotion import scalar_name
from ...autograd import apply
from ...ops import linalg as L
from ...tensor import Tensor


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b.  input (*, in_features), weight (out_features, in_features), bias (out_features,)."""
    if input.ndim == 0 or input._data.shape[-1] != weight._data.shape[-1]:
        got = "x".join(map(str, input.shape)) if input.ndim <= 2 else str(list(input.shape))
        raise RuntimeError(
            f"linear: expected input with last dimension in_features={weight.shape[-1]}, got shape "
            f"{tuple(input.shape)} (mat1 and mat2 shapes cannot be multiplied ({got} and "
            f"{weight.shape[1]}x{weight.shape[0]}))")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"linear: expected m1 and m2 to have the same dtype, but got: {scalar_name(input)} != "
                           f"{scalar_name(weight)} (input dtype {input.dtype}, weight dtype {weight.dtype}: call "
                           ".float() on the input or .to(dtype) on the model)")
    if bias is None:
        return apply(L.Linear, input, weight)
    return apply(L.Linear, input, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_k = x1^T W_k x2 + b_k.  input1 (N, in1), input2 (N, in2), weight (out, in1, in2) -> (N, out)."""
    y = ((input1.unsqueeze(1).unsqueeze(2) @ weight.unsqueeze(0)).squeeze(2) * input2.unsqueeze(1)).sum(-1)
    return y + bias if bias is not None else y


__all__ = ["linear", "bilinear"]
