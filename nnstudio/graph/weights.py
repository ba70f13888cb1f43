"""Initial weights a design may carry (from a traced or read module): per node, the settings they were made for.

A design is settings and wires; `from_module` also keeps the module's weights beside it, node by node, so that
``build()`` starts from them. A node keeps its weights only while its type and resolved settings stay those the
weights were made for: editing ``out_features`` (or anything that changes the node's resolved settings) gives
that node fresh weights, the others keep theirs. JSON holds designs only, never weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

#: the attribute of a ModelGraph holding node name -> (layer type, resolved settings, {state key: array})
ATTR = "_weights"


def _numpy(value: Any) -> np.ndarray:
    """A detached NumPy copy of an nnstudio or torch tensor."""
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    return np.array(value.numpy() if hasattr(value, "numpy") else value, copy=True)


def state_of(module: Any) -> dict[str, np.ndarray]:
    """``module.state_dict()`` as NumPy copies."""
    return {k: _numpy(v) for k, v in module.state_dict().items()}


def weights_of(graph: Any) -> dict[str, tuple[str, dict[str, Any], dict[str, np.ndarray]]]:
    """The graph's weight table (created empty on first use)."""
    table = getattr(graph, ATTR, None)
    if table is None:
        table = {}
        setattr(graph, ATTR, table)
    return table


def attach(graph: Any, name: str, state: Mapping[str, np.ndarray]) -> None:
    """Keep ``state`` (state-dict keys of the node's layer, or ``{"": array}`` for a Parameter node) as ``name``'s
    initial weights, for its current type and resolved settings (the graph must infer without error there)."""
    report = graph.infer_shapes()
    node = graph.nodes[name]
    weights_of(graph)[name] = (node.type, dict(report.resolved[name]), dict(state))


def matching(graph: Any, report: Any) -> dict[str, dict[str, np.ndarray]]:
    """Node name -> state for the nodes whose type and resolved settings are still those of their weights."""
    out = {}
    for name, (layer_type, cfg, state) in (getattr(graph, ATTR, None) or {}).items():
        node = graph.nodes.get(name)
        if node is not None and node.type == layer_type and dict(report.resolved.get(name, {})) == cfg:
            out[name] = state
    return out


def restore_weights(module: Any, graph: Any, report: Any) -> None:
    """Load the kept weights into a freshly built `GraphModule` (nodes that changed keep their fresh weights)."""
    import nnstudio

    for name, state in matching(graph, report).items():
        target = getattr(module, name)
        if graph.nodes[name].type == "Parameter":
            with nnstudio.no_grad():
                target.copy_(nnstudio.from_numpy(state[""].copy()))
            continue
        target.load_state_dict({k: nnstudio.from_numpy(v.copy()) for k, v in state.items()})
