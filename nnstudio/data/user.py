"""Your own data in one call: `from_arrays(X, y)` and `from_csv(path, label=...)`."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np

from ._checks import check_choice, check_seed, check_val_fraction
from .dataset import CLASSIFICATION, REGRESSION, TASKS, SplitDataset, make_split

MAX_INFERRED_CLASSES = 50  # whole-number labels with more distinct values than this are taken as regression


def from_arrays(X, y, *, val_fraction: float = 0.2, seed: int = 0, task: str | None = None, name: str = "arrays",
                class_names=None, X_val=None, y_val=None) -> SplitDataset:
    """A `SplitDataset` from inputs `X` of shape `(N, ...)` and labels or targets `y` of shape `(N,)` or `(N, k)`.

    NumPy arrays, lists, and tensors (nnstudio or torch) are accepted. `task` is inferred when None: integer, bool
    or text labels mean classification, floating-point targets mean regression. Class labels that are
    non-negative integers keep their meaning (`num_classes = max + 1`); other labels (text, negative numbers) are
    numbered in sorted order and `class_names` keeps the originals. A 1-D `X` is taken as one feature per sample.
    Give `X_val`, `y_val` to use your own validation split instead of a seeded stratified one.
    """
    where = f"from_arrays({name!r})"
    seed, val_fraction = check_seed(where, seed), check_val_fraction(where, val_fraction)
    if task is not None:
        check_choice(where, "task", task, TASKS)
    X, y = _features(where, "X", X), _as_numpy(y)
    if len(X) != len(y):
        raise ValueError(f"{where}: X has {len(X)} samples but y has {len(y)}")
    if len(X) < 2:
        raise ValueError(f"{where}: need at least 2 samples, got {len(X)}")
    task = task or _infer_task(y)
    params = dict(val_fraction=val_fraction, seed=seed, task=task)
    if X_val is None and y_val is None:
        y, num_classes, names = _labels(where, "y", y, task, class_names)
        return make_split(name, X, y, task, val_fraction, seed, num_classes=num_classes, class_names=names,
                          params=params)
    if X_val is None or y_val is None:
        raise ValueError(f"{where}: give both X_val and y_val, or neither")
    Xv, yv = _features(where, "X_val", X_val), _as_numpy(y_val)
    if len(Xv) != len(yv):
        raise ValueError(f"{where}: X_val has {len(Xv)} samples but y_val has {len(yv)}")
    if Xv.shape[1:] != X.shape[1:]:
        raise ValueError(f"{where}: X samples have shape {X.shape[1:]} but X_val samples have {Xv.shape[1:]}")
    both, num_classes, names = _labels(where, "y", np.concatenate([y, yv]), task, class_names)
    params.pop("val_fraction")
    return SplitDataset(name=name, X_train=X, y_train=both[:len(y)], X_val=Xv, y_val=both[len(y):], task=task,
                        num_classes=num_classes, class_names=names, params=params)


def from_csv(path: str | os.PathLike, label: int | str = -1, *, header: bool | None = None,
             delimiter: str | None = None, task: str | None = None, val_fraction: float = 0.2, seed: int = 0,
             name: str | None = None, encoding: str = "utf-8") -> SplitDataset:
    """A `SplitDataset` from a CSV file with one sample per line: numeric feature columns and one label column.

    `label` picks the label column by index (default -1, the last) or by header name. `header=None` detects a
    header line (one where no field is a number). `delimiter=None` picks the most frequent of `,` `;` tab on the
    first line. Labels may be text (class names) or numbers; whole numbers with at most 50 distinct values mean
    classification, other numbers regression, unless `task` says otherwise. A ragged line, an empty field or a
    non-numeric feature raises `ValueError` naming the file, the line and the column. Blank lines are skipped.
    """
    path = Path(path)
    where = f"from_csv({str(path)!r})"
    rows = _read_rows(path, encoding, delimiter)
    if not rows:
        raise ValueError(f"{where}: the file has no rows")
    first_line, first = rows[0]
    if header is None:
        header = isinstance(label, str) or not any(_is_number(f) for f in first)
    if isinstance(label, str) and not header:
        raise ValueError(f"{where}: label={label!r} names a column, but header=False")
    width = len(first)
    if width < 2:
        raise ValueError(f"{where}: line {first_line} has {width} column; need at least one feature column and one "
                         f"label column (is the delimiter right? pass delimiter=...)")
    names = [f.strip() for f in first] if header else [f"column {i}" for i in range(width)]
    label_idx = _label_index(where, label, names)
    data = rows[1:] if header else rows
    if not data:
        raise ValueError(f"{where}: the file has a header but no data lines")
    feature_idx = [i for i in range(width) if i != label_idx]
    X = np.empty((len(data), len(feature_idx)), dtype=np.float64)
    raw_labels = []
    for r, (line, row) in enumerate(data):
        if len(row) != width:
            raise ValueError(f"{where}: line {line} has {len(row)} fields but line {first_line} has {width} "
                             f"(a ragged row)")
        for c, i in enumerate(feature_idx):
            X[r, c] = _number(where, row[i], line, i, names[i])
        raw_labels.append(row[label_idx].strip())
    lines = [line for line, _ in data]
    y = _csv_labels(where, raw_labels, lines, label_idx, names[label_idx], task)
    ds = from_arrays(X.astype(np.float32), y, val_fraction=val_fraction, seed=seed, task=task,
                     name=name or path.stem)
    ds.params.update(path=str(path), label=names[label_idx], feature_names=[names[i] for i in feature_idx])
    return ds


# ---- CSV helpers ----------------------------------------------------------------------------------------------
def _read_rows(path: Path, encoding: str, delimiter: str | None) -> list[tuple[int, list[str]]]:
    with path.open(newline="", encoding=encoding) as fh:
        text = fh.read()
    if delimiter is None:
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    rows = []
    for row in reader:
        if not row or all(not f.strip() for f in row):
            continue
        rows.append((reader.line_num, row))
    return rows


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _number(where: str, field: str, line: int, col: int, col_name: str) -> float:
    text = field.strip()
    if not text:
        raise ValueError(f"{where}: line {line}, column {col_name!r} (index {col}) is empty; missing values are not "
                         f"supported")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{where}: line {line}, column {col_name!r} (index {col}): {text!r} is not a number"
                         ) from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: line {line}, column {col_name!r} (index {col}): {text!r} is not a finite number")
    return value


def _label_index(where: str, label, names: list[str]) -> int:
    if isinstance(label, str):
        if label not in names:
            raise ValueError(f"{where}: no column named {label!r}; the columns are {names}")
        return names.index(label)
    if isinstance(label, bool) or not isinstance(label, int):
        raise TypeError(f"{where}: label must be a column index or a column name, got {label!r}")
    if not -len(names) <= label < len(names):
        raise ValueError(f"{where}: label={label} is out of range for {len(names)} columns")
    return label % len(names)


def _csv_labels(where: str, raw: list[str], lines: list[int], col: int, col_name: str, task: str | None):
    for text, line in zip(raw, lines, strict=True):
        if not text:
            raise ValueError(f"{where}: line {line}, label column {col_name!r} (index {col}) is empty")
    numeric = [_is_number(t) for t in raw]
    if all(numeric):
        values = np.array([float(t) for t in raw])
        if not np.all(np.isfinite(values)):
            bad = lines[int(np.flatnonzero(~np.isfinite(values))[0])]
            raise ValueError(f"{where}: line {bad}, label column {col_name!r}: not a finite number")
        whole = bool(np.all(values == np.round(values)))
        if task is None:
            few = len(np.unique(values)) <= MAX_INFERRED_CLASSES
            task = CLASSIFICATION if whole and few else REGRESSION
        if task == CLASSIFICATION:
            if not whole:
                bad = lines[int(np.flatnonzero(values != np.round(values))[0])]
                raise ValueError(f"{where}: line {bad}: class label {raw[lines.index(bad)]!r} is not a whole number")
            return values.astype(np.int64)
        return values.astype(np.float32)
    if task == REGRESSION:
        bad = numeric.index(False)
        raise ValueError(f"{where}: line {lines[bad]}, label column {col_name!r}: {raw[bad]!r} is not a number "
                         f"(task='regression' needs numeric targets)")
    return np.array(raw, dtype=object)


# ---- array helpers --------------------------------------------------------------------------------------------
def _as_numpy(a) -> np.ndarray:
    if isinstance(a, np.ndarray):
        return a
    if hasattr(a, "detach"):
        a = a.detach()
    if hasattr(a, "cpu") and not isinstance(a, np.ndarray):
        a = a.cpu()
    if hasattr(a, "numpy"):
        return np.asarray(a.numpy())
    return np.asarray(a)


def _features(where: str, what: str, X) -> np.ndarray:
    X = _as_numpy(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{where}: {what} must hold numbers, got dtype {X.dtype}")
    if X.ndim == 0:
        raise ValueError(f"{where}: {what} must have a sample dimension, got a scalar")
    if X.ndim == 1:
        X = X[:, None]
    X = X.astype(np.float32)
    finite = np.isfinite(X.reshape(len(X), -1)).all(axis=1)
    if not finite.all():
        raise ValueError(f"{where}: {what}[{int(np.flatnonzero(~finite)[0])}] holds NaN or inf")
    return X


def _infer_task(y: np.ndarray) -> str:
    return REGRESSION if y.dtype.kind in "fc" else CLASSIFICATION


def _labels(where: str, what: str, y: np.ndarray, task: str, class_names):
    """`(y, num_classes, class_names)` in the engine's layout for `task`."""
    if task == REGRESSION:
        if y.dtype.kind not in "biuf":
            raise TypeError(f"{where}: regression targets must be numbers, got dtype {y.dtype}")
        if class_names is not None:
            raise ValueError(f"{where}: class_names only apply to classification")
        y = y.astype(np.float32).reshape(len(y), -1)
        bad = ~np.isfinite(y).all(axis=1)
        if bad.any():
            raise ValueError(f"{where}: {what}[{int(np.flatnonzero(bad)[0])}] holds NaN or inf")
        return y, None, None
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{where}: class labels must have shape (N,) (one class per sample), got {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            i = int(np.flatnonzero(~np.isfinite(y) | (y != np.round(y)))[0])
            raise ValueError(f"{where}: class label {what}[{i}] = {y[i].item()!r} is not a whole number")
        y = y.astype(np.int64)
    if y.dtype.kind in "biu" and (y.size == 0 or y.min() >= 0):
        y = y.astype(np.int64)
        num_classes = int(y.max()) + 1 if y.size else 0
        names = None
    else:
        uniques, y = np.unique(y.astype(str) if y.dtype.kind in "OUS" else y, return_inverse=True)
        y = y.astype(np.int64).reshape(-1)
        num_classes, names = len(uniques), tuple(str(u) for u in uniques)
    if class_names is not None:
        names = tuple(str(n) for n in class_names)
        if len(names) != num_classes:
            raise ValueError(f"{where}: {len(names)} class_names given for {num_classes} classes")
    return y, num_classes, names
