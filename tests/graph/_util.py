"""Helpers for the graph tests: one-layer designs, and running a layer spec's call convention under torch."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnstudio.graph import ModelGraph, registry
from nnstudio.graph.spec import CALL_ATTENTION, CALL_FIRST


def one_layer(layer_type: str, *inputs: tuple, **config: Any) -> ModelGraph:
    """Inputs x0, x1 ... (each ``shape`` or ``(shape, dtype)``) -> the layer -> Output."""
    g = ModelGraph()
    names = []
    for i, item in enumerate(inputs):
        shape, dtype = item if len(item) == 2 and isinstance(item[1], str) else (item, "float32")
        names.append(g.input(f"x{i}", shape, dtype=dtype))
    g.add(layer_type, name="layer", inputs=names, **config)
    g.output("layer")
    return g


def torch_layer(layer_type: str, resolved: dict[str, Any]):
    import torch

    return getattr(torch.nn, layer_type)(**dict(resolved), **registry.get(layer_type).fixed)


def torch_call(layer_type: str, module: Any, xs: list) -> Any:
    call = registry.get(layer_type).call
    if call == CALL_FIRST:
        return module(*xs)[0]
    if call == CALL_ATTENTION:
        q = xs[0]
        k = xs[1] if len(xs) > 1 else q
        v = xs[2] if len(xs) > 2 else k
        return module(q, k, v, need_weights=False)[0]
    return module(*xs)


def numpy_inputs(graph: ModelGraph, batch: int = 2, seed: int = 0) -> list[np.ndarray]:
    return [t.detach().numpy() for t in graph.example_inputs(batch, seed)]


def n_params(module: Any) -> int:
    return sum(int(np.prod(tuple(p.shape))) for p in module.parameters())
