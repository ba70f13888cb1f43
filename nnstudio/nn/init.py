"""Weight initialisation with torch's formulas (`nn.init`), drawing from the library's seeded generator."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from contextvars import ContextVar

import numpy as np

from .._backend import to_device
from .._random import fill_normal, fill_uniform, generator
from ..autograd import no_grad
from ..tensor import Tensor


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The recommended gain for an activation (torch's table)."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


#: True while `nn.utils.skip_init` builds a module: every fill below leaves its tensor as it is,
#: drawing nothing
skipping: ContextVar[bool] = ContextVar("nnstudio_skip_init", default=False)


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    if skipping.get():
        return tensor
    with no_grad():
        tensor._data[...] = to_device(values.astype(tensor._data.dtype), tensor.device)
        tensor._version += 1
    return tensor


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill_drawn(tensor: Tensor, draw) -> Tensor:
    """`draw(array)` fills the tensor's own array in place (float32/64 on the CPU) or returns values to copy in."""
    if skipping.get():
        return tensor
    with no_grad():
        values = draw(tensor._data)
        if values is not tensor._data:
            tensor._data[...] = to_device(values.astype(tensor._data.dtype, copy=False), tensor.device)
        tensor._version += 1
    return tensor


def _rng(gen):
    """The stream of a `torch.Generator` passed as `generator=`, else the library's global one."""
    return generator() if gen is None else gen._rng


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """U[a, b) in place, drawn in the tensor's float32 (no float64 temporary)."""
    return _fill_drawn(tensor, lambda arr: fill_uniform(_rng(generator), arr, a, b))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """N(mean, std) in place, drawn in the tensor's float32 (no float64 temporary)."""
    return _fill_drawn(tensor, lambda arr: fill_normal(_rng(generator), arr, mean, std))


def constant_(tensor: Tensor, val: float) -> Tensor:
    return _fill(tensor, np.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def eye_(tensor: Tensor) -> Tensor:
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator=None) -> Tensor:
    """U(-bound, bound) with bound = gain * sqrt(3 / fan); Linear and Conv use a = sqrt(5)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    gain = calculate_gain(nonlinearity, a)
    bound = math.sqrt(3.0) * gain / math.sqrt(_fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator=None) -> Tensor:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator=None) -> Tensor:
    """N(mean, std) restricted to [a, b], by torch's own rejection sampling (so a seed gives torch's values):
    when [a, b] holds more than 30% of the mass, normal draws of the whole tensor redrawn where they fall
    outside; otherwise uniform candidates on [a, b] accepted with probability pdf / pdf(mode)."""
    if skipping.get():
        return tensor
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    rng = _rng(generator)
    work = np.float64 if tensor._data.dtype == np.float64 else np.float32
    shape, kind = tuple(tensor.shape), np.dtype(work).type

    def cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if cdf((b - mean) / std) - cdf((a - mean) / std) > 0.3:
        lo, hi = float(kind(a)), float(kind(b))
        result = rng.normal_array(shape, work, mean, std)
        while True:
            outside = (result < lo) | (result > hi)
            if not outside.any():
                break
            result = np.where(outside, rng.normal_array(shape, work, mean, std), result)
    else:
        mode = max(a, min(mean, b))
        log_peak = kind(-0.5 * ((mode - mean) / std) ** 2)

        def log_density(x):  # torch's in-place chain: sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)
            z = (x - kind(mean)) / kind(std)
            return z * z * kind(-0.5) - log_peak

        result = rng.uniform_array(shape, work, a, b)
        pending = np.log(rng.uniform_array(shape, work)) > log_density(result)
        while pending.any():
            candidates = rng.uniform_array(shape, work, a, b)
            result = np.where(pending, candidates, result)
            pending = np.where(pending, np.log(rng.uniform_array(shape, work)) > log_density(candidates), pending)
    return _fill(tensor, result)


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """The identity convolution: weight (C_out, C_in/groups, *k) with 1 at [g * C_out/groups + d, d, centre]
    for d < min(C_out/groups, C_in/groups) in each group g, 0 elsewhere (torch's). 3, 4 or 5 dims."""
    if tensor.dim() not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tuple(tensor.shape)
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = sizes[0] // groups
    values = np.zeros(sizes)
    centre = tuple(s // 2 for s in sizes[2:])
    for g in range(groups):
        for d in range(min(per_group, sizes[1])):
            values[(g * per_group + d, d) + centre] = 1
    return _fill(tensor, values)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """A (semi-)orthogonal matrix (trailing dims flattened: (rows, prod(rest))), times `gain`: the Q of the QR
    of a standard normal matrix, with the signs of diag(R) (torch's Haar-uniform correction)."""
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0 or skipping.get():
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = _rng(generator).normal_array((rows, cols), tensor._data.dtype if tensor._data.dtype.kind == "f"
                                        else np.float32)  # torch: new_empty((rows, cols)).normal_(0, 1)
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape))


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator=None) -> Tensor:
    """N(0, std) values with ceil(sparsity * rows) of each column's entries zeroed (rows drawn by a random
    permutation from the global generator, as torch's). 2-D tensors only."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    if skipping.get():
        return tensor
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    values = _rng(generator).normal_array((rows, cols), tensor._data.dtype if tensor._data.dtype.kind == "f"
                                          else np.float32, 0.0, std)  # torch: tensor.normal_(0, std)
    perm_rng = _rng(None)
    for col in range(cols):
        values[perm_rng.permutation(rows)[:num_zeros], col] = 0
    return _fill(tensor, values)


def bias_bound(weight: Tensor) -> float:
    """torch's default bias bound for Linear / Conv: 1 / sqrt(fan_in) (0 for an empty weight)."""
    fan_in, _ = _calculate_fan_in_and_fan_out(weight)
    return 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0


def _make_deprecate(meth: Callable) -> Callable:
    """The old name without the underscore: warns (FutureWarning, torch's text) and calls `meth`."""
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.", FutureWarning,
                      stacklevel=2)
        return meth(*args, **kwargs)

    deprecated_init.__doc__ = f"{old_name}(...): deprecated in favor of `nn.init.{new_name}`."
    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)
