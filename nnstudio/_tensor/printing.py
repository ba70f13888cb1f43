"""How tensors print, as torch prints them: `repr(t)` / `str(t)` / `format(t, spec)`, the print options
(`set_printoptions`, `get_printoptions`, `printoptions`) and the backward-node names (`grad_fn=<...>`).

The layout follows torch: the same number formats (`1.`, `0.1235`, `1.2346e-05`), the same 80-column wrapping,
`...` summaries beyond 1000 elements, and the same suffixes (device, dtype, grad_fn).

Options: precision: digits after the point; threshold: more elements than this are summarised with `...`;
edgeitems: elements shown at each end of a summarised dim; linewidth: characters per line before wrapping;
sci_mode: True/False forces scientific/fixed notation, None chooses per tensor as torch. profile "default",
"short" or "full" sets all four first.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from .. import _dtype as dt
from .._backend import to_numpy

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}


class _PrintOptions:
    """The current options, read at each repr."""

    precision = 4
    threshold: float = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()


def _count(name: str, value, minimum: int):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise TypeError(f"set_printoptions(): {name} must be a number, got {value!r}")
    if value < minimum:
        raise ValueError(f"set_printoptions(): {name} must be >= {minimum}, got {value}")
    return value if isinstance(value, float) and math.isinf(value) else int(value)


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None
                     ) -> None:
    """Set how tensors print, as torch.set_printoptions (options left None keep their value, except sci_mode,
    which every call sets: None means automatic)."""
    new = get_printoptions()  # checked in full before any option changes
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions(): unknown profile {profile!r}; expected one of {list(_PROFILES)}")
        new.update(_PROFILES[profile])
    if precision is not None:
        new["precision"] = int(_count("precision", precision, 0))
    if threshold is not None:
        new["threshold"] = _count("threshold", threshold, 0)
    if edgeitems is not None:
        new["edgeitems"] = int(_count("edgeitems", edgeitems, 0))
    if linewidth is not None:
        new["linewidth"] = int(_count("linewidth", linewidth, 1))
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise TypeError(f"set_printoptions(): sci_mode must be True, False or None, got {sci_mode!r}")
    new["sci_mode"] = sci_mode
    for key, value in new.items():
        setattr(PRINT_OPTS, key, value)


def get_printoptions() -> dict:
    """The current options as a dict (precision, threshold, edgeitems, linewidth, sci_mode)."""
    return {key: getattr(PRINT_OPTS, key) for key in ("precision", "threshold", "edgeitems", "linewidth",
                                                       "sci_mode")}


@contextlib.contextmanager
def printoptions(**kwargs):
    """`with printoptions(precision=2): ...` sets options for the block and restores them after."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)




_GRAD_FN_NAMES = {
    "PowScalar": "PowBackward0", "Pow": "PowBackward1", "Reshape": "ViewBackward0", "GetItem": "IndexBackward0",
    "Pad": "ConstantPadNdBackward0", "Copy": "CloneBackward0", "Cast": "ToCopyBackward0",
    "ToDevice": "ToCopyBackward0", "AMaxMin": "AmaxBackward0", "MaxMin": "MaxBackward0",
    "L2Norm": "LinalgVectorNormBackward0",
    "ConvNd": "ConvolutionBackward0", "MatMul": "MmBackward0", "Linear": "AddmmBackward0",
    "Dropout": "MulBackward0", "Clamp": "ClampBackward1", "MaxPoolNd": "MaxPool2DWithIndicesBackward0",
    "AvgPoolNd": "AvgPool2DBackward0", "Normalize": "NativeBatchNormBackward0", "LeakyRelu": "LeakyReluBackward0",
    "LogSumExp": "LogsumexpBackward0",
}


def grad_fn_name(ctx) -> str:
    """torch's class name for the backward node of `ctx` (e.g. SumBackward0 for a full sum, SumBackward1 by dim)."""
    if getattr(ctx, "torch_name", None):  # set by `autograd.names.as_torch_node` where the op names it
        return ctx.torch_name
    name = getattr(type(ctx), "primitive", None) or type(ctx).__name__  # (a node shown as torch's class)
    if name in ("Sum", "Mean"):
        reduced_all = getattr(ctx, "axes", getattr(ctx, "axis", None)) is None
        return f"{name}Backward{0 if reduced_all else 1}"
    if name == "Linear" and len(ctx.parents) == 2:  # no bias: torch's mm of the input and the weight's .t()
        return "MmBackward0"
    if name == "GetItem" and not getattr(ctx, "advanced", True):
        index = ctx.index if isinstance(ctx.index, tuple) else (ctx.index,)
        full = slice(None)  # torch skips `:` (unless it is all there is) and names the node by the last step
        last = [i for i in index if i is not Ellipsis and i != full][-1:] or [full]
        return "SliceBackward0" if isinstance(last[0], slice) else \
            "UnsqueezeBackward0" if last[0] is None else "SelectBackward0"
    return _GRAD_FN_NAMES.get(name, f"{name}Backward0")


class _Formatter:
    """One width and one number format for every element, chosen from all values as torch does."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        if not self.floating:
            for v in values.reshape(-1).tolist():
                self.width = max(self.width, len(str(v)))
            return
        flat = values.reshape(-1).astype(np.float64)
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:  # only zeros, inf and nan: torch keeps width 1 and the `0.` format
            return
        absval = np.abs(finite)
        lo, hi = absval.min(), absval.max()
        self.int_mode = bool(np.all(np.ceil(finite) == finite))
        forced = PRINT_OPTS.sci_mode
        self.sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if forced is None else forced
        if self.sci_mode:
            self.width = max(len(f"{v:.{PRINT_OPTS.precision}e}") for v in finite.tolist())
        elif self.int_mode:
            self.width = max(len(f"{v:.0f}") + 1 for v in finite.tolist())
        else:
            self.width = max(len(f"{v:.{PRINT_OPTS.precision}f}") for v in finite.tolist())

    def _fixed(self, v: float) -> str:
        if self.sci_mode:
            return f"{v:.{PRINT_OPTS.precision}e}"
        if self.int_mode:
            return f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        return f"{v:.{PRINT_OPTS.precision}f}"

    def format(self, v) -> str:
        if isinstance(v, bool) or not self.floating:
            s = str(v)
        else:
            s = self._fixed(float(v))
        return " " * (self.width - len(s)) + s


class _ComplexFormatter:
    """torch's complex format: the real parts with one formatter, the imaginary parts with another, joined as
    `1.5000+2.0000e+00j` (the imaginary part unpadded, its sign always shown)."""

    def __init__(self, values: np.ndarray) -> None:
        self.real, self.imag = _Formatter(values.real), _Formatter(values.imag)
        self.width = self.real.width + self.imag.width + 1  # the "j"

    def format(self, v) -> str:
        re_s = self.real.format(v.real)
        im_s = (self.imag.format(v.imag) + "j").lstrip()
        return re_s + im_s if im_s[0] in "+-" else re_s + "+" + im_s


def _summary(arr: np.ndarray) -> np.ndarray:
    """The elements torch looks at when summarising: the first and last `edgeitems` along every dim."""
    if arr.ndim == 0:
        return arr
    if arr.shape[0] > 2 * PRINT_OPTS.edgeitems:
        arr = np.concatenate([arr[:PRINT_OPTS.edgeitems], arr[-PRINT_OPTS.edgeitems:]])
    return np.stack([_summary(a) for a in arr]) if arr.ndim > 1 else arr


def _vector(arr: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / (fmt.width + 2))))
    if summarize and arr.shape[0] > 2 * PRINT_OPTS.edgeitems:
        data = ([fmt.format(v) for v in arr[:PRINT_OPTS.edgeitems].tolist()] + [" ..."] +
                [fmt.format(v) for v in arr[-PRINT_OPTS.edgeitems:].tolist()])
    else:
        data = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(arr: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector(arr, indent, summarize, fmt)
    edge = PRINT_OPTS.edgeitems
    if summarize and arr.shape[0] > 2 * edge:
        slices = ([_nested(arr[i], indent + 1, summarize, fmt) for i in range(edge)] + ["..."] +
                  [_nested(arr[i], indent + 1, summarize, fmt) for i in range(arr.shape[0] - edge, arr.shape[0])])
    else:
        slices = [_nested(arr[i], indent + 1, summarize, fmt) for i in range(arr.shape[0])]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _add_suffixes(body: str, suffixes: list[str], indent: int, force_newline: bool = False) -> str:
    parts = [body]
    last_line_len = len(body) - body.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    return "".join(parts) + ")"


def _autograd_suffixes(grad_fn: str | None, requires_grad: bool) -> list[str]:
    """`grad_fn=<...>` for a tensor with history, `requires_grad=True` for a leaf that requires grad."""
    if grad_fn is not None:
        return [f"grad_fn=<{grad_fn}>"]
    return ["requires_grad=True"] if requires_grad else []


def _body(arr: np.ndarray, indent: int) -> str:
    """The values part of a tensor's text, its continuation lines indented by `indent`."""
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    values = arr.astype(np.float32) if arr.dtype == np.float16 else arr
    formatter = _ComplexFormatter if values.dtype.kind == "c" else _Formatter
    fmt = formatter(_summary(values) if summarize else values)
    return _nested(values, indent, summarize, fmt)


def sparse_repr(indices: np.ndarray, values: np.ndarray, *, shape: tuple, layout: str, dtype_name: str,
                show_dtype: bool, device: str | None, grad_fn: str | None, requires_grad: bool) -> str:
    """The text of `print(t)` for a COO sparse tensor, as torch's: its indices (ndim, nnz) and values (nnz,),
    then size, nnz, dtype and layout on a line of their own."""
    indent = len("tensor(")
    index_prefix, value_prefix = "indices=tensor(", "values=tensor("
    index_text, value_text = _body(indices, indent + len(index_prefix)), _body(values, indent + len(value_prefix))
    if indices.size == 0:
        index_text += f", size={tuple(indices.shape)}"
    if values.size == 0:
        value_text += f", size={tuple(values.shape)}"
    body = f"{index_prefix}{index_text}),\n{' ' * indent}{value_prefix}{value_text})"
    suffixes = [f"device='{device}'"] if device is not None else []
    suffixes += [f"size={tuple(shape)}", f"nnz={values.shape[0]}"]
    if show_dtype:
        suffixes.append(f"dtype={dtype_name}")
    suffixes.append(f"layout={layout}")
    suffixes += _autograd_suffixes(grad_fn, requires_grad)
    return "tensor(" + _add_suffixes(body, suffixes, indent, force_newline=True)


def tensor_repr(arr: np.ndarray, *, dtype_name: str, show_dtype: bool, device: str | None, grad_fn: str | None,
                requires_grad: bool, prefix: str = "tensor(") -> str:
    """The text of `print(t)` for the NumPy values `arr` (float16 prints through float32, as torch)."""
    indent = len(prefix)
    suffixes = []
    if device is not None:
        suffixes.append(f"device='{device}'")
    body = _body(arr, indent)
    if arr.size == 0 and arr.ndim != 1:
        suffixes.append(f"size={tuple(arr.shape)}")
    if show_dtype:
        suffixes.append(f"dtype={dtype_name}")
    suffixes += _autograd_suffixes(grad_fn, requires_grad)
    return prefix + _add_suffixes(body, suffixes, indent)


class PrintingMixin:
    """repr / str / format as torch prints."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0 or (self._data.size == 1 and spec):  # torch: a 0-d tensor formats as its item
            return format(self.item(), spec)
        return repr(self) if not spec else format(str(self), spec)

    def __repr__(self) -> str:
        arr = to_numpy(self._data)
        default = dt.get_default_dtype().np
        show_dtype = (arr.dtype != default if arr.size == 0 else
                      arr.dtype not in (default, dt.default_complex().np, np.int64, np.bool_))
        if self.__dict__.get("_sparse_coo"):
            index = np.nonzero(arr)
            return sparse_repr(np.stack(index).astype(np.int64) if arr.ndim else np.zeros((0, 1), np.int64),
                               arr[index], shape=tuple(arr.shape), layout=str(dt.sparse_coo),
                               dtype_name=str(self.dtype), show_dtype=show_dtype,
                               device=None if self.device.type == "cpu" else str(self.device),
                               grad_fn=None if self._ctx is None else grad_fn_name(self._ctx),
                               requires_grad=self.requires_grad)
        return tensor_repr(arr, dtype_name=str(self.dtype), show_dtype=show_dtype,
                           device=None if self.device.type == "cpu" else str(self.device),
                           grad_fn=None if self._ctx is None else grad_fn_name(self._ctx),
                           requires_grad=self.requires_grad)

    __str__ = __repr__


__all__ = ["set_printoptions", "get_printoptions", "printoptions", "PRINT_OPTS", "tensor_repr", "grad_fn_name"]
