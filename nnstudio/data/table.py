"""`Table`: a user's data as columns before it becomes a dataset: from CSV text (an upload), a NumPy array or a
pandas DataFrame. The Studio's data panel shows its preview, lets the user pick the target column, shows the task
inferred for it, and turns it into a `SplitDataset` with `to_dataset()`.

>>> t = Table.from_csv_bytes(open("iris.csv", "rb").read(), name="iris")
>>> t.columns, t.default_target, t.task_for("species")
(['sepal_length', ..., 'species'], 'species', 'classification')
>>> ds = t.to_dataset("species", val_fraction=0.2)

Every refusal is a `ValueError` whose message names the row (the file's line, or the array's row index) and the
column at fault: a ragged row, text or an empty field in a feature column, NaN or inf, a single class, a file or
table over the size limits.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

import numpy as np

from .dataset import CLASSIFICATION, REGRESSION, SplitDataset
from .user import MAX_INFERRED_CLASSES, from_arrays
from .user import _is_number as _parses

MAX_BYTES = 20 * 1024 * 1024  # the largest CSV upload the Studio parses (bigger: nnstudio.data.from_csv in code)
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELLS = 2_000_000
_MISSING = {"", "nan", "NaN", "NAN", "na", "NA", "N/A", "null", "NULL", "None"}


@dataclass
class Table:
    """Named columns of text fields, one row per sample.

    Attributes:
        name: what the data is called (the file name without .csv, or the variable name).
        columns: the column names (a header's, or "column 0", "column 1", ... when there is none).
        rows: the fields of each row, as text.
        where: for each row, how a message names it ("line 7" of a file, "row 3" of an array).
    """

    name: str
    columns: list[str]
    rows: list[list[str]]
    where: list[str]

    # ---- making one ---------------------------------------------------------------------------------------------
    @classmethod
    def from_csv_bytes(cls, data: bytes, name: str = "upload", encoding: str = "utf-8") -> Table:
        """Parse an uploaded CSV file (delimiter `,` `;` or tab, found on the first line; a header is detected)."""
        if len(data) > MAX_BYTES:
            raise ValueError(f"{name}: the file is {len(data) / 2**20:.1f} MB; the Studio takes CSV files up to "
                             f"{MAX_BYTES // 2**20} MB (load a larger one in code: nnstudio.data.from_csv)")
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ValueError(f"{name}: the file is not {encoding} text (byte {exc.start} cannot be read); save it "
                             f"as CSV (UTF-8)") from None
        return cls.from_csv_text(text.lstrip("\ufeff"), name)

    @classmethod
    def from_csv_text(cls, text: str, name: str = "upload") -> Table:
        lines = text.splitlines(keepends=True)
        first = next((ln for ln in lines if ln.strip()), "")
        delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
        reader = csv.reader(lines, delimiter=delimiter)
        parsed: list[tuple[int, list[str]]] = []
        for row in reader:
            if row and any(f.strip() for f in row):
                parsed.append((reader.line_num, [f.strip() for f in row]))
                if len(parsed) > MAX_ROWS + 1:
                    raise ValueError(f"{name}: more than {MAX_ROWS:,} rows; the Studio takes up to {MAX_ROWS:,}")
        if not parsed:
            raise ValueError(f"{name}: the file has no rows")
        first_line, head = parsed[0]
        width = len(head)
        if width < 2:
            raise ValueError(f"{name}: line {first_line} has a single column; need feature columns and a target "
                             f"column separated by ',', ';' or tabs")
        header = not any(_parses(f) for f in head)
        columns = [f or f"column {i}" for i, f in enumerate(head)] if header else [f"column {i}" for i in
                                                                                    range(width)]
        body = parsed[1:] if header else parsed
        if not body:
            raise ValueError(f"{name}: the file has a header but no data rows")
        first_name = "header" if header else "first line"
        for line, row in body:
            if len(row) != width:
                raise ValueError(f"{name}: line {line} has {len(row)} fields but the {first_name} (line {first_line}) "
                                 f"has {width}: a ragged row")
        table = cls(name, columns, [r for _, r in body], [f"line {ln}" for ln, _ in body])
        table._check_size()
        return table

    @classmethod
    def from_object(cls, obj, name: str = "data") -> Table:
        """A NumPy array of shape (N, columns) (the last column the target by default), or a pandas DataFrame."""
        if hasattr(obj, "columns") and hasattr(obj, "to_numpy"):  # a DataFrame (pandas or alike), not imported here
            columns = [str(c) for c in obj.columns]
            values = obj.to_numpy(dtype=object)
        else:
            values = np.asarray(obj)
            if values.ndim != 2:
                raise ValueError(f"{name}: need a 2-D array (one row per sample, the target in a column), got "
                                 f"shape {values.shape}")
            columns = [f"column {i}" for i in range(values.shape[1])]
        n, k = values.shape if values.ndim == 2 else (len(values), 0)
        if n > MAX_ROWS or k > MAX_COLUMNS or n * k > MAX_CELLS:
            raise ValueError(f"{name}: {n:,} rows x {k:,} columns is too large for the Studio (at most {MAX_ROWS:,} "
                             f"rows, {MAX_COLUMNS:,} columns, {MAX_CELLS:,} values); use Trainer(data=(X, y)) in code")
        if k < 2:
            raise ValueError(f"{name}: need at least two columns (features and a target), got {k}")
        rows = [[_text(v) for v in row] for row in values.tolist()]
        return cls(name, columns, rows, [f"row {i}" for i in range(n)])

    def _check_size(self) -> None:
        n, k = len(self.rows), len(self.columns)
        if n > MAX_ROWS or k > MAX_COLUMNS or n * k > MAX_CELLS:
            raise ValueError(f"{self.name}: {n:,} rows x {k:,} columns is too large for the Studio (at most "
                             f"{MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns, {MAX_CELLS:,} values)")

    # ---- looking at it ------------------------------------------------------------------------------------------
    @property
    def default_target(self) -> str:
        """The last column, or the last one holding text (class names) when only one does."""
        texty = [c for i, c in enumerate(self.columns) if not all(_is_number(r[i]) for r in self.rows[:200])]
        return texty[-1] if len(texty) == 1 else self.columns[-1]

    def task_for(self, target: str) -> str:
        """What a model would learn for `target`: "classification" (text, or whole numbers with at most 50
        distinct values) or "regression" (other numbers)."""
        values = [r[self._index(target)] for r in self.rows]
        values = [v for v in values if v not in _MISSING]  # refused by to_dataset, naming the row
        if not all(_is_number(v) for v in values):
            return CLASSIFICATION
        numbers = np.array([float(v) for v in values])
        whole = bool(np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers)))
        return CLASSIFICATION if whole and len(np.unique(numbers)) <= MAX_INFERRED_CLASSES else REGRESSION

    def describe_target(self, target: str) -> str:
        """One line for the panel, e.g. "classification: 3 classes (setosa, versicolor, virginica)"."""
        task = self.task_for(target)
        if task == REGRESSION:
            return "regression: predicts a number"
        classes = sorted({r[self._index(target)] for r in self.rows} - _MISSING)
        shown = ", ".join(classes[:6]) + (", ..." if len(classes) > 6 else "")
        return f"classification: {len(classes)} class{'es' if len(classes) != 1 else ''} ({shown})"

    def preview(self, n: int = 5) -> tuple[list[str], list[list[str]]]:
        """(columns, the first `n` rows)."""
        return self.columns, [list(r) for r in self.rows[:n]]

    def _index(self, target: str) -> int:
        if target not in self.columns:
            raise ValueError(f"{self.name}: no column named {target!r}; the columns are {self.columns}")
        return self.columns.index(target)

    # ---- the dataset --------------------------------------------------------------------------------------------
    def to_dataset(self, target: str | None = None, *, task: str | None = None, val_fraction: float = 0.2,
                   seed: int = 0) -> SplitDataset:
        """A `SplitDataset` with every other column as a float32 feature; refuses what cannot train (see module)."""
        target = target or self.default_target
        t = self._index(target)
        task = task or self.task_for(target)
        features = [i for i in range(len(self.columns)) if i != t]
        X = np.empty((len(self.rows), len(features)), dtype=np.float64)
        for r, row in enumerate(self.rows):
            for c, i in enumerate(features):
                X[r, c] = self._number(row[i], r, i, "feature")
        labels = [row[t] for row in self.rows]
        for r, v in enumerate(labels):
            if v in _MISSING:
                raise ValueError(f"{self.name}: {self.where[r]}, target column {target!r} is empty or NaN; every "
                                 f"sample needs a target")
        if task == REGRESSION:
            y = np.array([self._number(v, r, t, "target") for r, v in enumerate(labels)], dtype=np.float32)
        else:
            numeric = all(_is_number(v) for v in labels)
            y = np.array([float(v) for v in labels]) if numeric else np.array(labels, dtype=object)
            if numeric and not np.all(y == np.round(y)):
                r = int(np.flatnonzero(y != np.round(y))[0])
                raise ValueError(f"{self.name}: {self.where[r]}, target column {target!r}: {labels[r]!r} is not a "
                                 f"whole number, so it cannot be a class (choose regression)")
            if numeric:
                y = y.astype(np.int64)
            classes = np.unique(y.astype(str) if not numeric else y)
            if len(classes) < 2:
                raise ValueError(f"{self.name}: the target column {target!r} holds a single class ({classes[0]}); "
                                 f"a classifier needs at least two")
            if numeric and (y.min() < 0 or y.max() >= 2 * MAX_INFERRED_CLASSES):
                y = np.unique(y, return_inverse=True)[1].astype(np.int64)  # number the classes 0..k-1
        ds = from_arrays(X.astype(np.float32), y, val_fraction=val_fraction, seed=seed, task=task, name=self.name)
        ds.params.update(label=target, feature_names=[self.columns[i] for i in features])
        return ds

    def _number(self, text: str, r: int, col: int, kind: str) -> float:
        name = self.columns[col]
        if text in _MISSING:
            raise ValueError(f"{self.name}: {self.where[r]}, {kind} column {name!r} is empty or NaN; fill or drop "
                             f"the missing values first")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{self.name}: {self.where[r]}, {kind} column {name!r}: {text!r} is not a number "
                             f"(only the target column may hold text)") from None
        if not math.isfinite(value):
            raise ValueError(f"{self.name}: {self.where[r]}, {kind} column {name!r}: {text!r} is not a finite "
                             f"number")
        return value


def _is_number(text: str) -> bool:
    if text in _MISSING:
        return True  # a missing value says nothing about the column's kind (it is refused later, by name)
    try:
        float(text)
    except ValueError:
        return False
    return True


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v)
    if isinstance(v, (np.floating,)):
        return "nan" if np.isnan(v) else repr(float(v))
    return str(v).strip()
