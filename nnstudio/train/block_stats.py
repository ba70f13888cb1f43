"""`BlockStats`: live statistics of a few blocks of a trainer's model: their weights and their latest output.

>>> probe = BlockStats(trainer)
>>> probe.watch(["fc1"])              # a forward hook on model.fc1 keeps a reference to its latest output
>>> probe.stats()["fc1"]["output"]["mean"]

Cheap by design: the hook only keeps a reference to the output array of each forward (no copy, no math on the
training thread); `stats()` is called by whoever draws them, at their own pace (the Studio: a few times a second
from the trainer's event thread), and reads at most `sample` values of each array. The model may be swapped
(`Trainer.set_model`): the hooks follow it on the next `watch` or `stats` call.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from .._backend import to_numpy

BINS = 16
SAMPLE = 4096


def summarize(array: Any, bins: int = BINS, sample: int = SAMPLE) -> dict[str, Any]:
    """Mean, standard deviation, range and a histogram of ``array`` (any shape; at most ``sample`` evenly spaced
    values are read): ``{"shape", "mean", "std", "lo", "hi", "hist": [bins counts]}``; non-finite values are left
    out (``"nonfinite"`` counts them)."""
    data = np.asarray(to_numpy(array))
    flat = data.reshape(-1)
    if flat.size > sample:
        flat = flat[:: -(-flat.size // sample)]
    flat = flat.astype(np.float64, copy=False)
    finite = flat[np.isfinite(flat)]
    out: dict[str, Any] = {"shape": [int(s) for s in data.shape], "nonfinite": int(flat.size - finite.size)}
    if not finite.size:
        return {**out, "mean": math.nan, "std": math.nan, "lo": math.nan, "hi": math.nan, "hist": [0] * bins}
    lo, hi = float(finite.min()), float(finite.max())
    # bins of equal width over [lo, hi] (the last one closed), by one bincount: np.histogram costs 10x more here
    scale = bins / (hi - lo) if hi > lo else 0.0
    index = np.minimum(((finite - lo) * scale).astype(np.intp), bins - 1) if scale else np.full(finite.size,
                                                                                                   bins // 2)
    counts = np.bincount(index, minlength=bins)
    mean = finite.mean()
    centred = finite - mean
    std = math.sqrt(float(centred @ centred) / finite.size)
    return {**out, "mean": _short(mean), "std": _short(std), "lo": _short(lo), "hi": _short(hi),
            "hist": [int(c) for c in counts]}


def _short(x: float) -> float:
    """``x`` to 4 significant digits: what a label shows, and a short JSON number."""
    return float(f"{float(x):.4g}")


class BlockStats:
    """Statistics of the watched submodules of ``trainer.model`` (by their names: a graph's node names).

    Args:
        trainer: anything with a ``model`` attribute (an `nn.Module`), typically a `Trainer`.
        bins: histogram bins.
        sample: the most values read from one array.
    """

    def __init__(self, trainer: Any, bins: int = BINS, sample: int = SAMPLE) -> None:
        self.trainer = trainer
        self.bins, self.sample = bins, sample
        self._names: tuple[str, ...] = ()
        self._model: Any = None
        self._handles: list[Any] = []
        self._outputs: dict[str, Any] = {}
        self._modules: dict[str, Any] = {}

    @property
    def names(self) -> tuple[str, ...]:
        """The watched submodule names."""
        return self._names

    def watch(self, names: Iterable[str]) -> None:
        """Watch these submodules (names that are not submodules of the model, like an Add, are kept and give
        no statistics); the others are let go."""
        names = tuple(dict.fromkeys(names))
        if names != self._names or self._model is not self.trainer.model:
            self._names = names
            self._hook()

    def close(self) -> None:
        """Remove the hooks."""
        self._names = ()
        self._hook()

    def stats(self) -> dict[str, dict[str, Any]]:
        """``{name: {"weights": [{"name", "shape", "mean", "std", "lo", "hi", "hist"}], "output": {...} | None}}``
        for each watched submodule (output None until a forward ran since it was watched)."""
        if self._model is not self.trainer.model:
            self._hook()
        out = {}
        for name in self._names:
            module = self._module(name)
            if module is None:
                continue
            weights = [{"name": f"{name}.{pname}", **summarize(p._data, self.bins, self.sample)}
                       for pname, p in module.named_parameters()]
            latest = self._outputs.get(name)
            out[name] = {"weights": weights,
                         "output": None if latest is None else summarize(latest, self.bins, self.sample)}
        return out

    # ---- internals ----------------------------------------------------------------------------------------------
    def _module(self, name: str) -> Any:
        return self._modules.get(name) if name else None

    def _hook(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles, self._outputs = [], {}
        self._model = self.trainer.model
        self._modules = dict(self._model.named_modules()) if self._model is not None else {}
        for name in self._names:
            module = self._module(name)
            if module is not None:
                self._handles.append(module.register_forward_hook(self._keeper(name)))

    def _keeper(self, name: str):
        outputs = self._outputs

        def keep(_module: Any, _inputs: Any, output: Any) -> None:
            first = output[0] if isinstance(output, tuple | list) else output  # RNNs return (output, state)
            outputs[name] = getattr(first, "_data", first)  # the array only: no autograd graph is kept alive

        return keep
