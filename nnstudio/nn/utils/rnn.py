"""Variable-length sequences for the recurrent layers (torch.nn.utils.rnn).

A `PackedSequence` holds a batch of sequences of different lengths without padding: `data` (sum of lengths, *)
lists, step by step, the elements of the sequences still running at that step (longest sequence first), and
`batch_sizes[t]` says how many there are. `pack_padded_sequence` / `pad_packed_sequence` convert from / to a padded
(T, B, *) tensor, `pad_sequence` pads a list of (L_i, *) tensors, `pack_sequence` packs one.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..._backend import to_device, to_numpy
from ...tensor import Tensor, cat, stack

_Fields = namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def _long(values) -> Tensor:
    return Tensor._wrap(np.asarray(values, dtype=np.int64), None)


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes `permutation` (None stays None)."""
    if permutation is None:
        return None
    p = to_numpy(permutation._data)
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size)
    return _long(inv)


class PackedSequence(_Fields):
    """(data, batch_sizes, sorted_indices, unsorted_indices): see the module docstring. `sorted_indices` maps the
    packed batch order (longest first) to the caller's; None when the batch was already sorted."""

    def __new__(cls, data: Tensor, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            raise TypeError("PackedSequence: batch_sizes is required (build one with pack_padded_sequence)")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        """The same packing with `data` moved / cast (batch_sizes stay on the CPU, as torch's)."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes, self.sorted_indices,
                                                         self.unsorted_indices)

    def cpu(self) -> PackedSequence:
        return self.to("cpu")

    def cuda(self, device=None) -> PackedSequence:
        return self.to("cuda")

    def double(self) -> PackedSequence:
        return self.to(dtype=np.float64)

    def float(self) -> PackedSequence:
        return self.to(dtype=np.float32)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def lengths(self) -> np.ndarray:
        """Each sequence's length, in packed (sorted) batch order."""
        bs = to_numpy(self.batch_sizes._data)
        return (bs[None, :] > np.arange(int(bs[0]) if bs.size else 0)[:, None]).sum(axis=1)


def packed_positions(batch_sizes: np.ndarray) -> tuple:
    """(time index, batch index) of every row of packed data, in packed order."""
    t = np.repeat(np.arange(batch_sizes.size), batch_sizes)
    b = np.concatenate([np.arange(n) for n in batch_sizes]) if batch_sizes.size else np.zeros(0, np.int64)
    return t.astype(np.int64), b.astype(np.int64)


def _lengths_array(lengths) -> np.ndarray:
    if isinstance(lengths, Tensor):
        return to_numpy(lengths._data).astype(np.int64).reshape(-1)
    return np.asarray(lengths, dtype=np.int64).reshape(-1)


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch: input (T, B, *) (or (B, T, *) with batch_first) and B lengths."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pack_padded_sequence: expected input to be a Tensor, got {type(input).__name__}")
    lens = _lengths_array(lengths)
    x = input.transpose(0, 1) if batch_first else input
    if x.dim() < 2 or lens.size != x.shape[1]:
        raise RuntimeError(f"pack_padded_sequence: expected {x.shape[1] if x.dim() > 1 else '?'} lengths (one per "
                           f"sequence in the batch), got {lens.size}; input shape {list(input.shape)}")
    if (lens <= 0).any():
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if lens.max() > x.shape[0]:
        raise RuntimeError(f"pack_padded_sequence: a length ({int(lens.max())}) exceeds the padded sequence length "
                           f"{x.shape[0]} of input of shape {list(input.shape)}")
    if enforce_sorted:
        if (np.diff(lens) > 0).any():
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                               "sidestep this requirement if you do not need ONNX exportability.")
        sorted_indices = None
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_indices = _long(order)
        lens = lens[order]
        x = x.index_select(1, Tensor._wrap(to_device(order, x.device), None))
    batch_sizes = (lens[None, :] > np.arange(int(lens[0]))[:, None]).sum(axis=1)
    t, b = packed_positions(batch_sizes)
    data = x[Tensor._wrap(to_device(t, x.device), None), Tensor._wrap(to_device(b, x.device), None)]
    return PackedSequence(data, _long(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple:
    """Undo pack_padded_sequence: (padded (T, B, *) or (B, T, *), lengths (B,) int64), in the caller's order."""
    bs = to_numpy(sequence.batch_sizes._data).astype(np.int64)
    steps = int(bs.size)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {steps}")
        steps = total_length
    data = sequence.data
    batch = int(bs[0]) if bs.size else 0
    padded = data.new_full((steps, batch) + tuple(data.shape[1:]), padding_value)
    t, b = packed_positions(bs)
    dev = data.device
    padded[Tensor._wrap(to_device(t, dev), None), Tensor._wrap(to_device(b, dev), None)] = data
    lengths = sequence.lengths() if bs.size else np.zeros(0, np.int64)
    if sequence.unsorted_indices is not None:
        order = to_numpy(sequence.unsorted_indices._data)
        padded = padded.index_select(1, Tensor._wrap(to_device(order, dev), None))
        lengths = lengths[order]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, _long(lengths)


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack (L_i, *) tensors into (max L, B, *) (or (B, max L, *)), filling with `padding_value`."""
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    trailing = tuple(sequences[0].shape[1:])
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for i, s in enumerate(sequences):
        if tuple(s.shape[1:]) != trailing:
            raise RuntimeError(f"pad_sequence: every sequence must have the trailing shape {list(trailing)} of "
                               f"sequence 0, but sequence {i} has shape {list(s.shape)}")
        gap = longest - s.shape[0]
        if gap:
            fill = s.new_full((gap,) + trailing, padding_value)
            s = cat([s, fill] if padding_side == "right" else [fill, s], 0)
        padded.append(s)
    return stack(padded, 0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (L_i, *) tensors (longest first unless enforce_sorted=False)."""
    sequences = list(sequences)
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences: Tensor, lengths, batch_first: bool = False) -> list:
    """The list of (L_i, *) tensors a padded batch holds."""
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[i, :int(n)] for i, n in enumerate(_lengths_array(lengths))]


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The list of (L_i, *) tensors a PackedSequence holds, in the caller's order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


__all__ = ["PackedSequence", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence", "pack_sequence",
           "unpad_sequence", "unpack_sequence", "invert_permutation"]
