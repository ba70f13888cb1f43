"""`SplitDataset`: a dataset already split into training and validation arrays, plus what a model needs to know.

Every loader in `nnstudio.data` returns one. Inputs are float32 of shape `(N, *input_shape)`; classification labels
are int64 class indices of shape `(N,)` in `[0, num_classes)`; regression targets are float32 of shape `(N, k)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

CLASSIFICATION = "classification"
REGRESSION = "regression"
TASKS = (CLASSIFICATION, REGRESSION)

_SPLIT_STREAM = 0x5B11  # the split draws from its own stream: changing val_fraction never changes the samples


@dataclass(eq=False)
class SplitDataset:
    """Training and validation arrays of one dataset.

    Attributes:
        name: short name, e.g. "spiral".
        X_train, X_val: float32 inputs, shape `(N, *input_shape)`.
        y_train, y_val: int64 class indices `(N,)` for classification; float32 targets `(N, k)` for regression.
        task: "classification" or "regression".
        num_classes: number of classes (None for regression).
        class_names: a readable name per class index (None for regression).
        params: the arguments that made this dataset (so it can be made again).
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    task: str
    num_classes: int | None = None
    class_names: tuple[str, ...] | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"dataset {self.name!r}"
        if self.task not in TASKS:
            raise ValueError(f"{where}: task must be 'classification' or 'regression', got {self.task!r}")
        for split in ("train", "val"):
            X, y = getattr(self, f"X_{split}"), getattr(self, f"y_{split}")
            if not isinstance(X, np.ndarray) or X.dtype != np.float32 or X.ndim < 2:
                raise TypeError(f"{where}: X_{split} must be a float32 array of shape (N, ...), got "
                                f"{_describe(X)}")
            if len(X) != len(y):
                raise ValueError(f"{where}: X_{split} has {len(X)} samples but y_{split} has {len(y)}")
        if self.X_train.shape[1:] != self.X_val.shape[1:]:
            raise ValueError(f"{where}: X_train samples have shape {self.X_train.shape[1:]} but X_val samples have "
                             f"{self.X_val.shape[1:]}")
        if len(self.X_train) == 0:
            raise ValueError(f"{where}: the training split is empty")
        if self.task == CLASSIFICATION:
            self._check_labels(where)
        else:
            for split in ("train", "val"):
                y = getattr(self, f"y_{split}")
                if y.dtype != np.float32 or y.ndim != 2:
                    raise TypeError(f"{where}: regression y_{split} must be float32 of shape (N, k), got "
                                    f"{_describe(y)}")
            if self.num_classes is not None:
                raise ValueError(f"{where}: a regression dataset has num_classes=None, got {self.num_classes}")

    def _check_labels(self, where: str) -> None:
        if self.num_classes is None or self.num_classes < 1:
            raise ValueError(f"{where}: a classification dataset needs num_classes >= 1, got {self.num_classes}")
        for split in ("train", "val"):
            y = getattr(self, f"y_{split}")
            if y.dtype != np.int64 or y.ndim != 1:
                raise TypeError(f"{where}: classification y_{split} must be int64 class indices of shape (N,), got "
                                f"{_describe(y)}")
            if y.size and (y.min() < 0 or y.max() >= self.num_classes):
                raise ValueError(f"{where}: y_{split} holds labels in [{y.min()}, {y.max()}] but num_classes is "
                                 f"{self.num_classes}")
        if self.class_names is None:
            self.class_names = tuple(str(i) for i in range(self.num_classes))
        elif len(self.class_names) != self.num_classes:
            raise ValueError(f"{where}: {len(self.class_names)} class_names for {self.num_classes} classes")

    # ---- what a model needs to know -------------------------------------------------------------------------
    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one input sample, without the batch dimension: `(2,)`, `(64,)`, `(1, 8, 8)`, `(L, 1)`."""
        return tuple(int(d) for d in self.X_train.shape[1:])

    @property
    def num_outputs(self) -> int:
        """Width of the model's last layer: `num_classes` for classification, `k` of the `(N, k)` targets else."""
        return int(self.num_classes) if self.task == CLASSIFICATION else int(self.y_train.shape[1])

    @property
    def is_2d(self) -> bool:
        """True when every sample is a point in the plane (decision-boundary plots make sense)."""
        return self.input_shape == (2,)

    @property
    def n_train(self) -> int:
        return len(self.X_train)

    @property
    def n_val(self) -> int:
        return len(self.X_val)

    # ---- handing the data to the engine ---------------------------------------------------------------------
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """`(X_train, y_train, X_val, y_val)`."""
        return self.X_train, self.y_train, self.X_val, self.y_val

    def train_dataset(self):
        """The training split as an `nnstudio.utils.data.TensorDataset` of `(x, y)` tensors."""
        return _tensor_dataset(self.X_train, self.y_train)

    def val_dataset(self):
        """The validation split as an `nnstudio.utils.data.TensorDataset` of `(x, y)` tensors."""
        return _tensor_dataset(self.X_val, self.y_val)

    def loaders(self, batch_size: int = 32, shuffle: bool = True):
        """`(train_loader, val_loader)`: `DataLoader`s; only the training one shuffles (from nnstudio's seed)."""
        from ..utils.data import DataLoader

        return (DataLoader(self.train_dataset(), batch_size=batch_size, shuffle=shuffle),
                DataLoader(self.val_dataset(), batch_size=batch_size, shuffle=False))

    def __repr__(self) -> str:
        kind = (f"{self.num_classes} classes" if self.task == CLASSIFICATION
                else f"regression, {self.num_outputs} output{'s' if self.num_outputs > 1 else ''}")
        return (f"SplitDataset({self.name!r}: {self.n_train} train + {self.n_val} val, input_shape="
                f"{self.input_shape}, {kind})")


def _describe(a) -> str:
    if isinstance(a, np.ndarray):
        return f"{a.dtype} array of shape {a.shape}"
    return type(a).__name__


def _tensor_dataset(X: np.ndarray, y: np.ndarray):
    from ..creation import from_numpy
    from ..utils.data import TensorDataset

    return TensorDataset(from_numpy(X), from_numpy(y))


def split_indices(n: int, val_fraction: float, seed: int, labels: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled `(train_idx, val_idx)` of `range(n)`, with `round(val_fraction * n)` validation samples.

    With `labels` the split is stratified: each class gives its share of the validation set (largest-remainder
    rounding), so both splits keep the class balance, and every class keeps at least one training sample
    when it can.
    """
    rng = np.random.default_rng((seed, _SPLIT_STREAM))
    n_val = int(round(val_fraction * n))
    if labels is None:
        order = rng.permutation(n)
        return order[n_val:], order[:n_val]
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    quota = counts * (n_val / n)
    take = np.floor(quota).astype(np.int64)
    extra = n_val - int(take.sum())
    if extra > 0:  # largest remainders first, lower class index on ties
        order = np.lexsort((np.arange(len(classes)), -(quota - take)))
        take[order[:extra]] += 1
    take = np.minimum(take, np.maximum(counts - 1, 0))
    train, val = [], []
    for c in range(len(classes)):
        members = rng.permutation(np.flatnonzero(inverse == c))
        val.append(members[:take[c]])
        train.append(members[take[c]:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(val))


def make_split(name: str, X: np.ndarray, y: np.ndarray, task: str, val_fraction: float, seed: int,
               num_classes: int | None = None, class_names: tuple[str, ...] | None = None,
               params: dict[str, Any] | None = None) -> SplitDataset:
    """Split arrays of all samples into a `SplitDataset` (stratified for classification)."""
    train, val = split_indices(len(X), val_fraction, seed, y if task == CLASSIFICATION else None)
    return SplitDataset(name=name, X_train=X[train], y_train=y[train], X_val=X[val], y_val=y[val], task=task,
                        num_classes=num_classes, class_names=class_names, params=dict(params or {}))
