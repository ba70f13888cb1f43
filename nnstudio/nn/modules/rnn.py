"""Recurrent layers: `RNN`, `LSTM`, `GRU` and the single-step `RNNCell`, `LSTMCell`, `GRUCell`.

torch's arguments, parameter names (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ..._reverse), gate order
(LSTM i, f, g, o; GRU r, z, n), initialisation U(-1/sqrt(hidden), 1/sqrt(hidden)) and return values. Each layer and
direction runs as one fused primitive over the whole sequence (`nnstudio/ops/recurrent.py`).
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ..._backend import to_device, to_numpy, xp_of
from ...autograd import apply
from ...autograd.names import as_torch_node
from ...ops import recurrent as R
from ...tensor import Tensor, cat, stack
from .. import functional as F
from .. import init
from ..parameter import empty_param
from ..utils.rnn import PackedSequence, packed_positions
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _zeros_state(like: Tensor, batch: int, hidden: int) -> Tensor:
    return Tensor._wrap(xp_of(like._data).zeros((batch, hidden), dtype=like._data.dtype), None)


def _empty_batch(x: Tensor, h0: Tensor, c0: Tensor | None, w_hh: Tensor):
    """Outputs (T, 0, H) and c_n for an empty batch, as torch gives them, still attached to x, the states and the
    weights (so backward runs and gives zero gradients, as torch's)."""
    attach = x[..., :1] * 0 + w_hh[:1] * 0
    return attach + h0.unsqueeze(0), (c0 + attach[0] if c0 is not None else None)


def _run_sequence(mode: str, x: Tensor, h0: Tensor, c0: Tensor | None, params: list, reverse: bool):
    """One layer, one direction over time-major x (T, B, I): (outputs (T, B, H), h_n (B, H), c_n or None)."""
    n = x._data.shape[0]
    last = 0 if reverse else n - 1
    if x._data.shape[1] == 0:
        out, c_n = _empty_batch(x, h0, c0, params[1])
        return out, out[last], c_n
    if mode == "LSTM":
        seq = apply(R.LSTMSequence, x, h0, c0, *params, reverse=reverse)
        return seq[:n], seq[last], seq[n]
    if mode == "GRU":
        seq = apply(R.GRUSequence, x, h0, *params, reverse=reverse)
    else:
        seq = apply(R.RNNSequence, x, h0, *params, reverse=reverse,
                    nonlinearity="relu" if mode == "RNN_RELU" else "tanh")
    return seq, seq[last], None


def run_layers(mode: str, x: Tensor, h0: Tensor | None, c0: Tensor | None, weights: list, has_biases: bool,
               num_layers: int, dropout: float, bidirectional: bool, hidden: int) -> tuple:
    """A stacked RNN over time-major x (T, B, I): (output (T, B, D * H), [h_n of each layer and direction],
    [c_n of each, LSTM only; else Nones]). h0 / c0: (num_layers * D, B, H) or None (zeros); `weights`: torch's
    flat list, w_ih, w_hh[, b_ih, b_hh] for layer 0 forward, layer 0 reverse, layer 1 ...; `dropout` is applied
    between layers (pass 0 outside training)."""
    per = 4 if has_biases else 2
    directions = 2 if bidirectional else 1
    batch = x._data.shape[1]
    h_n, c_n = [], []
    layer_input = x
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            k = layer * directions + d
            h = h0[k] if h0 is not None else _zeros_state(x, batch, hidden)
            c = None
            if mode == "LSTM":
                c = c0[k] if c0 is not None else _zeros_state(x, batch, hidden)
            out, hk, ck = _run_sequence(mode, layer_input, h, c, weights[k * per:(k + 1) * per], d == 1)
            outs.append(out)
            h_n.append(hk)
            c_n.append(ck)
        layer_input = outs[0] if directions == 1 else cat(outs, dim=2)
        if dropout and layer < num_layers - 1:
            layer_input = F.dropout(layer_input, dropout, True)
    return layer_input, h_n, c_n


class RNNBase(Module):
    """Shared machinery of RNN, LSTM and GRU (torch's `nn.RNNBase`).

    Shapes: input (L, N, H_in), or (N, L, H_in) with batch_first, or unbatched (L, H_in); initial states
    (num_layers * num_directions, N, H_out) (unbatched: without N); output (L, N, num_directions * H_out).
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None):
        super().__init__()
        name = {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(mode, mode)
        for field, value, low in (("input_size", input_size, 0), ("hidden_size", hidden_size, 1),
                                  ("num_layers", num_layers, 1)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
                raise ValueError(f"{name}: {field} must be an int >= {low}, got {value!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout should be a number in range [0, 1] representing the probability of "
                             f"an element being zeroed, got {dropout!r}")
        if proj_size:
            raise NotImplementedError(f"{name}: proj_size > 0 (LSTM with projections) is not supported by nnstudio")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                          stacklevel=3)
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names = []
        for layer in range(num_layers):
            layer_in = input_size if layer == 0 else hidden_size * directions
            for d in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if d == 1 else "")
                shapes = [("weight_ih", (gate_size, layer_in)), ("weight_hh", (gate_size, hidden_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                for pname, shape in shapes:
                    setattr(self, pname + suffix, empty_param(shape, device, dtype))
                    self._flat_weights_names.append(pname + suffix)
        self.reset_parameters()

    @property
    def _name(self) -> str:
        return type(self).__name__

    def _describe(self) -> str:
        return f"{self._name}({self.input_size}, {self.hidden_size})"

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """No-op (torch compacts cuDNN weights here)."""

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        per = 4 if self.bias else 2
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def _layer_params(self, layer: int, direction: int) -> list:
        per = 4 if self.bias else 2
        start = (layer * (2 if self.bidirectional else 1) + direction) * per
        return self._flat_weights[start:start + per]

    def _check_input(self, input: Tensor) -> bool:
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._describe()}: expected a Tensor input, got {type(input).__name__}")
        if input.ndim not in (2, 3):
            layout = "(N, L, H_in)" if self.batch_first else "(L, N, H_in)"
            raise ValueError(f"{self._describe()}: expected input to be 2D (L, H_in) or 3D {layout}, got "
                             f"{input.ndim}D input of shape {tuple(input.shape)}")
        if input._data.shape[-1] != self.input_size:
            raise RuntimeError(f"{self._describe()}: input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]} (input shape {tuple(input.shape)})")
        w = self.weight_ih_l0
        if input._data.dtype != w._data.dtype:
            raise RuntimeError(f"{self._describe()}: input dtype {input.dtype} does not match the weights' dtype "
                               f"{w.dtype} (convert the input with .to(dtype) or the module with .to(dtype))")
        return input.ndim == 3

    def _check_state(self, state: Tensor, which: str, expected: tuple, batched: bool) -> Tensor:
        if not isinstance(state, Tensor):
            raise TypeError(f"{self._describe()}: expected {which} to be a Tensor, got {type(state).__name__}")
        if not batched and state.ndim != 2:
            raise RuntimeError(f"{self._describe()}: for unbatched 2-D input, {which} should also be 2-D "
                               f"{expected[::2]}, but got a {state.ndim}-D tensor of shape {tuple(state.shape)}")
        if batched and state.ndim != 3:
            raise RuntimeError(f"{self._describe()}: for batched 3-D input, {which} should also be 3-D {expected}, "
                               f"but got a {state.ndim}-D tensor of shape {tuple(state.shape)}")
        s = state if batched else state.unsqueeze(1)
        if tuple(s.shape) != expected:
            want = expected if batched else expected[::2]
            raise RuntimeError(f"{self._describe()}: expected {which} of shape {want}, got {tuple(state.shape)}")
        return s

    def _initial_states(self, hx, batch: int, batched: bool) -> list:
        """[h0] or [h0, c0], each (num_layers * directions, N, H) or None when not given."""
        n_states = 2 if self.mode == "LSTM" else 1
        if hx is None:
            return [None] * n_states
        expected = (self.num_layers * (2 if self.bidirectional else 1), batch, self.hidden_size)
        if n_states == 2:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{self._describe()}: expected hx to be a tuple (h_0, c_0), got "
                                f"{type(hx).__name__}")
            return [self._check_state(hx[0], "h_0", expected, batched),
                    self._check_state(hx[1], "c_0", expected, batched)]
        return [self._check_state(hx, "hx", expected, batched)]

    def forward(self, input: Tensor, hx=None):
        if isinstance(input, PackedSequence):  # returns (PackedSequence, h_n) or (PackedSequence, (h_n, c_n))
            return forward_packed(self, input, hx, _run_sequence)
        batched = self._check_input(input)
        x = input if batched else input.unsqueeze(1)
        if batched and self.batch_first:
            x = x.transpose(0, 1)
        if x._data.shape[0] == 0:
            raise RuntimeError(f"{self._describe()}: Expected sequence length to be larger than 0 in RNN (input "
                               f"shape {tuple(input.shape)})")
        h0, *c0 = self._initial_states(hx, x._data.shape[1], batched)
        output, h_n, c_n = run_layers(self.mode, x, h0, c0[0] if c0 else None, self._flat_weights, self.bias,
                                      self.num_layers, self.dropout if self.training else 0.0, self.bidirectional,
                                      self.hidden_size)
        directions = 2 if self.bidirectional else 1
        if directions == 1:  # torch (CPU) names the time-major output's node by its kernel
            fused_lstm = self.mode == "LSTM" and output._data.dtype == np.float32
            as_torch_node(output, "MkldnnRnnLayerBackward0" if fused_lstm else "StackBackward0", input)
        h_n = stack(h_n, 0)
        if batched and self.batch_first:
            output = as_torch_node(output.transpose(0, 1),
                                   "TransposeBackward0" if self.mode == "LSTM" else "TransposeBackward1", input)
        if not batched:
            output, h_n = output.squeeze(1), h_n.squeeze(1)
        if self.mode == "LSTM":
            c_n = stack(c_n, 0)
            return output, (h_n, c_n if batched else c_n.squeeze(1))
        return output, h_n

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(RNNBase):
    """Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act = tanh (default) or relu.

    Returns (output, h_n): output (L, N, D * H_out), h_n (num_layers * D, N, H_out).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: unknown nonlinearity '{nonlinearity}' (use 'tanh' or 'relu')")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, 0, device, dtype)


class LSTM(RNNBase):
    """Long short-term memory (torch's gate order i, f, g, o).

    Call with input and optional (h_0, c_0). Returns (output, (h_n, c_n)): output (L, N, D * H_out),
    h_n and c_n (num_layers * D, N, H_out). `proj_size` is not supported.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit (torch's gate order r, z, n; b_hn inside r * (...)).

    Returns (output, h_n): output (L, N, D * H_out), h_n (num_layers * D, N, H_out).
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, device=None,
                 dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         0, device, dtype)


class RNNCellBase(Module):
    """One time step. Parameters weight_ih (G*H, I), weight_hh (G*H, H), bias_ih, bias_hh (G*H,).

    Shapes: input (N, H_in) or (H_in,); hidden state (N, H) or (H,), zeros when not given.
    """

    _mode = ""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device=None, dtype=None):
        super().__init__()
        for field, value, low in (("input_size", input_size, 0), ("hidden_size", hidden_size, 1)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
                raise ValueError(f"{type(self).__name__}: {field} must be an int >= {low}, got {value!r}")
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = empty_param((num_chunks * hidden_size, input_size), device, dtype)
        self.weight_hh = empty_param((num_chunks * hidden_size, hidden_size), device, dtype)
        if bias:
            self.bias_ih = empty_param((num_chunks * hidden_size,), device, dtype)
            self.bias_hh = empty_param((num_chunks * hidden_size,), device, dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for p in self.parameters():
            init.uniform_(p, -stdv, stdv)

    def _describe(self) -> str:
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size})"

    def _params(self) -> list:
        ps = [self.weight_ih, self.weight_hh]
        return ps + [self.bias_ih, self.bias_hh] if self.bias else ps

    def _prepare(self, input: Tensor, states: list) -> tuple:
        """Check shapes; return (x as (1, N, I), states as (N, H) each, batched)."""
        if not isinstance(input, Tensor) or input.ndim not in (1, 2):
            got = f"{input.ndim}D input of shape {tuple(input.shape)}" if isinstance(input, Tensor) else \
                type(input).__name__
            raise ValueError(f"{self._describe()}: expected input to be 1D (H_in,) or 2D (N, H_in), got {got}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{self._describe()}: input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size} (input shape {tuple(input.shape)})")
        if input._data.dtype != self.weight_ih._data.dtype:
            raise RuntimeError(f"{self._describe()}: input dtype {input.dtype} does not match the weights' dtype "
                               f"{self.weight_ih.dtype}")
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        batch = x.shape[0]
        out = []
        for name, s in states:
            if s is None:
                out.append(_zeros_state(x, batch, self.hidden_size))
                continue
            s2 = s if batched else s.unsqueeze(0)
            if tuple(s2.shape) != (batch, self.hidden_size) or s.ndim != input.ndim:
                want = (batch, self.hidden_size) if batched else (self.hidden_size,)
                raise RuntimeError(f"{self._describe()}: expected {name} of shape {want}, got {tuple(s.shape)}")
            out.append(s2)
        return x.unsqueeze(0), out, batched

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act = tanh or relu.  Returns h' (N, H) or (H,)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh", device=None,
                 dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: unknown nonlinearity '{nonlinearity}' (use 'tanh' or 'relu')")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._prepare(input, [("hx", hx)])
        if x.shape[1] == 0:
            return _empty_batch(x, h, None, self.weight_hh)[0][0]
        out = apply(R.RNNSequence, x, h, *self._params(), nonlinearity=self.nonlinearity)[0]
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step. Call with input and optional (h, c); returns (h', c'), each (N, H) or (H,)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx=None) -> tuple:
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError(f"{self._describe()}: expected hx to be a tuple (h, c), got {type(hx).__name__}")
        h, c = hx if hx is not None else (None, None)
        x, (h, c), batched = self._prepare(input, [("h", h), ("c", c)])
        if x.shape[1] == 0:
            out, c1 = _empty_batch(x, h, c, self.weight_hh)
            return out[0], c1
        seq = apply(R.LSTMSequence, x, h, c, *self._params())
        h1, c1 = seq[0], seq[1]
        return (h1, c1) if batched else (h1.squeeze(0), c1.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step; returns h' (N, H) or (H,)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, (h,), batched = self._prepare(input, [("hx", hx)])
        if x.shape[1] == 0:
            return _empty_batch(x, h, None, self.weight_hh)[0][0]
        out = apply(R.GRUSequence, x, h, *self._params())[0]
        return out if batched else out.squeeze(0)


def _index(arr: np.ndarray, like: Tensor) -> Tensor:
    return Tensor._wrap(to_device(arr.astype(np.int64), like.device), None)


def _blocks(lengths: np.ndarray) -> list:
    """(length, start, stop) of each run of equal lengths in the (descending) lengths."""
    out, start = [], 0
    for i in range(1, lengths.size + 1):
        if i == lengths.size or lengths[i] != lengths[start]:
            out.append((int(lengths[start]), start, i))
            start = i
    return out


def forward_packed(module, packed: PackedSequence, hx, run_sequence):
    """`module.forward` for packed input; `run_sequence` is rnn.py's one-layer, one-direction runner."""
    data = packed.data
    if not isinstance(data, Tensor) or data.dim() != 2:
        raise ValueError(f"{module._describe()}: expected packed data of shape (sum of lengths, H_in), got "
                         f"{getattr(data, 'shape', type(data).__name__)}")
    module._check_input(data)
    bs = to_numpy(packed.batch_sizes._data).astype(np.int64)
    steps, batch = int(bs.size), int(bs[0])
    lengths = packed.lengths()
    t_idx, b_idx = packed_positions(bs)
    t_idx, b_idx = _index(t_idx, data), _index(b_idx, data)
    x = data.new_zeros(steps, batch, data.shape[1])
    x[t_idx, b_idx] = data
    h0, *c0 = module._initial_states(hx, batch, True)
    c0 = c0[0] if c0 else None
    if packed.sorted_indices is not None:  # the caller's states follow the caller's batch order
        order = _index(to_numpy(packed.sorted_indices._data), data)
        h0 = h0.index_select(1, order) if h0 is not None else None
        c0 = c0.index_select(1, order) if c0 is not None else None
    directions = 2 if module.bidirectional else 1
    blocks = _blocks(lengths)
    h_n, c_n = [], []
    layer_input = x
    for layer in range(module.num_layers):
        outs = []
        for d in range(directions):
            k = layer * directions + d
            params = module._layer_params(layer, d)
            pieces, hs, cs = [], [], []
            for length, start, stop in blocks:
                xb = layer_input[:length, start:stop]
                n = stop - start
                h = h0[k, start:stop] if h0 is not None else data.new_zeros(n, module.hidden_size)
                c = None
                if module.mode == "LSTM":
                    c = c0[k, start:stop] if c0 is not None else data.new_zeros(n, module.hidden_size)
                out, hk, ck = run_sequence(module.mode, xb, h, c, params, d == 1)
                if length < steps:
                    out = cat([out, out.new_zeros(steps - length, n, module.hidden_size)], 0)
                pieces.append(out)
                hs.append(hk)
                cs.append(ck)
            outs.append(cat(pieces, 1) if len(pieces) > 1 else pieces[0])
            h_n.append(cat(hs, 0) if len(hs) > 1 else hs[0])
            if module.mode == "LSTM":
                c_n.append(cat(cs, 0) if len(cs) > 1 else cs[0])
        layer_input = outs[0] if directions == 1 else cat(outs, dim=2)
        if module.dropout and module.training and layer < module.num_layers - 1:
            # torch drops out the packed rows (sum of lengths, features): the same mask, laid out in time steps
            noise = F.dropout(layer_input.new_ones((len(t_idx), layer_input.shape[-1])), module.dropout, True)
            mask = layer_input.new_zeros(tuple(layer_input.shape))
            mask[t_idx, b_idx] = noise
            layer_input = layer_input * mask
    output = PackedSequence(layer_input[t_idx, b_idx], packed.batch_sizes, packed.sorted_indices,
                            packed.unsorted_indices)
    h_n = stack(h_n, 0)
    c_n = stack(c_n, 0) if module.mode == "LSTM" else None
    if packed.unsorted_indices is not None:
        back = _index(to_numpy(packed.unsorted_indices._data), data)
        h_n = h_n.index_select(1, back)
        c_n = c_n.index_select(1, back) if c_n is not None else None
    return output, ((h_n, c_n) if module.mode == "LSTM" else h_n)


__all__ = [
    "RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "forward_packed",
]
