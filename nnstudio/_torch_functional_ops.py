"""torch's top-level functional forms of layer steps and interop: the RNN cells (`lstm_cell`, `gru_cell`,
`rnn_tanh_cell`, `rnn_relu_cell`), `convolution`, `grid_sampler`, the dropout variants (`dropout_`,
`feature_dropout`, ...), and the zero-copy bridges `from_dlpack` / `to_dlpack` / `frombuffer`."""

from __future__ import annotations

import numpy as np

__all__ = ["alpha_dropout_", "convolution", "dropout_", "feature_alpha_dropout_", "feature_dropout",
           "feature_dropout_", "from_dlpack", "frombuffer", "grid_sampler", "gru_cell", "lstm_cell",
           "rnn_relu_cell", "rnn_tanh_cell", "to_dlpack"]


def _F():
    from .nn import functional

    return functional


def _affine(x, w, b):
    out = x @ w.t()
    return out + b if b is not None else out


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step: (h, c) from input (N, I), hx = (h (N, H), c (N, H)); gates ordered i, f, g, o."""
    h, c = hx
    gates = _affine(input, w_ih, b_ih) + _affine(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, 1)
    c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_new.tanh(), c_new


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step: h' from input (N, I) and hx (N, H); gates ordered r, z, n."""
    gi_r, gi_z, gi_n = _affine(input, w_ih, b_ih).chunk(3, 1)
    gh_r, gh_z, gh_n = _affine(hx, w_hh, b_hh).chunk(3, 1)
    r, z = (gi_r + gh_r).sigmoid(), (gi_z + gh_z).sigmoid()
    n = (gi_n + r * gh_n).tanh()
    return (1 - z) * n + z * hx


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return (_affine(input, w_ih, b_ih) + _affine(hx, w_hh, b_hh)).tanh()


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return (_affine(input, w_ih, b_ih) + _affine(hx, w_hh, b_hh)).relu()


def convolution(input, weight, bias, stride, padding, dilation, transposed: bool, output_padding, groups: int):
    """torch.convolution: conv{1,2,3}d, or conv_transpose{1,2,3}d when `transposed`, by weight's rank."""
    nd = weight.ndim - 2
    if nd not in (1, 2, 3):
        raise RuntimeError(f"convolution: expected a 3-D, 4-D or 5-D weight, got {weight.ndim}-D")
    F = _F()
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
        return fn(input, weight, bias, tuple(stride), tuple(padding), tuple(output_padding), groups, tuple(dilation))
    fn = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    return fn(input, weight, bias, tuple(stride), tuple(padding), tuple(dilation), groups)


def grid_sampler(input, grid, interpolation_mode: int, padding_mode: int, align_corners: bool):
    """torch.grid_sampler with integer modes (0 bilinear, 1 nearest, 2 bicubic; 0 zeros, 1 border, 2 reflection)."""
    modes, paddings = ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection")
    return _F().grid_sample(input, grid, modes[interpolation_mode], paddings[padding_mode], align_corners)


def dropout_(input, p: float, train: bool):
    return _F().dropout(input, p, train, inplace=True)


def alpha_dropout_(input, p: float, train: bool):
    from .nn.functional import _maybe_inplace

    return _maybe_inplace(input, True, lambda x: _F().alpha_dropout(x, p, train))


def feature_alpha_dropout_(input, p: float, train: bool):
    from .nn.functional import _maybe_inplace

    return _maybe_inplace(input, True, lambda x: _F().feature_alpha_dropout(x, p, train))


def feature_dropout(input, p: float, train: bool):
    """Dropout of whole channels (dim 1) of input (N, C, *)."""
    from .nn.pooling_functional import feature_dropout as channel_dropout

    return channel_dropout(input, p, train, True)


def feature_dropout_(input, p: float, train: bool):
    from .nn.functional import _maybe_inplace

    return _maybe_inplace(input, True, lambda x: feature_dropout(x, p, train))


def from_dlpack(ext_tensor):
    """A tensor sharing memory with any DLPack producer (a NumPy or CuPy array, a torch tensor, ...)."""
    from ._backend import xp_for
    from .tensor import Tensor

    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    device_type = ext_tensor.__dlpack_device__()[0] if hasattr(ext_tensor, "__dlpack_device__") else 1
    xp = np if int(device_type) == 1 else xp_for("cuda")
    return Tensor._wrap(xp.from_dlpack(ext_tensor), None)


def to_dlpack(tensor):
    """The DLPack capsule of a tensor's array (zero-copy)."""
    return tensor._data.__dlpack__()


def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0, requires_grad: bool = False):
    """A 1-D tensor over a Python buffer (bytes, bytearray, array.array, memoryview), sharing its memory."""
    from . import _dtype as dt
    from .tensor import Tensor

    arr = np.frombuffer(buffer, dtype=dt.to_numpy_dtype(dtype), count=count, offset=offset)
    t = Tensor._wrap(arr, None)
    if requires_grad:
        t.requires_grad_(True)
    return t
