"""`F.unfold` / `F.fold` (im2col and its adjoint), built from padding, a gather and an index_add, so both are
differentiable."""

from __future__ import annotations

import numpy as np

from ...tensor import Tensor


def _pair(v, name: str) -> tuple[int, int]:
    t = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    if len(t) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
    return int(t[0]), int(t[1])


def _patch_index(size: tuple[int, int], kernel, dilation, padding, stride, who: str) -> tuple[np.ndarray, int]:
    """Flat indices into the padded (H + 2ph) x (W + 2pw) image: (kh * kw, L), and L."""
    (h, w), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = size, kernel, dilation, padding, stride
    hp, wp = h + 2 * ph, w + 2 * pw
    oh, ow = (hp - dh * (kh - 1) - 1) // sh + 1, (wp - dw * (kw - 1) - 1) // sw + 1
    if oh <= 0 or ow <= 0:
        raise RuntimeError(f"{who}: the padded input ({hp}x{wp}) is smaller than the dilated kernel "
                           f"({dh * (kh - 1) + 1}x{dw * (kw - 1) + 1})")
    ki, kj = np.meshgrid(np.arange(kh) * dh, np.arange(kw) * dw, indexing="ij")
    oi, oj = np.meshgrid(np.arange(oh) * sh, np.arange(ow) * sw, indexing="ij")
    rows = ki.reshape(-1, 1) + oi.reshape(1, -1)
    cols = kj.reshape(-1, 1) + oj.reshape(1, -1)
    return (rows * wp + cols).astype(np.int64), oh * ow


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sliding blocks of a batched image: (N, C, H, W) or (C, H, W) -> (N, C kh kw, L) or (C kh kw, L)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    kernel, dil, pad, st = (_pair(kernel_size, "kernel_size"), _pair(dilation, "dilation"),
                            _pair(padding, "padding"), _pair(stride, "stride"))
    n, c, h, w = x.shape
    idx, length = _patch_index((h, w), kernel, dil, pad, st, "unfold")
    if pad != (0, 0):
        from .padding import pad as _pad

        x = _pad(x, (pad[1], pad[1], pad[0], pad[0]))
    flat = x.reshape(n, c, -1)
    from ... import tensor as _tensor

    cols = flat.index_select(2, _tensor(idx.reshape(-1), device=x.device))  # (N, C, kh kw L)
    out = cols.reshape(n, c * kernel[0] * kernel[1], length)
    return out.squeeze(0) if unbatched else out


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """The adjoint of unfold: sums the blocks back. (N, C kh kw, L) or (C kh kw, L) -> (N, C, H, W) / (C, H, W)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got "
                           f"{input.ndim}D)")
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    size, kernel, dil, pad, st = (_pair(output_size, "output_size"), _pair(kernel_size, "kernel_size"),
                                  _pair(dilation, "dilation"), _pair(padding, "padding"), _pair(stride, "stride"))
    k = kernel[0] * kernel[1]
    n, ck, length = x.shape
    if ck % k:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={ck} and kernel_size={kernel}")
    idx, expect = _patch_index(size, kernel, dil, pad, st, "fold")
    if length != expect:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dil}, padding={pad}, "
                           f"stride={st}, expected size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {expect}, but got input.size(2)={length}.")
    c = ck // k
    hp, wp = size[0] + 2 * pad[0], size[1] + 2 * pad[1]
    from ... import tensor as _tensor
    from ... import zeros

    out = zeros(n, c, hp * wp, dtype=x.dtype, device=x.device)
    out = out.index_add(2, _tensor(idx.reshape(-1), device=x.device), x.reshape(n, c, k * length))
    out = out.reshape(n, c, hp, wp)[:, :, pad[0]:pad[0] + size[0], pad[1]:pad[1] + size[1]]
    return out.squeeze(0) if unbatched else out


__all__ = [
    "unfold", "fold",
]
