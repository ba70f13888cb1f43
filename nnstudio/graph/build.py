"""`build()`: a design -> `GraphModule`, an ``nn.Module`` whose submodules are named after the nodes."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

import nnstudio
from nnstudio import nn

from .errors import GraphBuildError
from .registry import REGISTRY
from .shapes import fmt
from .spec import CALL_ATTENTION, CALL_FIRST, INPUT, LAYER
from .weights import restore_weights

#: what forward does for the nodes that are not layers: fn(inputs, config) -> tensor
OPS: dict[str, Callable[[list[Any], dict[str, Any]], Any]] = {
    "Add": lambda xs, c: functools.reduce(operator.add, xs),
    "Multiply": lambda xs, c: functools.reduce(operator.mul, xs),
    "Concat": lambda xs, c: nnstudio.cat(xs, dim=c["dim"]),
    "Select": lambda xs, c: xs[0].select(c["dim"], c["index"]),
    "Mean": lambda xs, c: xs[0].mean(dim=c["dim"], keepdim=c["keepdim"]),
    "Permute": lambda xs, c: xs[0].permute(*c["dims"]),
    "Scale": lambda xs, c: xs[0] * c["factor"],
    "Slice": lambda xs, c: xs[0][(slice(None),) * (c["dim"] % xs[0].dim()) + (slice(c["start"], c["end"]),)],
    "Output": lambda xs, c: xs[0],
}


def make_layer(layer_type: str, config: dict[str, Any]) -> nn.Module:
    """The ``nnstudio.nn`` module of a layer node from its resolved config (plus the spec's fixed arguments)."""
    spec = REGISTRY[layer_type]
    cls = getattr(nn, layer_type, None)
    if cls is None:
        raise GraphBuildError([f"{layer_type} is not in nnstudio.nn yet"])
    return cls(**dict(config), **spec.fixed)


class GraphModule(nn.Module):
    """A model built from a `ModelGraph`: one submodule per layer node (named after it), forward runs the nodes
    in topological order. ``forward(*inputs)`` takes one tensor per Input (in the graph's order), each shaped
    (N, *shape), and returns the Output's tensor (a tuple when there are several Outputs).

    ``module.graph`` gives the design back (a new `ModelGraph`).
    """

    def __init__(self, graph: Any) -> None:
        super().__init__()
        report = graph.infer_shapes()
        if not report.ok:
            raise GraphBuildError(report.problems())
        nodes = graph.nodes
        self.input_names = tuple(graph.inputs)
        self.output_names = tuple(graph.outputs)
        self._input_shapes = tuple(tuple(report.shapes[n]) for n in self.input_names)
        self._output_shapes = tuple(tuple(report.shapes[n]) for n in self.output_names)
        steps = []
        for name in report.order:
            node = nodes[name]
            spec = REGISTRY[node.type]
            cfg = dict(report.resolved[name])
            if spec.role == INPUT:
                continue
            if spec.role == LAYER:
                setattr(self, name, make_layer(node.type, cfg))
            elif node.type == "Parameter":  # a learned tensor used in forward (a position embedding)
                setattr(self, name, nn.Parameter(nnstudio.zeros(*cfg["shape"])))
            steps.append((name, node.type, spec.role, spec.call, tuple(node.inputs), cfg))
        last_use: dict[str, int] = {}
        for i, (_, _, _, _, ins, _) in enumerate(steps):
            for s in ins:
                last_use[s] = i
        keep = set(self.output_names)
        self._steps = tuple((*step, tuple(s for s in step[4] if last_use[s] == i and s not in keep))
                            for i, step in enumerate(steps))
        self._graph_json = graph.to_json()
        self._param_count = report.total_params
        restore_weights(self, graph, report)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Shown as a cell's last value: the diagram of the design it was built from, with shapes."""
        from .diagram import mimebundle

        bundle = mimebundle(self.graph)
        bundle["text/plain"] = repr(self)
        return bundle

    @property
    def graph(self) -> Any:
        """The design this module was built from (a new `ModelGraph`)."""
        from .model_graph import ModelGraph

        return ModelGraph.from_json(self._graph_json)

    def forward(self, *inputs: Any) -> Any:
        if len(inputs) != len(self.input_names):
            raise TypeError(f"GraphModule.forward takes {len(self.input_names)} input(s) "
                            f"({', '.join(self.input_names)}), got {len(inputs)}")
        env: dict[str, Any] = {}
        for name, shape, t in zip(self.input_names, self._input_shapes, inputs):
            got = tuple(getattr(t, "shape", ()))
            if got[1:] != shape:
                raise ValueError(f"input {name} must be shaped (N, {fmt(shape)[1:-1].rstrip(',')}) (a batch of "
                                 f"{fmt(shape)}), got {got}")
            env[name] = t
        for name, type_, role, call, ins, cfg, free in self._steps:
            xs = [env[s] for s in ins]
            if role == LAYER:
                layer = getattr(self, name)
                if call == CALL_FIRST:
                    out = layer(*xs)[0]
                elif call == CALL_ATTENTION:
                    q = xs[0]
                    k = xs[1] if len(xs) > 1 else q
                    v = xs[2] if len(xs) > 2 else k
                    out = layer(q, k, v, need_weights=False)[0]
                else:
                    out = layer(*xs)
            elif type_ == "Parameter":
                out = getattr(self, name)
            else:
                out = OPS[type_](xs, cfg)
            env[name] = out
            for s in free:
                del env[s]
        outs = tuple(env[n] for n in self.output_names)
        return outs[0] if len(outs) == 1 else outs

    def extra_repr(self) -> str:
        ins = ", ".join(f"{n}: (N, {fmt(s)[1:-1].rstrip(',')})" for n, s in zip(self.input_names, self._input_shapes))
        outs = ", ".join(f"{n}: (N, {fmt(s)[1:-1].rstrip(',')})"
                         for n, s in zip(self.output_names, self._output_shapes))
        return f"inputs=[{ins}], outputs=[{outs}], parameters={self._param_count:,}"


def build(graph: Any) -> GraphModule:
    """Build ``graph`` into a fresh `GraphModule` (random initial weights, as torch's layers)."""
    return GraphModule(graph)


def example_inputs(graph: Any, batch_size: int = 2, seed: int | None = 0) -> tuple:
    """Random tensors for ``graph``'s Inputs: normal floats, or int64 ids below the smallest vocabulary of the
    graph's Embeddings (10 without one)."""
    import numpy as np

    report = graph.infer_shapes()
    rng = np.random.default_rng(seed)
    vocab = min((report.resolved[n]["num_embeddings"] for n, node in graph.nodes.items()
                 if node.type == "Embedding" and n in report.resolved), default=10)
    out = []
    for name in graph.inputs:
        node = graph.nodes[name]
        shape = (batch_size, *node.config["shape"])
        if node.config["dtype"] == "int64":
            out.append(nnstudio.from_numpy(rng.integers(0, vocab, shape, dtype=np.int64)))
        else:
            out.append(nnstudio.from_numpy(rng.standard_normal(shape).astype(np.float32)))
    return tuple(out)

