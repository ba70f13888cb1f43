"""Reading a list another thread appends to, and thinning it for drawing.

`SeriesReader` copies only the new tail into a growing NumPy buffer. `EnvelopeSeries` keeps, for a per-step series
of any length, a fixed number of true `(step, value)` points: the smallest and the largest value of each of at most
`buckets` equal runs of steps, plus the first and the last step. Drawn as a line, that envelope looks like the whole
series (spikes included), its x-range always reaches the latest step, and each frame costs O(new steps + buckets).
"""

from __future__ import annotations

import numpy as np


class SeriesReader:
    """Reads `source[len(seen):]` each time: O(new items) per frame instead of O(all)."""

    def __init__(self):
        self._source_id = None
        self._buf = np.zeros(1024, dtype=np.float64)
        self._n = 0

    def read(self, source: list) -> np.ndarray:
        """All values of `source` so far as a float64 array (a view: copy before keeping it)."""
        if id(source) != self._source_id or len(source) < self._n:  # a new history (reset): start over
            self._source_id, self._n = id(source), 0
        tail = source[self._n:]
        if tail:
            need = self._n + len(tail)
            if need > len(self._buf):
                grown = np.zeros(max(need, 2 * len(self._buf)), dtype=np.float64)
                grown[:self._n] = self._buf[:self._n]
                self._buf = grown
            self._buf[self._n:need] = tail
            self._n = need
        return self._buf[:self._n]


class EnvelopeSeries:
    """The min/max envelope of a growing per-step list, updated incrementally.

    Complete buckets of `size` steps keep the indices of their smallest and largest value; when there are more
    than `buckets` of them, neighbours merge in pairs (`size` doubles). The unfinished tail adds its own min, max and
    last index. Every point returned is a real sample: `y[i] == source[x[i] - 1]`.
    """

    def __init__(self, buckets: int = 500):
        if buckets < 2:
            raise ValueError(f"buckets must be >= 2, got {buckets}")
        self.buckets = buckets
        self.reader = SeriesReader()
        self._source_id = None
        self._clear()

    def _clear(self) -> None:
        self.size = 1  # steps per complete bucket
        self._done = 0  # steps summarised in complete buckets
        self._min = np.zeros(0, dtype=np.int64)
        self._max = np.zeros(0, dtype=np.int64)

    def read(self, source: list) -> tuple[np.ndarray, np.ndarray]:
        """`(steps, values)` of the envelope of `source` so far: float64 arrays of at most 2 * buckets + 4 points,
        steps counted from 1, the last one `len(source)`."""
        y = self.reader.read(source)
        n = len(y)
        if id(source) != self._source_id or n < self._done:  # a new history (reset): start over
            self._source_id = id(source)
            self._clear()
        while True:
            k = self.size
            full = (n - self._done) // k
            if full:
                seg = y[self._done:self._done + full * k].reshape(full, k)
                base = self._done + k * np.arange(full, dtype=np.int64)
                self._min = np.concatenate([self._min, base + seg.argmin(1)])
                self._max = np.concatenate([self._max, base + seg.argmax(1)])
                self._done += full * k
            if len(self._min) <= self.buckets:
                break
            self._merge_pairs(y)
        tail = y[self._done:n]
        parts = [self._min, self._max, np.array([0, n - 1], dtype=np.int64) if n else np.zeros(0, np.int64)]
        if tail.size:
            parts.append(self._done + np.array([tail.argmin(), tail.argmax()], dtype=np.int64))
        idx = np.unique(np.concatenate(parts))
        return (idx + 1).astype(np.float64), y[idx].copy()

    def _merge_pairs(self, y: np.ndarray) -> None:
        m = len(self._min) // 2 * 2
        a, b = self._min[0:m:2], self._min[1:m:2]
        lo = np.where(y[a] <= y[b], a, b)
        a, b = self._max[0:m:2], self._max[1:m:2]
        hi = np.where(y[a] >= y[b], a, b)
        if m < len(self._min):  # an odd bucket out goes back to the tail
            self._done -= self.size
        self._min, self._max = lo, hi
        self.size *= 2


def envelope(y, x=None, max_points: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """`(x, y)` with at most about `max_points` true points of the series: all of it when short enough, else the
    min and max of equal buckets plus the first and last point (O(n); `EnvelopeSeries` is the incremental one).
    `x` defaults to 1..n."""
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    x = np.arange(1, n + 1, dtype=np.float64) if x is None else np.asarray(x, dtype=np.float64)
    if n <= max_points:
        return x, y
    k = -(-n // max(1, max_points // 2))
    pad = -n % k  # fill the last bucket with its own last value (a real sample)
    seg = np.concatenate([y, np.full(pad, y[-1])]).reshape(-1, k)
    base = k * np.arange(len(seg))
    lo = np.minimum(base + _finite_or(seg, np.inf).argmin(1), n - 1)
    hi = np.minimum(base + _finite_or(seg, -np.inf).argmax(1), n - 1)
    idx = np.unique(np.concatenate([lo, hi, [0, n - 1]]))
    return x[idx], y[idx]


def _finite_or(a: np.ndarray, fill: float) -> np.ndarray:
    return np.where(np.isfinite(a), a, fill)


EPOCH_COLUMNS = ("train_loss", "val_loss", "train_accuracy", "val_accuracy")


def epoch_columns(history) -> tuple[np.ndarray, np.ndarray, dict, int]:
    """`(epoch_step, epoch, columns, n)` copied under the history's lock: the step and number of each finished
    epoch, its train/validation loss and accuracy (`EPOCH_COLUMNS`), and `n`, the epochs every column holds."""
    with history.lock:
        epoch_step = np.asarray(history["epoch_step"], dtype=np.float64)
        epochs = np.asarray(history["epoch"], dtype=np.float64)
        cols = {k: np.asarray(history[k], dtype=np.float64) for k in EPOCH_COLUMNS}
    n = min(len(epoch_step), *(len(v) for v in cols.values()))
    return epoch_step, epochs, cols, n


def grad_norms(history, names) -> tuple[np.ndarray, dict]:
    """`(steps, {name: norms})`: the steps at which gradient norms were recorded and each parameter's norms."""
    with history.lock:
        steps = np.asarray(history["grad_step"], dtype=np.float64)
        series = {n: np.asarray(history["grad_norm"][n], dtype=np.float64) for n in names}
    return steps, series
