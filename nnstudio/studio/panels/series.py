"""`SeriesReader`: copies only the new tail of a list another thread appends to, into a growing NumPy buffer."""

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
