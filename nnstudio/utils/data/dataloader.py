"""`DataLoader`: batches of a dataset, optionally shuffled with the library's seed."""

from __future__ import annotations

import itertools

import numpy as np

from ..._random import Generator, draw_base_seed, draw_seed
from ...tensor import Tensor
from ._utils.collate import default_collate, default_convert

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]
from .dataset import Dataset, TensorDataset


class DataLoader:
    """Iterate over `dataset` in batches.

    Args: batch_size (default 1), shuffle (reshuffled each epoch from the library's seed, or from `generator`
    in the same order as torch for the same seed), drop_last, collate_fn. A `TensorDataset` is batched by
    slicing (no per-sample Python loop).
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool = False, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn=None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn=None, generator=None,
                 multiprocessing_context=None, prefetch_factor=None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True):
        if batch_size is not None and (not isinstance(batch_size, int) or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        automatic = batch_size is not None or batch_sampler is not None  # torch's auto-collation
        self.collate_fn = collate_fn or (default_collate if automatic else default_convert)
        self._custom_collate = collate_fn is not None
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            self.batch_size = None
        self.num_workers = num_workers
        self.generator = generator
        self.pin_memory = pin_memory
        from .iterable import IterableDataset

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable and (shuffle or sampler is not None or batch_sampler is not None):
            raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle, sampler and "
                             "batch_sampler options")

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        draw_base_seed(self.generator)
        if self.sampler is not None:
            return np.asarray(list(iter(self.sampler)))
        if not self.shuffle:
            return np.arange(n)
        # torch's RandomSampler without a generator seeds a fresh one from the global stream for each pass
        self._pass_generator = self.generator or Generator().manual_seed(draw_seed())
        return self._randperm(n)

    def _randperm(self, n: int) -> np.ndarray:
        from ... import randperm  # looked up on the package each time, as torch's RandomSampler does
        return randperm(n, generator=self._pass_generator).numpy()

    def _exhaust_sampler(self) -> None:
        """torch's RandomSampler draws one more (unused) permutation when it runs out, at the moment the
        batch sampler asks past its end; draw it too, at the same moment, so that later draws from the same
        generator (the next epoch's shuffle) stay torch's."""
        if self.shuffle and self.sampler is None:
            self._randperm(len(self.dataset))

    def __iter__(self):
        if self.pin_memory:
            _warn_pin_memory_without_accelerator()
        if self.batch_sampler is not None:
            draw_base_seed(self.generator)  # torch's iterator draws its base seed whatever the sampler
            for idx in self.batch_sampler:
                yield self.collate_fn([self.dataset[int(i)] for i in idx])
            return
        if self._iterable:
            yield from self._iter_stream()
            return
        if self.sampler is not None:
            yield from self._iter_sampler()
            return
        order = self._order()
        if self.batch_size is None:
            for i in order:
                yield self.collate_fn(self.dataset[int(i)])
            self._exhaust_sampler()
            return
        fast = isinstance(self.dataset, TensorDataset) and not self._custom_collate
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            if len(idx) < self.batch_size:  # the sampler ran out while this batch was filled
                self._exhaust_sampler()
                if self.drop_last:
                    return
            if fast:
                yield [Tensor._wrap(t._data[idx], None) for t in self.dataset.tensors]
            else:
                yield self.collate_fn([self.dataset[int(i)] for i in idx])
            if len(idx) < self.batch_size:
                return
        self._exhaust_sampler()  # asked for a batch after the last full one

    def _iter_sampler(self):
        """Batches of the indices of a given `sampler`, taken from it only as batches are asked for, as torch
        does: a sampler that draws random numbers (RandomSampler) draws them at torch's moments."""
        draw_base_seed(self.generator)
        it = iter(self.sampler)
        if self.batch_size is None:
            for i in it:
                yield self.collate_fn(self.dataset[int(i)])
            return
        fast = isinstance(self.dataset, TensorDataset) and not self._custom_collate
        while True:
            idx = list(itertools.islice(it, self.batch_size))
            if not idx or (self.drop_last and len(idx) < self.batch_size):
                return
            if fast:
                yield [Tensor._wrap(t._data[np.asarray(idx, dtype=np.int64)], None) for t in self.dataset.tensors]
            else:
                yield self.collate_fn([self.dataset[int(i)] for i in idx])

    def _iter_stream(self):
        """Batches of an IterableDataset's stream, in its order."""
        it = iter(self.dataset)
        if self.batch_size is None:
            for sample in it:
                yield self.collate_fn(sample)
            return
        while True:
            items = list(itertools.islice(it, self.batch_size))
            if not items or (self.drop_last and len(items) < self.batch_size):
                return
            yield self.collate_fn(items)


def get_worker_info():
    """None: nnstudio's DataLoader loads in the main process (num_workers is accepted, no worker is started)."""
    return None


def _warn_pin_memory_without_accelerator() -> None:
    """torch's warning for `pin_memory=True` on a machine without a GPU (pinning then does nothing)."""
    from ... import cuda

    if not cuda.is_available():
        import warnings

        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned memory "
                      "won't be used.", UserWarning, stacklevel=3)
