"""`default_collate` and `default_convert`: how a DataLoader turns samples into a batch, with torch's
structure for every kind of sample.

    tensors, NumPy arrays       -> one tensor with a new dim 0 (arrays of strings or objects: TypeError)
    ints / floats / bools       -> an int64 / float64 / bool tensor; NumPy scalars keep their dtype
    str, bytes                  -> the batch of them as it is (a list, or a tuple inside a tuple / list)
    dict (any mapping)          -> the same kind of mapping, each key collated
    namedtuple                  -> the same namedtuple, each field collated
    tuple, list (any sequence)  -> a list (a list subclass: a copy of the first sample) of each position
                                   collated; samples of different lengths: RuntimeError
    anything else               -> torch's TypeError
"""

from __future__ import annotations

import collections.abc
import copy
import numbers

import numpy as np

from ...._backend import is_array
from ....tensor import Tensor, stack

_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _numpy_type(elem) -> bool:
    t = type(elem)
    return t.__module__ == "numpy" and t.__name__ not in ("str_", "bytes_", "string_")


def _holds_text(array) -> bool:
    return array.dtype.kind in "SaUO"


def _same_mapping(like, values: dict):
    """`values` in a mapping of `like`'s type (a copy of it, updated, when mutable: extra attributes stay), or a
    dict where that type can't be built so."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(values)
            return clone
        return type(like)(values)
    except TypeError:
        return values


def _same_sequence(like, values: list):
    """`values` in a sequence of `like`'s type (a copy of it, each item set, when mutable), or a list."""
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, value in enumerate(values):
                clone[i] = value
            return clone
        return type(like)(values)
    except TypeError:
        return values


def default_collate(batch):
    """Collate a list of samples into a batch (see the module docstring for each kind of sample)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch))
    if is_array(elem) and not isinstance(elem, np.generic):
        if _holds_text(elem):
            raise TypeError(_ERROR.format(elem.dtype))
        return stack([Tensor._wrap(np.asarray(b) if isinstance(b, np.ndarray) else b, None) for b in batch])
    if _numpy_type(elem):  # a NumPy scalar: its dtype is kept
        return Tensor._wrap(np.asarray(batch), None)
    if isinstance(elem, float):
        return Tensor._wrap(np.asarray(batch, dtype=np.float64), None)
    if isinstance(elem, bool):
        return Tensor._wrap(np.asarray(batch, dtype=np.bool_), None)
    if isinstance(elem, int):
        return Tensor._wrap(np.asarray(batch, dtype=np.int64), None)
    if isinstance(elem, numbers.Number):  # other numbers (a Fraction, a Decimal): torch.tensor's float64
        return Tensor._wrap(np.asarray(batch, dtype=np.float64), None)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _same_mapping(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(b) != size for b in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        collated = [default_collate(samples) for samples in zip(*batch)]  # (strings stay a tuple, as torch's)
        return collated if isinstance(elem, tuple) else _same_sequence(elem, collated)  # tuples: lists, as torch's
    raise TypeError(_ERROR.format(type(elem)))


def default_convert(data):
    """What a DataLoader without batching (batch_size=None) does to a sample: NumPy arrays and scalars become
    tensors (arrays of strings stay), mappings and namedtuples keep their type, tuples become lists, other
    sequences keep their type where they can."""
    if isinstance(data, Tensor):
        return data
    if _numpy_type(data) or (is_array(data) and not isinstance(data, np.generic)):
        if not isinstance(data, np.generic) and _holds_text(data):
            return data
        return Tensor._wrap(np.asarray(data) if isinstance(data, (np.ndarray, np.generic)) else data, None)
    if isinstance(data, collections.abc.Mapping):
        return _same_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _same_sequence(data, [default_convert(d) for d in data])
    return data
