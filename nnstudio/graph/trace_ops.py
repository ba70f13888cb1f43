"""What `trace` does with each function and tensor method it knows: the registry node it records.

Each entry of `FUNCTIONS` reads the call as torch's signature does (``PARAMS``) and records nodes through the
tracer (``t.add``, ``t.reshape`` ...). The same name serves ``torch.relu(x)``, ``F.relu(x)`` and ``x.relu()``
(a method call passes the tensor as the first argument). Anything else called on a traced tensor is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .trace_reshape import reshape

REQUIRED = object()

#: registry type and its settings read from the call, for the element-wise activations and the softmaxes
_ACTIVATIONS: dict[str, tuple[str, tuple[tuple[str, Any], ...]]] = {
    "relu": ("ReLU", ()), "relu6": ("ReLU6", ()), "silu": ("SiLU", ()), "mish": ("Mish", ()),
    "sigmoid": ("Sigmoid", ()), "tanh": ("Tanh", ()),
    "leaky_relu": ("LeakyReLU", (("negative_slope", 0.01),)),
    "elu": ("ELU", (("alpha", 1.0),)),
    "gelu": ("GELU", (("approximate", "none"),)),
    "softplus": ("Softplus", (("beta", 1.0), ("threshold", 20.0))),
    "hardtanh": ("Hardtanh", (("min_val", -1.0), ("max_val", 1.0))),
    "softmax": ("Softmax", (("dim", None),)),
    "log_softmax": ("LogSoftmax", (("dim", None),)),
    "softmin": ("Softmin", (("dim", None),)),
}

_POOL = (("kernel_size", REQUIRED), ("stride", None), ("padding", 0))


def bind(what: str, params: tuple[tuple[str, Any], ...], args: tuple, kwargs: dict, t: Any) -> dict[str, Any]:
    """Torch's argument binding for ``params`` ((name, default) in order; REQUIRED has no default)."""
    names = [p for p, _ in params]
    if len(args) > len(params):
        raise t.refusal(what, f"it takes at most {len(params)} arguments here, got {len(args)}",
                        "call it as torch documents")
    out = dict(zip(names, args))
    for k, v in kwargs.items():
        if k not in names:
            if k in ("inplace", "dtype", "_stacklevel") and not v:
                continue
            raise t.refusal(f"{what} with {k}=", "the builder's block has no such setting",
                            "leave this argument out")
        out[k] = v
    for name, default in params:
        if name not in out:
            if default is REQUIRED:
                raise t.refusal(what, f"the argument {name} is missing", f"give {name}")
            out[name] = default
    return out


def _activation(layer_type: str, settings: tuple[tuple[str, Any], ...]) -> Callable:
    def record(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
        params = (("input", REQUIRED), *settings, ("inplace", False))
        if layer_type in ("Softmax", "LogSoftmax", "Softmin"):
            params = (("input", REQUIRED), *settings, ("_stacklevel", 3), ("dtype", None))
        a = bind(what, params, args, kwargs, t)
        cfg = {k: a[k] for k, _ in settings}
        if "dim" in cfg and cfg["dim"] is None:
            raise t.refusal(f"{what} without dim", "softmax needs the dimension that sums to 1",
                            "give dim (dim=1 for the classes of an (N, C) output)")
        return t.add(layer_type, cfg, [t.tensor(a["input"], what)], what)

    return record


def _dropout(layer_type: str) -> Callable:
    def record(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
        a = bind(what, (("input", REQUIRED), ("p", 0.5), ("training", True), ("inplace", False)), args, kwargs, t)
        return t.add(layer_type, {"p": float(a["p"])}, [t.tensor(a["input"], what)], what)

    return record


def _pool(layer_type: str, extra: tuple[tuple[str, Any], ...]) -> Callable:
    def record(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
        a = bind(what, (("input", REQUIRED), *_POOL, *extra), args, kwargs, t)
        if a.pop("return_indices", False):
            raise t.refusal(f"{what} with return_indices=True", "it returns two tensors; a block gives one",
                            "leave return_indices False")
        x = a.pop("input")
        fields = {f.name for f in t.spec(layer_type).fields}
        return t.add(layer_type, {k: v for k, v in a.items() if k in fields}, [t.tensor(x, what)], what)

    return record


def _adaptive(layer_type: str) -> Callable:
    def record(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
        a = bind(what, (("input", REQUIRED), ("output_size", REQUIRED), ("return_indices", False)), args, kwargs, t)
        if a["return_indices"]:
            raise t.refusal(f"{what} with return_indices=True", "it returns two tensors; a block gives one",
                            "leave return_indices False")
        return t.add(layer_type, {"output_size": a["output_size"]}, [t.tensor(a["input"], what)], what)

    return record


def _interpolate(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    a = bind(what, (("input", REQUIRED), ("size", None), ("scale_factor", None), ("mode", "nearest"),
                    ("align_corners", None), ("recompute_scale_factor", None), ("antialias", False)), args, kwargs, t)
    if a["recompute_scale_factor"] or a["antialias"]:
        raise t.refusal(f"{what} with recompute_scale_factor/antialias", "the Upsample block has neither",
                        "leave them at their defaults")
    cfg = {k: a[k] for k in ("size", "scale_factor", "mode", "align_corners")}
    if cfg["scale_factor"] is not None:
        cfg["scale_factor"] = float(cfg["scale_factor"])
    return t.add("Upsample", cfg, [t.tensor(a["input"], what)], what)


def _flatten(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    a = bind(what, (("input", REQUIRED), ("start_dim", 0), ("end_dim", -1)), args, kwargs, t)
    x = t.tensor(a["input"], what)
    if a["start_dim"] in (0, -(len(x.sample_shape) + 1)):
        raise t.refusal(f"{what} from dimension 0", "it would merge the batch into the samples",
                        "flatten from dimension 1: torch.flatten(x, 1) or x.flatten(1)")
    return t.add("Flatten", {"start_dim": a["start_dim"], "end_dim": a["end_dim"]}, [x], what)


def _sizes(args: tuple) -> tuple:
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], list | tuple) else tuple(args)


def _view(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    x, sizes = args[0], _sizes(args[1:] or (kwargs.get("shape", kwargs.get("size", ())),))
    return reshape(t, t.tensor(x, what), sizes, what)


def _reshape_fn(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    a = bind(what, (("input", REQUIRED), ("shape", REQUIRED)), args, kwargs, t)
    return reshape(t, t.tensor(a["input"], what), tuple(a["shape"]), what)


def _squeeze(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    a = bind(what, (("input", REQUIRED), ("dim", None)), args, kwargs, t)
    x = t.tensor(a["input"], what)
    n = len(x.sample_shape) + 1
    dims = a["dim"] if isinstance(a["dim"], tuple | list) else (() if a["dim"] is None else (a["dim"],))
    dims = {d + n if d < 0 else d for d in dims}
    if 0 in dims:
        raise t.refusal(f"{what} at dimension 0", "dimension 0 is the batch",
                        "squeeze a dimension of the samples (1 or more)")
    keep = [s for i, s in enumerate(x.sample_shape, 1) if not (s == 1 and (not dims or i in dims))]
    return reshape(t, x, (t.batch, *keep), what)


def _unsqueeze(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    a = bind(what, (("input", REQUIRED), ("dim", REQUIRED)), args, kwargs, t)
    x = t.tensor(a["input"], what)
    n = len(x.sample_shape) + 2
    d = a["dim"] + n if a["dim"] < 0 else a["dim"]
    if d == 0:
        raise t.refusal(f"{what} at dimension 0", "a new dimension before the batch moves the batch",
                        "unsqueeze at dimension 1 or later")
    s = list(x.sample_shape)
    s.insert(d - 1, 1)
    return reshape(t, x, (t.batch, *s), what)


def _permute(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    x = t.tensor(args[0], what)
    dims = _sizes(args[1:] or (kwargs.get("dims", ()),))
    return t.add("Permute", {"dims": tuple(dims)}, [x], what)


def _transpose(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    a = bind(what, (("input", REQUIRED), ("dim0", REQUIRED), ("dim1", REQUIRED)), args, kwargs, t)
    x = t.tensor(a["input"], what)
    n = len(x.sample_shape) + 1
    dims = list(range(n))
    i, j = (d + n if d < 0 else d for d in (a["dim0"], a["dim1"]))
    if not (0 <= i < n and 0 <= j < n):
        raise t.refusal(what, f"dimensions {a['dim0']}, {a['dim1']} are out of range for {n} dimensions",
                        "use dimensions of the tensor")
    dims[i], dims[j] = dims[j], dims[i]
    if dims == list(range(n)):
        return x
    return t.add("Permute", {"dims": tuple(dims)}, [x], what)


def _mean(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    a = bind(what, (("input", REQUIRED), ("dim", None), ("keepdim", False), ("dtype", None)), args, kwargs, t)
    x = t.tensor(a["input"], what)
    if a["dim"] is None:
        raise t.refusal(f"{what} over every dimension", "it averages the batch away as well",
                        "give the dimensions of the samples: x.mean(dim=1), or x.mean(dim=(2, 3)) for an image")
    n = len(x.sample_shape) + 1
    dims = a["dim"] if isinstance(a["dim"], tuple | list) else (a["dim"],)
    dims = sorted({d + n if d < 0 else d for d in dims}, reverse=True)
    for d in dims:
        x = t.add("Mean", {"dim": d, "keepdim": bool(a["keepdim"])}, [x], what)
    return x


def _cat(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    a = bind(what, (("tensors", REQUIRED), ("dim", 0)), args, kwargs, t)
    xs = [t.tensor(v, what) for v in a["tensors"]]
    if len(xs) == 1:
        return xs[0]
    return t.add("Concat", {"dim": a["dim"]}, xs, what)


def _binary(symbol: str) -> Callable:
    def record(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
        a = bind(what, (("input", REQUIRED), ("other", REQUIRED), ("alpha", 1)), args, kwargs, t)
        if a["alpha"] != 1:
            raise t.refusal(f"{what} with alpha", "the Add block adds its inputs as they are", "scale with a layer")
        return t.binary(symbol, a["input"], a["other"])

    return record


def _same(t: Any, what: str, args: tuple, kwargs: dict) -> Any:
    """contiguous(), clone(), to(device), cpu(), float() on a float tensor: nothing to record."""
    x = t.tensor(args[0], what)
    if what.endswith(("float", "float32")) and x.kind != "float":
        raise t.refusal(what, "it turns token ids into numbers, which no block does", "use an Embedding")
    return x


FUNCTIONS: dict[str, Callable] = {name: _activation(*spec) for name, spec in _ACTIVATIONS.items()}
FUNCTIONS.update({
    "dropout": _dropout("Dropout"), "dropout1d": _dropout("Dropout1d"), "dropout2d": _dropout("Dropout2d"),
    "dropout3d": _dropout("Dropout3d"),
    "interpolate": _interpolate, "upsample": _interpolate,
    "flatten": _flatten, "view": _view, "reshape": _reshape_fn, "squeeze": _squeeze, "unsqueeze": _unsqueeze,
    "permute": _permute, "transpose": _transpose, "swapaxes": _transpose, "mean": _mean,
    "cat": _cat, "concat": _cat, "concatenate": _cat, "add": _binary("+"), "mul": _binary("*"),
    "multiply": _binary("*"),
})
for _nd in (1, 2, 3):
    FUNCTIONS[f"max_pool{_nd}d"] = _pool(f"MaxPool{_nd}d", (("dilation", 1), ("ceil_mode", False),
                                                            ("return_indices", False)))
    FUNCTIONS[f"avg_pool{_nd}d"] = _pool(f"AvgPool{_nd}d", (("ceil_mode", False), ("count_include_pad", True),
                                                            ("divisor_override", None)))
    FUNCTIONS[f"adaptive_avg_pool{_nd}d"] = _adaptive(f"AdaptiveAvgPool{_nd}d")
    FUNCTIONS[f"adaptive_max_pool{_nd}d"] = _adaptive(f"AdaptiveMaxPool{_nd}d")

#: tensor methods: the functions above, plus reshapes written as methods
METHODS: dict[str, Callable] = {n: f for n, f in FUNCTIONS.items() if not n.startswith(("max_pool", "avg_pool",
                                                                                        "adaptive", "interp", "cat",
                                                                                        "concat", "upsample"))}
METHODS.update({"view": _view, "reshape": _view, "permute": _permute, "contiguous": _same, "clone": _same,
                "to": _same, "cpu": _same, "cuda": _same, "float": _same, "type_as": _same})

#: a better way to say what to do, for functions and methods people reach for that have no block
ALTERNATIVES = {
    "sum": "x.mean(dim=...) averages along a dimension (a Mean block)",
    "stack": "torch.cat joins tensors along an existing dimension (a Concat block)",
    "linear": "nn.Linear holds the weight and bias as a layer", "bilinear": "two nn.Linear layers and *",
    "conv1d": "nn.Conv1d", "conv2d": "nn.Conv2d", "conv3d": "nn.Conv3d",
    "layer_norm": "nn.LayerNorm", "batch_norm": "nn.BatchNorm1d/2d", "group_norm": "nn.GroupNorm",
    "embedding": "nn.Embedding", "pad": "nn.ZeroPad2d", "max": "nn.AdaptiveMaxPool1d/2d or MaxPool",
    "matmul": "nn.Linear (a learned matrix) or nn.MultiheadAttention (attention scores)",
    "bmm": "nn.MultiheadAttention", "sub": "Add of a learned layer's output", "div": "a Linear layer",
    "split": "one layer per part", "chunk": "one layer per part", "unbind": "x[:, i] (a Select block)",
    "squeeze_": "x.squeeze(dim)", "narrow": "x[:, i] picks one position (a Select block)",
    "scaled_dot_product_attention": "nn.MultiheadAttention",
}

