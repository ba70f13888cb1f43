"""Synthetic sequence tasks for recurrent models: each sample is a sequence of `length` steps of one feature."""

from __future__ import annotations

import numpy as np

from ._checks import check_choice, check_int, check_seed, check_val_fraction
from .dataset import CLASSIFICATION, REGRESSION, SplitDataset, make_split

TASKS = ("parity", "sum", "majority")


def sequence(task: str = "parity", n_samples: int = 2000, length: int = 8, seed: int = 0,
             val_fraction: float = 0.2) -> SplitDataset:
    """Inputs of shape `(N, length, 1)` (batch first: use `batch_first=True` in RNN/LSTM/GRU).

    - "parity": bits 0/1; class 1 when the number of ones is odd (2 classes). Hard for long sequences.
    - "majority": bits 0/1; class 1 when more than half are ones (2 classes; use an odd length for no ties).
    - "sum": values uniform in [0, 1]; the target is their sum, shape `(N, 1)` (regression).
    """
    where = "sequence"
    task = check_choice(where, "task", task, TASKS)
    n_samples = check_int(where, "n_samples", n_samples, 4)
    length = check_int(where, "length", length, 1)
    seed, val_fraction = check_seed(where, seed), check_val_fraction(where, val_fraction)
    rng = np.random.default_rng(seed)
    params = dict(task=task, n_samples=n_samples, length=length, seed=seed, val_fraction=val_fraction)
    if task == "sum":
        X = rng.uniform(0.0, 1.0, (n_samples, length, 1)).astype(np.float32)
        y = X.sum(axis=1, dtype=np.float64).astype(np.float32)
        return make_split("sequence", X, y, REGRESSION, val_fraction, seed, params=params)
    bits = rng.integers(0, 2, (n_samples, length, 1))
    ones = bits.sum(axis=(1, 2))
    y = (ones % 2 if task == "parity" else (2 * ones > length)).astype(np.int64)
    names = ("even", "odd") if task == "parity" else ("minority", "majority")
    return make_split("sequence", bits.astype(np.float32), y, CLASSIFICATION, val_fraction, seed, num_classes=2,
                      class_names=names, params=params)
