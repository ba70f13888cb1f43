"""RNN / LSTM / GRU over a `PackedSequence`, as torch: each sequence runs exactly its own length (the reverse
direction starts at the sequence's own last step) and h_n / c_n are taken at its true last step.

The packed batch is sorted longest first, so sequences of one length form a contiguous block of the batch; each
block runs through the layer's fused sequence primitive on its first L steps only (no masking needed). Outputs are
padded back to the longest length, and the last layer's output is packed again in the input's packing.
"""

from __future__ import annotations

import numpy as np

from .._backend import to_device, to_numpy
from ..tensor import Tensor, cat, stack
from . import functional as F
from .utils.rnn import PackedSequence, packed_positions


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
            layer_input = F.dropout(layer_input, module.dropout, True)
    output = PackedSequence(layer_input[t_idx, b_idx], packed.batch_sizes, packed.sorted_indices,
                            packed.unsorted_indices)
    h_n = stack(h_n, 0)
    c_n = stack(c_n, 0) if module.mode == "LSTM" else None
    if packed.unsorted_indices is not None:
        back = _index(to_numpy(packed.unsorted_indices._data), data)
        h_n = h_n.index_select(1, back)
        c_n = c_n.index_select(1, back) if c_n is not None else None
    return output, ((h_n, c_n) if module.mode == "LSTM" else h_n)
