"""torch's top-level functions (`nnstudio.relu(x)`, `nnstudio.sum(x, dim=1)`, ...), each a thin call to the
matching `Tensor` method so that behaviour lives in one place."""

from __future__ import annotations

from .tensor import Tensor, _as_tensor


def _method(name: str, doc: str):
    def fn(input, *args, **kwargs):
        return getattr(_as_tensor(input), name)(*args, **kwargs)

    fn.__name__ = name
    fn.__doc__ = doc
    return fn


_DOCS = {
    "add": "input + other", "sub": "input - other", "mul": "input * other", "div": "input / other",
    "pow": "input ** exponent", "neg": "-input", "exp": "e ** input", "log": "natural log", "sqrt": "square root",
    "rsqrt": "1 / sqrt(input)", "abs": "absolute value", "sin": "sine", "cos": "cosine", "square": "input ** 2",
    "clamp": "clip into [min, max]", "clip": "clip into [min, max]", "relu": "max(input, 0)",
    "sigmoid": "1 / (1 + exp(-input))", "tanh": "hyperbolic tangent", "softmax": "softmax along dim",
    "log_softmax": "log of softmax along dim", "sum": "sum (all or along dim)", "mean": "mean (all or along dim)",
    "var": "variance (Bessel-corrected by default)", "std": "standard deviation", "prod": "product",
    "max": "maximum (all, along dim with indices, or elementwise with a tensor)", "min": "minimum",
    "amax": "maximum values along dim", "amin": "minimum values along dim", "argmax": "index of the maximum",
    "argmin": "index of the minimum", "norm": "vector norm", "logsumexp": "log(sum(exp(input)))",
    "reshape": "same data, new shape", "flatten": "merge dims start_dim..end_dim", "permute": "reorder dims",
    "transpose": "swap two dims", "t": "transpose a matrix", "squeeze": "drop size-1 dims",
    "unsqueeze": "insert a size-1 dim", "flip": "reverse along dims", "unbind": "slices along dim",
    "narrow": "a slice along dim", "select": "one index along dim", "masked_fill": "fill where mask is true",
    "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "isnan": "is NaN", "isinf": "is inf",
    "isfinite": "is finite", "sign": "sign", "all": "all true", "any": "any true", "cumsum": "cumulative sum",
    "mm": "matrix product", "bmm": "batched matrix product", "dot": "dot product", "detach": "cut from graph",
    "clone": "a copy with history", "numel": "number of elements", "allclose": "approximately equal",
    "equal": "same shape and values", "log1p": "log(1 + input)", "reciprocal": "1 / input",
    "square_": "", "unflatten": "split a dim into sizes", "logical_not": "elementwise not",
}

for _name, _doc in _DOCS.items():
    if hasattr(Tensor, _name):
        globals()[_name] = _method(_name, _doc)

subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg  # noqa: F821
swapaxes = transpose  # noqa: F821

__all__ = [n for n in _DOCS if hasattr(Tensor, n)] + ["subtract", "multiply", "divide", "true_divide",
                                                       "negative", "swapaxes"]
