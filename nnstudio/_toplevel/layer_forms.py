"""torch's top-level (ATen) forms of layer steps, which scripts and exported code call directly: whole stacked
recurrent layers from a flat weight list (`torch.lstm`, `gru`, `rnn_tanh`, `rnn_relu`), the RNN cells
(`lstm_cell`, ...), the `native_*` normalisations that also return their statistics, `convolution`, `conv_tbc`,
`constant_pad_nd`, the grid samplers with integer modes, `embedding_renorm_`, `norm_except_dim` and the dropout
variants. Each is written over nn.functional (or nn's recurrent primitives), so gradients and numbers are theirs.
"""

from __future__ import annotations

import numbers

__all__ = [
    "affine_grid_generator", "alpha_dropout_", "constant_pad_nd", "conv_tbc", "convolution", "dropout_",
    "embedding_renorm_", "feature_alpha_dropout_", "feature_dropout", "feature_dropout_", "grid_sampler",
    "grid_sampler_2d", "grid_sampler_3d", "gru", "gru_cell", "lstm", "lstm_cell", "native_batch_norm",
    "native_channel_shuffle", "native_dropout", "native_group_norm", "native_layer_norm", "norm_except_dim",
    "rnn_relu", "rnn_relu_cell", "rnn_tanh", "rnn_tanh_cell",
]


def _F():
    from ..nn import functional

    return functional


def _no_grad():
    from ..autograd import no_grad

    return no_grad()


# ------------------------------------------------------------------------------------------- recurrent layers

def _stacked(mode: str, name: str, args: tuple, kwargs: dict) -> tuple:
    """torch.lstm / gru / rnn_*: (input, hx, params, has_biases, num_layers, dropout, train, bidirectional,
    batch_first). input (T, B, I) or (B, T, I) with batch_first; hx: (h0,) or (h0, c0), each (layers * D, B, H).
    Returns (output, h_n[, c_n]). The packed-sequence overload (data, batch_sizes, hx, ...) is refused by name."""
    from ..nn.modules.rnn import run_layers
    from ..tensor import Tensor, stack

    fields = ("input", "hx", "params", "has_biases", "num_layers", "dropout", "train", "bidirectional",
              "batch_first")
    packed = len(args) > 2 and isinstance(args[1], Tensor) and (mode == "LSTM" or isinstance(args[2], Tensor))
    if packed:
        raise NotImplementedError(f"torch.{name}(data, batch_sizes, ...), the packed-sequence form, is not "
                                  f"supported by nnstudio: pass a PackedSequence to nn.{_module_name(mode)} instead")
    if len(args) > len(fields):
        raise TypeError(f"torch.{name}() takes {len(fields)} positional arguments but {len(args)} were given")
    values = dict(zip(fields, args))
    for key, value in kwargs.items():
        if key not in fields or key in values:
            raise TypeError(f"torch.{name}() got an unexpected or repeated argument '{key}'")
        values[key] = value
    missing = [f for f in fields if f not in values]
    if missing:
        raise TypeError(f"torch.{name}() missing required arguments: {', '.join(missing)}")
    x, hx, params = values["input"], values["hx"], list(values["params"])
    num_layers, bidirectional = int(values["num_layers"]), bool(values["bidirectional"])
    if not isinstance(x, Tensor) or x.ndim != 3:
        raise RuntimeError(f"torch.{name}: expected a 3-D input tensor, got "
                           f"{tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__}")
    states = list(hx) if isinstance(hx, (list, tuple)) else [hx]
    if len(states) != (2 if mode == "LSTM" else 1):
        raise RuntimeError(f"torch.{name}: expected hx to hold {2 if mode == 'LSTM' else 1} tensor(s), got "
                           f"{len(states)}")
    per = 4 if values["has_biases"] else 2
    directions = 2 if bidirectional else 1
    if len(params) != per * num_layers * directions:
        raise RuntimeError(f"torch.{name}: expected {per * num_layers * directions} weight tensors for "
                           f"{num_layers} layer(s) x {directions} direction(s), got {len(params)}")
    hidden = states[0].shape[-1]
    if values["batch_first"]:
        x = x.transpose(0, 1)
    p = float(values["dropout"]) if values["train"] else 0.0
    output, h_n, c_n = run_layers(mode, x, states[0], states[1] if mode == "LSTM" else None, params,
                                  bool(values["has_biases"]), num_layers, p, bidirectional, hidden)
    if values["batch_first"]:
        output = output.transpose(0, 1)
    if mode == "LSTM":
        return output, stack(h_n, 0), stack(c_n, 0)
    return output, stack(h_n, 0)


def _module_name(mode: str) -> str:
    return {"LSTM": "LSTM", "GRU": "GRU"}.get(mode, "RNN")


def lstm(*args, **kwargs) -> tuple:
    """torch.lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first) ->
    (output, h_n, c_n): the stacked LSTM of nn.LSTM on torch's flat weight list (see `_stacked`)."""
    return _stacked("LSTM", "lstm", args, kwargs)


def gru(*args, **kwargs) -> tuple:
    """torch.gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first) ->
    (output, h_n)."""
    return _stacked("GRU", "gru", args, kwargs)


def rnn_tanh(*args, **kwargs) -> tuple:
    """torch.rnn_tanh(input, hx, params, ...) -> (output, h_n): the Elman RNN with tanh."""
    return _stacked("RNN_TANH", "rnn_tanh", args, kwargs)


def rnn_relu(*args, **kwargs) -> tuple:
    """torch.rnn_relu(input, hx, params, ...) -> (output, h_n): the Elman RNN with ReLU."""
    return _stacked("RNN_RELU", "rnn_relu", args, kwargs)


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


# ------------------------------------------------------------------------- normalisations with their statistics

def native_layer_norm(input, normalized_shape, weight, bias, eps: float) -> tuple:
    """(output, mean, rstd): layer_norm over the trailing `normalized_shape` dims; mean and rstd (1 / sqrt(var +
    eps), biased variance) shaped input.shape[:-k] + (1,) * k, without gradient."""
    shape = (int(normalized_shape),) if isinstance(normalized_shape, numbers.Integral) else \
        tuple(int(n) for n in normalized_shape)
    out = _F().layer_norm(input, shape, weight, bias, eps)
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    with _no_grad():
        mean = input.mean(dim=dims, keepdim=True)
        rstd = (input.var(dim=dims, keepdim=True, unbiased=False) + eps).rsqrt()
    return out, mean, rstd


def native_batch_norm(input, weight, bias, running_mean, running_var, training: bool, momentum: float,
                      eps: float) -> tuple:
    """(output, save_mean, save_invstd): batch_norm (running buffers updated in place when training); in
    training the batch's per-channel mean and 1 / sqrt(var + eps), else two empty tensors, as torch's CPU kernel."""
    out = _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    if not training:
        empty = input.new_empty((0,)).detach()
        return out, empty, empty.clone()
    dims = (0,) + tuple(range(2, input.ndim))
    with _no_grad():
        mean = input.mean(dim=dims)
        invstd = (input.var(dim=dims, unbiased=False) + eps).rsqrt()
    return out, mean, invstd


def native_group_norm(input, weight, bias, N: int, C: int, HxW: int, group: int, eps: float) -> tuple:  # noqa: N803
    """(output, mean, rstd) of group_norm over input (N, C, *) with `group` groups; mean and rstd (N, group)."""
    if tuple(input.shape[:2]) != (N, C) or input.numel() != N * C * HxW:
        raise RuntimeError(f"native_group_norm: input of shape {list(input.shape)} does not match N={N}, C={C}, "
                           f"HxW={HxW}")
    out = _F().group_norm(input, group, weight, bias, eps)
    with _no_grad():
        grouped = input.reshape(N, group, -1)
        mean = grouped.mean(dim=2)
        rstd = (grouped.var(dim=2, unbiased=False) + eps).rsqrt()
    return out, mean, rstd


def native_dropout(input, p: float, train: bool | None) -> tuple:
    """(output, mask): dropout with its boolean keep-mask; outside training the input's values and a mask of
    ones."""
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    if train is False or p == 0.0:
        from ..creation import ones_like

        return input.clone(), ones_like(input, dtype=_bool_dtype())
    keep = input.new_empty(tuple(input.shape)).detach().bernoulli_(1.0 - p).to(_bool_dtype())
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    return input * keep * scale, keep


def _bool_dtype():
    from .._dtype import bool_

    return bool_


def native_channel_shuffle(input, groups: int):
    """channel_shuffle: input (N, C, *) with its C channels regrouped as (groups, C / groups) transposed."""
    return _F().channel_shuffle(input, groups)


def norm_except_dim(v, pow: float = 2, dim: int = 0):  # noqa: A002 - torch's argument name
    """The p-norm of v over every dim but `dim`, kept as size-1 dims (weight_norm's g); dim=-1: the whole norm."""
    if dim == -1:
        return v.norm(pow)
    d = dim % v.ndim
    others = tuple(i for i in range(v.ndim) if i != d)
    return v.norm(pow, dim=others, keepdim=True) if others else v.abs()


# --------------------------------------------------------------------------------------- convolution, padding

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


def conv_tbc(input, weight, bias, pad: int = 0):
    """A 1-D convolution over time-major input (T, B, C_in) with weight (K, C_in, C_out) and bias (C_out,):
    output (T + 2 pad - K + 1, B, C_out)."""
    if input.ndim != 3 or weight.ndim != 3 or input.shape[2] != weight.shape[1]:
        raise RuntimeError(f"conv_tbc: expected input (T, B, C_in) and weight (K, C_in, C_out) with the same C_in, "
                           f"got input {list(input.shape)} and weight {list(weight.shape)}")
    out = _F().conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, 1, int(pad))
    return out.permute(2, 0, 1)


def constant_pad_nd(input, pad, value: float = 0):
    """F.pad with a constant: `pad` holds (left, right) pairs from the last dim backwards."""
    return _F().pad(input, tuple(pad), "constant", value)


_MODES, _PADDINGS = ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection")


def grid_sampler(input, grid, interpolation_mode: int, padding_mode: int, align_corners: bool):
    """torch.grid_sampler with integer modes (0 bilinear, 1 nearest, 2 bicubic; 0 zeros, 1 border, 2 reflection)."""
    return _F().grid_sample(input, grid, _MODES[interpolation_mode], _PADDINGS[padding_mode], align_corners)


def grid_sampler_2d(input, grid, interpolation_mode: int, padding_mode: int, align_corners: bool):
    """grid_sampler for input (N, C, H, W) and grid (N, H_out, W_out, 2)."""
    if input.ndim != 4:
        raise RuntimeError(f"grid_sampler_2d: expected a 4-D input, got {input.ndim}-D")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def grid_sampler_3d(input, grid, interpolation_mode: int, padding_mode: int, align_corners: bool):
    """grid_sampler for input (N, C, D, H, W) and grid (N, D_out, H_out, W_out, 3)."""
    if input.ndim != 5:
        raise RuntimeError(f"grid_sampler_3d: expected a 5-D input, got {input.ndim}-D")
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def affine_grid_generator(theta, size, align_corners: bool):
    """F.affine_grid: the sampling grid (N, *spatial, 2 or 3) of affine maps theta (N, 2, 3) or (N, 3, 4)."""
    return _F().affine_grid(theta, list(size), align_corners)


def embedding_renorm_(input, indices, max_norm: float, norm_type: float):
    """In place on the embedding table `input` (V, D): every row named in `indices` whose norm exceeds max_norm
    is scaled to max_norm (as F.embedding(max_norm=...) does before its lookup). Returns the table."""
    from ..nn._functional.sparse import _renorm_rows

    with _no_grad():
        _renorm_rows(input, indices._data.reshape(-1), float(max_norm), float(norm_type))
    return input


# ------------------------------------------------------------------------------------------------- dropouts

def dropout_(input, p: float, train: bool):
    return _F().dropout(input, p, train, inplace=True)


def alpha_dropout_(input, p: float, train: bool):
    from ..nn._functional.activation import _maybe_inplace

    return _maybe_inplace(input, True, lambda x: _F().alpha_dropout(x, p, train))


def feature_alpha_dropout_(input, p: float, train: bool):
    from ..nn._functional.activation import _maybe_inplace

    return _maybe_inplace(input, True, lambda x: _F().feature_alpha_dropout(x, p, train))


def feature_dropout(input, p: float, train: bool):
    """Dropout of whole channels (dim 1) of input (N, C, *)."""
    from ..nn._functional.dropout import feature_dropout as channel_dropout

    return channel_dropout(input, p, train, True)


def feature_dropout_(input, p: float, train: bool):
    from ..nn._functional.activation import _maybe_inplace

    return _maybe_inplace(input, True, lambda x: feature_dropout(x, p, train))
