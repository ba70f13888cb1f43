"""Samplers (torch.utils.data.sampler): the order in which a DataLoader visits a dataset's indices.

`DataLoader(dataset, sampler=RandomSampler(dataset, generator=g))` visits the indices in torch's own order for
the same seed: permutations come from `nnstudio.randperm` (torch's CPU algorithm for a seeded Generator),
looked up on the package at each draw as torch's sampler does.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence, Sized

from ..._random import Generator, draw_seed


def _package():
    import nnstudio  # the package itself: its randperm / randint, looked up at each draw

    return nnstudio


class Sampler:
    """Base class: a subclass yields dataset indices from `__iter__` (and may give `__len__`)."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


class SequentialSampler(Sampler):
    """Indices 0 .. len(data_source) - 1 in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


def _own_generator(generator: Generator | None) -> Generator:
    """The generator to draw from: the given one, or (as torch) a fresh one seeded from the global stream."""
    if generator is not None:
        return generator
    return Generator().manual_seed(draw_seed())


class RandomSampler(Sampler):
    """Indices in a random order: a fresh permutation per pass (replacement=False), or `num_samples` indices
    drawn uniformly with replacement, 32 at a time as torch does.

    Args: data_source (sized), replacement (bool), num_samples (default len(data_source); more than that
    without replacement concatenates permutations), generator (a seeded Generator gives torch's permutations).
    """

    def __init__(self, data_source: Sized, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        self.data_source, self.replacement, self._num_samples = data_source, replacement, num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or isinstance(self.num_samples, bool) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = _own_generator(self.generator)
        lib = _package()
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield from lib.randint(high=n, size=(32,), dtype=lib.int64, generator=generator).tolist()
            yield from lib.randint(high=n, size=(self.num_samples % 32,), dtype=lib.int64,
                                   generator=generator).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from lib.randperm(n, generator=generator).tolist()
            # drawn even when nothing is left over, as torch does (the next pass then starts where torch's does)
            yield from lib.randperm(n, generator=generator).tolist()[:self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given `indices` in a random order (a fresh permutation per pass)."""

    def __init__(self, indices, generator: Generator | None = None) -> None:
        self.indices, self.generator = indices, generator

    def __iter__(self) -> Iterator:
        for i in _package().randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler):
    """Lists of `batch_size` indices from `sampler`; the last shorter one is kept unless drop_last."""

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self) -> Iterator[list]:
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probabilities proportional to `weights` (torch.multinomial)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        torch = _package()
        self.weights = torch.as_tensor(weights, dtype=torch.float64)
        if self.weights.dim() != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(self.weights.shape)}")
        self.num_samples, self.replacement, self.generator = num_samples, replacement, generator

    def __iter__(self) -> Iterator[int]:
        torch = _package()
        rand = torch.multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator)
        yield from iter(rand.tolist())

    def __len__(self) -> int:
        return self.num_samples
