"""scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes): no download needed."""

from __future__ import annotations

import numpy as np

from ._checks import check_int, check_seed, check_val_fraction
from .dataset import CLASSIFICATION, SplitDataset, make_split, split_indices


def digits(flat: bool = True, n_samples: int | None = None, seed: int = 0, val_fraction: float = 0.2
           ) -> SplitDataset:
    """The 8x8 digits, pixel values scaled to [0, 1]; labels 0-9.

    Inputs are flat vectors `(N, 64)` with `flat=True`, else one-channel images `(N, 1, 8, 8)` for a CNN.
    `n_samples` keeps a class-balanced subset of that size (all 1797 when None).
    """
    where = "digits"
    if not isinstance(flat, bool):
        raise TypeError(f"{where}: flat must be True or False, got {flat!r}")
    seed, val_fraction = check_seed(where, seed), check_val_fraction(where, val_fraction)
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - scikit-learn is a dev dependency
        raise ImportError("nnstudio.data.digits needs scikit-learn (it ships the digits images): "
                          "pip install scikit-learn") from exc
    bunch = load_digits()
    X = (bunch.data / 16.0).astype(np.float32)
    y = bunch.target.astype(np.int64)
    if n_samples is not None:
        n_samples = check_int(where, "n_samples", n_samples, 20)
        if n_samples > len(X):
            raise ValueError(f"{where}: n_samples must be <= {len(X)} (the images there are), got {n_samples}")
        if n_samples < len(X):
            _, keep = split_indices(len(X), n_samples / len(X), seed, labels=y)
            keep = np.sort(keep)
            X, y = X[keep], y[keep]
    if not flat:
        X = X.reshape(-1, 1, 8, 8)
    params = dict(flat=flat, n_samples=n_samples, seed=seed, val_fraction=val_fraction)
    return make_split("digits", X, y, CLASSIFICATION, val_fraction, seed, num_classes=10, params=params)
