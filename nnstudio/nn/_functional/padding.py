"""`F.pad`: constant (any trailing dims, negative pads crop), reflect, replicate and circular padding (the last
1, 2 or 3 dims), differentiable, as torch 2.13's."""

from __future__ import annotations

import numpy as np

from ...autograd import apply
from ...ops.resample import AxisTaps, ConstantPad
from ...tensor import Tensor

_MODES = ("constant", "reflect", "replicate", "circular")


def _pairs(pad) -> tuple:
    """torch's flat pad (last dim first: left, right, top, bottom, front, back) as ((lo, hi), ...) in dim order
    for the trailing dims."""
    return tuple((pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2))[::-1]


def source_index(size: int, lo: int, hi: int, mode: str) -> np.ndarray:
    """For each output position along a padded dim of `size`, the input position it copies (pads may be
    negative: the output then starts or ends inside the input)."""
    q = np.arange(-lo, size + hi, dtype=np.int64)
    if mode == "reflect":
        q = np.abs(q)
        return np.where(q > size - 1, 2 * (size - 1) - q, q)
    if mode == "replicate":
        return np.clip(q, 0, size - 1)
    # circular: negative pads crop first, and the rest wraps around what is left (torch's order)
    start, kept = max(-lo, 0), size - max(-lo, 0) - max(-hi, 0)
    return start + np.mod(np.arange(-max(lo, 0), kept + max(hi, 0), dtype=np.int64), kept)


def _check_non_constant(input: Tensor, pairs: tuple, mode: str) -> None:
    npad, ndim = 2 * len(pairs), input.ndim
    if npad not in (2, 4, 6) or ndim not in (npad // 2 + 1, npad // 2 + 2):
        raise NotImplementedError(
            f"pad: padding size {npad} is not supported for {ndim}D input tensor of shape {tuple(input.shape)} in "
            f"mode {mode!r}. Supported combinations for non-constant padding: 2D or 3D input: padding size = 2 "
            "(pads last dimension); 3D or 4D input: padding size = 4 (pads last 2 dimensions); 4D or 5D input: "
            "padding size = 6 (pads last 3 dimensions)")
    lead = ndim - len(pairs)
    if any(s == 0 for s in input.shape[1:]):
        raise RuntimeError(f"pad: mode {mode!r} expects non-empty dimensions (besides the batch), got input of "
                           f"shape {tuple(input.shape)}")
    for d, (lo, hi) in enumerate(pairs, start=lead):
        size = input.shape[d]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(f"pad: padding size should be less than the corresponding input dimension in mode "
                               f"'reflect', but got padding ({lo}, {hi}) at dimension {d} of input "
                               f"{list(input.shape)}")
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError(f"pad: padding ({lo}, {hi}) at dimension {d} of input {list(input.shape)} causes "
                               "wrapping around more than once in mode 'circular'")
        if size + lo + hi <= 0:
            raise RuntimeError(f"pad: padding ({lo}, {hi}) at dimension {d} of input {list(input.shape)} leaves "
                               f"an output size of {size + lo + hi}")


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the trailing dims of `input`. `pad` = (left, right) for the last dim, then (top, bottom) for the one
    before, then (front, back): len(pad) / 2 dims are padded. mode 'constant' fills with `value` (0 when None)
    and takes any number of dims (negative pads crop); 'reflect' (mirror without repeating the edge),
    'replicate' (repeat the edge) and 'circular' (wrap around) pad the last 1, 2 or 3 dims of a (N, C, *S) or
    (C, *S) input. Shapes: (*, S_i) -> (*, S_i + lo_i + hi_i)."""
    if isinstance(pad, (int, np.integer)) or not all(
            isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in pad):
        raise TypeError(f"pad(): argument 'pad' must be a tuple of ints, got {pad!r}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError(f"pad: padding length must be divisible by 2, got {len(pad)} ({pad})")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"pad: padding length should be less than or equal to two times the input dimension but "
                           f"got padding length {len(pad)} and input of dimension {input.ndim} (shape "
                           f"{tuple(input.shape)})")
    if mode not in _MODES:
        raise NotImplementedError(f"pad: unrecognised padding mode {mode!r} (use one of {_MODES})")
    pairs = _pairs(pad)
    if mode == "constant":
        lead = input.ndim - len(pairs)
        for d, (lo, hi) in enumerate(pairs, start=lead):
            if input.shape[d] + lo + hi < 0:
                raise RuntimeError(f"pad: padding ({lo}, {hi}) at dimension {d} of input {list(input.shape)} "
                                   f"gives a negative output size {input.shape[d] + lo + hi}")
        return apply(ConstantPad, input, pads=pairs, value=0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'pad: padding mode "{mode}" doesn\'t take in value argument (got value={value})')
    _check_non_constant(input, pairs, mode)
    out = input
    lead = input.ndim - len(pairs)
    for d, (lo, hi) in enumerate(pairs, start=lead):
        if lo or hi:
            out = apply(AxisTaps, out, axis=d, taps=((source_index(input.shape[d], lo, hi, mode), None),))
    return out


__all__ = [
    "source_index", "pad",
]
