"""torch's top-level odds and ends that scripts call for configuration or introspection: finfo / iinfo,
memory formats, the global random state, determinism and precision switches, anomaly / warn-always flags,
and the torch.* forms of nn.functional ops (torch.conv2d, ...). (Type promotion and broadcast helpers live in
_tensor/functions.py, torch.compile in nnstudio/compiler.)

Switches nnstudio has no use for (deterministic algorithms, matmul precision, interop threads) are kept and
reported back as torch does; they change nothing, because nnstudio's kernels are deterministic NumPy / CuPy
calls in full precision.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as dt

__all__ = [
    "AcceleratorError", "OutOfMemoryError", "are_deterministic_algorithms_enabled",
    "channels_last", "channels_last_3d", "contiguous_format", "default_generator",
    "finfo", "get_default_device", "get_deterministic_debug_mode", "get_float32_matmul_precision",
    "get_num_interop_threads", "get_rng_state", "has_lapack", "has_mkl", "has_openmp", "has_spectral", "iinfo",
    "is_anomaly_check_nan_enabled", "is_anomaly_enabled", "is_deterministic_algorithms_warn_only_enabled",
    "is_inference_mode_enabled", "is_warn_always_enabled", "legacy_contiguous_format",
    "memory_format", "newaxis", "preserve_format", "randint_like", "range",
    "set_anomaly_enabled", "set_default_device", "set_default_tensor_type",
    "set_deterministic_debug_mode", "set_float32_matmul_precision", "set_num_interop_threads", "set_rng_state",
    "set_warn_always", "typename", "use_deterministic_algorithms",
]


class AcceleratorError(RuntimeError):
    """An error raised by the accelerator runtime (CuPy's CUDA errors in nnstudio)."""


class OutOfMemoryError(RuntimeError):
    """The device ran out of memory."""


class _Info:
    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in self._fields())
        return f"{type(self).__name__}({fields}, dtype={self.dtype})"


class finfo(_Info):
    """Machine limits of a float dtype (default: the default float dtype): eps, max, min, tiny, resolution, bits."""

    def __init__(self, type=None) -> None:
        d = dt.get_default_dtype() if type is None else type
        if not isinstance(d, dt.dtype) or not d.is_floating_point or d.np is None:
            raise TypeError(f"finfo: expected a floating point dtype nnstudio stores, got {d!r}")
        info = np.finfo(d.np)
        self.bits, self.eps, self.max, self.min = info.bits, float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = 10.0 ** -int(info.precision)
        self.dtype = d.name

    def _fields(self):
        return [("resolution", self.resolution), ("min", self.min), ("max", self.max), ("eps", self.eps),
                ("smallest_normal", self.smallest_normal), ("tiny", self.tiny)]


class iinfo(_Info):
    """Limits of an integer dtype: bits, max, min."""

    def __init__(self, type) -> None:
        if not isinstance(type, dt.dtype) or type.np is None or type.np.kind not in "iub":
            raise TypeError(f"iinfo: expected an integer dtype, got {type!r}")
        info = np.iinfo(type.np) if type.np.kind != "b" else np.iinfo(np.uint8)
        self.bits, self.max, self.min, self.dtype = info.bits, int(info.max), int(info.min), type.name

    def _fields(self):
        return [("min", float(self.min)), ("max", float(self.max))]


class memory_format:
    """A memory format name; nnstudio tensors are always contiguous, so every format gives the same tensor."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"nnstudio.{self.name}"


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")
legacy_contiguous_format = memory_format("legacy_contiguous_format")
newaxis = None
has_lapack = has_spectral = True
has_mkl = has_openmp = False

_flags = {"deterministic": False, "warn_only": False, "debug_mode": 0, "matmul_precision": "highest",
          "interop_threads": 1, "warn_always": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Recorded; nnstudio's kernels are deterministic already."""
    _flags["deterministic"], _flags["warn_only"] = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _flags["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _flags["warn_only"]


def set_deterministic_debug_mode(debug_mode) -> None:
    modes = {"default": 0, "warn": 1, "error": 2}
    _flags["debug_mode"] = modes[debug_mode] if isinstance(debug_mode, str) else int(debug_mode)


def get_deterministic_debug_mode() -> int:
    return _flags["debug_mode"]


def set_float32_matmul_precision(precision: str) -> None:
    """'highest', 'high' or 'medium': recorded; nnstudio's float32 matmuls are always full precision."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid precision {precision!r}: expected 'highest', 'high' or 'medium'")
    _flags["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return _flags["matmul_precision"]


def set_num_interop_threads(n: int) -> None:
    _flags["interop_threads"] = int(n)


def get_num_interop_threads() -> int:
    return _flags["interop_threads"]


def set_anomaly_enabled(mode: bool, check_nan: bool = True) -> None:
    """torch.set_anomaly_enabled: the switch behind torch.autograd.set_detect_anomaly (one state for both)."""
    from ..autograd.anomaly_mode import set_detect_anomaly

    set_detect_anomaly(mode, check_nan)


def is_anomaly_enabled() -> bool:
    from ..autograd.anomaly_mode import is_anomaly_enabled as enabled

    return enabled()


def is_anomaly_check_nan_enabled() -> bool:
    from ..autograd.anomaly_mode import is_anomaly_check_nan_enabled as check_nan

    return check_nan()


def set_warn_always(b: bool) -> None:
    _flags["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _flags["warn_always"]


def is_inference_mode_enabled() -> bool:
    """True inside `inference_mode()` (nnstudio's inference mode is no_grad)."""
    from ..autograd import is_grad_enabled

    return not is_grad_enabled()


def get_default_device():
    from .._backend import device

    return device("cpu")


def set_default_device(device) -> None:
    """Only 'cpu' (the default) is supported: nnstudio creates tensors on the CPU unless given a device."""
    if device is not None and str(device) != "cpu":
        raise RuntimeError(f"set_default_device: nnstudio creates tensors on the CPU by default; pass "
                           f"device={str(device)!r} to each factory instead")


def set_default_tensor_type(t) -> None:
    """torch's deprecated form of set_default_dtype ('torch.DoubleTensor' -> float64)."""
    name = t if isinstance(t, str) else getattr(t, "__name__", str(t))
    kinds = {"FloatTensor": dt.float32, "DoubleTensor": dt.float64, "HalfTensor": dt.float16}
    key = name.split(".")[-1]
    if key not in kinds:
        raise TypeError(f"set_default_tensor_type: only floating point types are supported, got {t!r}")
    dt.set_default_dtype(kinds[key])


def get_rng_state():
    """The global generator's state as a uint8 tensor (restorable with set_rng_state): the Mersenne Twister's 624
    words and position, then torch's cached normal value and its flag (no pickle)."""
    from .. import _random
    from ..tensor import Tensor

    return Tensor._wrap(_random.generator().state_bytes(), None)


def set_rng_state(new_state) -> None:
    """Restore the global generator from `get_rng_state()`."""
    from .. import _random

    _random.generator().load_state_bytes(_random.state_bytes_of(new_state))


class _DefaultGenerator:
    """`torch.default_generator`: the global stream, with Generator's seeding methods (as `generator=` it means
    the global stream)."""

    _is_default_generator = True

    def manual_seed(self, seed: int):
        from .._random import manual_seed

        manual_seed(seed)
        return self

    def seed(self) -> int:
        from .._random import seed

        return seed()

    def initial_seed(self) -> int:
        from .._random import initial_seed

        return initial_seed()

    def get_state(self):
        return get_rng_state()

    def set_state(self, state) -> None:
        set_rng_state(state)


default_generator = _DefaultGenerator()


def typename(obj) -> str:
    """'torch.FloatTensor' for a float32 tensor, as torch; the type's name otherwise."""
    from ..tensor import Tensor

    if isinstance(obj, Tensor):
        names = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
                 "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
        prefix = "torch.cuda." if obj.is_cuda else "torch."
        return f"{prefix}{names[obj.dtype.name]}Tensor"
    module = type(obj).__module__
    return type(obj).__qualname__ if module in (None, "builtins") else f"{module}.{type(obj).__qualname__}"
















def range(start=0, end=None, step=1, dtype=None, device=None, requires_grad: bool = False):  # noqa: A001
    """Deprecated in torch: values from start to end *inclusive* (float by default)."""
    import warnings

    from ..creation import tensor

    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(np.floor((end - start) / step)) + 1
    values = start + step * np.arange(n, dtype=np.float64)
    return tensor(values, dtype=dtype or dt.get_default_dtype(), device=device, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad: bool = False, generator=None,
                 layout=None, memory_format=None):
    """Random integers in [low, high) with `input`'s shape (and dtype unless given)."""
    from ..creation import randint

    if high is None:
        low, high = 0, low
    out = randint(low, high, tuple(input.shape), generator=generator, device=device or input.device)
    return out.to(dtype or input.dtype)




_NN_FUNCTIONAL = [
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "alpha_dropout", "avg_pool1d", "batch_norm", "bilinear",
    "binary_cross_entropy_with_logits", "celu", "celu_", "channel_shuffle", "conv1d", "conv2d", "conv3d",
    "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "cosine_embedding_loss", "cosine_similarity",
    "ctc_loss", "pdist",
    "dropout", "embedding", "embedding_bag", "feature_alpha_dropout", "group_norm", "hardshrink",
    "hinge_embedding_loss", "instance_norm", "kl_div", "layer_norm", "margin_ranking_loss", "max_pool1d",
    "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "pairwise_distance", "pixel_shuffle", "pixel_unshuffle",
    "poisson_nll_loss", "prelu", "relu_", "rms_norm", "rrelu", "rrelu_", "selu", "selu_", "threshold",
    "threshold_", "triplet_margin_loss",
]


def _nn_functional(name: str):
    def f(*args, **kwargs):
        from ..nn import functional

        return getattr(functional, name)(*args, **kwargs)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"torch.{name}: the same as torch.nn.functional.{name}."
    return f


NN_FUNCTIONAL_ALIASES = {name: _nn_functional(name) for name in _NN_FUNCTIONAL}


# ------------------------------------------------------------------------------------------------- interop
# the zero-copy bridges `from_dlpack` / `to_dlpack` / `frombuffer` (the top-level forms of layer steps, such as
# torch.lstm_cell or torch.convolution, are in _layer_forms.py)

__all__ += ["from_dlpack", "frombuffer", "to_dlpack"]


def from_dlpack(ext_tensor, *, device=None, copy: bool | None = None):
    """A tensor sharing memory with any DLPack producer (a NumPy or CuPy array, a torch tensor, ...); `device`
    moves it there and `copy=True` copies (as torch's keywords)."""
    from .._backend import xp_for
    from ..tensor import Tensor

    if isinstance(ext_tensor, Tensor):
        out = ext_tensor
    else:
        device_type = ext_tensor.__dlpack_device__()[0] if hasattr(ext_tensor, "__dlpack_device__") else 1
        xp = np if int(device_type) == 1 else xp_for("cuda")
        out = Tensor._wrap(xp.from_dlpack(ext_tensor), None)
    moved = out if device is None else out.to(device)
    return moved.clone() if copy and moved is out else moved


def to_dlpack(tensor):
    """The DLPack capsule of a tensor's array (zero-copy)."""
    return tensor._data.__dlpack__()


def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0, requires_grad: bool = False):
    """A 1-D tensor over a Python buffer (bytes, bytearray, array.array, memoryview), sharing its memory."""
    from .. import _dtype as dt
    from ..tensor import Tensor

    arr = np.frombuffer(buffer, dtype=dt.to_numpy_dtype(dtype), count=count, offset=offset)
    t = Tensor._wrap(arr, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


# ------------------------------------------------------------------------------------ runtime introspection

__all__ += ["get_device_module", "init_num_threads", "is_storage", "is_vulkan_available", "set_flush_denormal"]


def set_flush_denormal(mode: bool) -> bool:
    """torch flushes denormal floats to zero on CPUs that allow it and returns True; NumPy gives no control over
    the FPU's flush-to-zero mode, so nnstudio leaves it as it is and returns False (torch's answer where it is
    not supported)."""
    return False


def init_num_threads() -> None:
    """Nothing to initialise: nnstudio's intra-op workers start on first use (see set_num_threads)."""


def is_vulkan_available() -> bool:
    return False


def is_storage(obj) -> bool:
    """False: nnstudio tensors keep their memory in NumPy / CuPy arrays, not in torch Storage objects."""
    return False


def get_device_module(device=None):
    """The device module for `device` (a torch.device, a string such as "cuda:0", or None for the current
    accelerator, else the CPU): nnstudio.cuda or nnstudio.cpu."""
    import importlib

    from .._backend import device as device_type

    if device is None:
        from ..accelerator import current_accelerator

        acc = current_accelerator()
        kind = acc.type if acc is not None else "cpu"
    else:
        kind = device_type(device).type if not isinstance(device, str) else device.split(":")[0]
    if kind not in ("cpu", "cuda"):
        raise RuntimeError(f"Device '{kind}' does not have a corresponding module registered as 'torch.{kind}'.")
    return importlib.import_module(f"nnstudio.{kind}")
