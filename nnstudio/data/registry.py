"""The built-in datasets by name: `DATASETS`, `load(name, **options)` and `as_dataset(data)`."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable

from .dataset import SplitDataset
from .digits import digits
from .regression import regression1d
from .sequence import sequence
from .toy2d import circles, gauss, moons, spiral, xor
from .user import from_arrays

DATASETS: dict[str, Callable[..., SplitDataset]] = {
    "spiral": spiral,
    "circles": circles,
    "xor": xor,
    "gauss": gauss,
    "moons": moons,
    "digits": digits,
    "regression1d": regression1d,
    "sequence": sequence,
}


def describe(name: str) -> str:
    """One line saying what the built-in dataset `name` is (the first line of its loader's docstring)."""
    return (inspect.getdoc(_loader(name)) or "").splitlines()[0]


def options(name: str) -> dict[str, object]:
    """The options of the built-in dataset `name` with their defaults, e.g. `{"n_samples": 600, "arms": 3, ...}`."""
    return {p.name: p.default for p in inspect.signature(_loader(name)).parameters.values()}


def load(name: str, **kwargs) -> SplitDataset:
    """Make the built-in dataset `name` (a key of `DATASETS`) with the given options.

    >>> ds = load("spiral", arms=3, noise=0.1)
    >>> ds.X_train.shape, ds.y_train.dtype, ds.num_classes
    ((480, 2), dtype('int64'), 3)
    """
    loader = _loader(name)
    accepted = inspect.signature(loader).parameters
    unknown = [k for k in kwargs if k not in accepted]
    if unknown:
        raise TypeError(f"dataset {name!r} has no option {unknown[0]!r}; its options are: {', '.join(accepted)}")
    return loader(**kwargs)


def as_dataset(data, **kwargs) -> SplitDataset:
    """Whatever a user hands over, as a `SplitDataset`.

    `data` may be a built-in name (options in `kwargs`), a `SplitDataset` (returned as is), `(X, y)`, or
    `(X_train, y_train, X_val, y_val)` (NumPy arrays or tensors; options go to `from_arrays`).
    """
    if isinstance(data, SplitDataset):
        if kwargs:
            raise TypeError(f"as_dataset: options {sorted(kwargs)} cannot apply to a dataset that is already made")
        return data
    if isinstance(data, str):
        return load(data, **kwargs)
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return from_arrays(data[0], data[1], **kwargs)
    if isinstance(data, (tuple, list)) and len(data) == 4:
        return from_arrays(data[0], data[1], X_val=data[2], y_val=data[3], **kwargs)
    raise TypeError(f"data must be a dataset name ({', '.join(DATASETS)}), a SplitDataset, (X, y) or "
                    f"(X_train, y_train, X_val, y_val); got {type(data).__name__}"
                    + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""))


def _loader(name: str) -> Callable[..., SplitDataset]:
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in DATASETS:
        close = difflib.get_close_matches(key, DATASETS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown dataset {name!r}; the built-in datasets are: {', '.join(DATASETS)}.{hint}")
    return DATASETS[key]
