"""`infer_shapes`: output shape, parameter count and error of every node, without building anything.

It never raises on a design: each problem becomes one sentence on the node at fault (a wrong shape, a missing or
extra input, a cycle, a dangling block), and the nodes downstream of a problem are *blocked*: they get no shape
rather than a made-up one.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .node import Node
from .registry import REGISTRY
from .shapes import fmt, numel
from .spec import INPUT, OUTPUT, Ctx, Shape, ShapeError, Value

MAX_VALUES = 1 << 28  # values per sample one node may output (268,435,456: a GiB of float32)
MAX_PARAMS = 1 << 30  # parameters one design may hold (1,073,741,824: 4 GiB of float32)
_DTYPE_NAME = {"float": "float32", "long": "int64"}


@dataclass(frozen=True)
class ShapeReport:
    """What `ModelGraph.infer_shapes()` returns (read-only mappings keyed by node name).

    Attributes:
        shapes: output shape without the batch dimension, for every node that has one.
        dtypes: "float32" or "int64" for the same nodes.
        params: parameter count of every node with a shape.
        errors: one sentence per node at fault, starting with the node's name.
        blocked: nodes downstream of a problem (no shape, no error of their own).
        graph_errors: problems of the whole design (an empty design, too many parameters).
        order: every node in topological order (stable: insertion order among equals; a cycle's nodes last).
        depth: longest path from an input, for a top-to-bottom layout.
        resolved: each shaped node's config with the auto fields filled from its input.
    """

    shapes: Mapping[str, Shape]
    dtypes: Mapping[str, str]
    params: Mapping[str, int]
    errors: Mapping[str, str]
    blocked: frozenset[str]
    graph_errors: tuple[str, ...]
    order: tuple[str, ...]
    depth: Mapping[str, int]
    resolved: Mapping[str, Mapping[str, Any]]

    @property
    def ok(self) -> bool:
        """True when the design builds: no node error and no design error."""
        return not self.errors and not self.graph_errors

    @property
    def total_params(self) -> int:
        """The parameter count of all nodes with a shape."""
        return sum(self.params.values())

    def problems(self) -> list[str]:
        """Every error sentence: the design's, then the nodes' in topological order."""
        return [*self.graph_errors, *(self.errors[n] for n in self.order if n in self.errors)]

    def status(self, name: str) -> str:
        """"ok", "error" or "blocked" for one node."""
        return "error" if name in self.errors else "blocked" if name in self.blocked else "ok"

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"{len(self.errors) + len(self.graph_errors)} error(s)"
        return f"ShapeReport({len(self.order)} nodes, {state}, {self.total_params:,} parameters)"


def _topological(nodes: Mapping[str, Node], consumers: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Kahn's order, ties broken by insertion order; returns (order, nodes on or after a cycle)."""
    rank = {n: i for i, n in enumerate(nodes)}
    indeg = {n: len(node.inputs) for n, node in nodes.items()}
    heap = [rank[n] for n, d in indeg.items() if d == 0]
    heapq.heapify(heap)
    names = list(nodes)
    order = []
    while heap:
        n = names[heapq.heappop(heap)]
        order.append(n)
        for c in consumers[n]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, rank[c])
    done = set(order)
    return order, [n for n in names if n not in done]


def _cycle_through(start: str, consumers: dict[str, list[str]], allowed: set[str]) -> list[str] | None:
    """A shortest cycle start -> ... -> start along wires among ``allowed`` nodes, or None."""
    parent: dict[str, str] = {}
    frontier, seen = [start], {start}
    while frontier:
        nxt = []
        for n in frontier:
            for c in consumers[n]:
                if c == start:
                    path = [n]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [*reversed(path), start]
                if c in allowed and c not in seen:
                    seen.add(c)
                    parent[c] = n
                    nxt.append(c)
        frontier = nxt
    return None


def infer(nodes: Mapping[str, Node]) -> ShapeReport:
    """Shape inference over ``nodes`` (name -> Node, inputs referring to names in ``nodes``)."""
    consumers: dict[str, list[str]] = {n: [] for n in nodes}
    for n, node in nodes.items():
        for s in node.inputs:
            consumers[s].append(n)
    order, stuck = _topological(nodes, consumers)
    errors: dict[str, str] = {}
    blocked: set[str] = set()
    values: dict[str, Value] = {}
    params: dict[str, int] = {}
    resolved: dict[str, Mapping[str, Any]] = {}
    graph_errors: list[str] = []
    if not nodes:
        graph_errors.append("the design is empty: add an Input, some layers and an Output")

    stuck_set = set(stuck)
    for n in stuck:
        cycle = _cycle_through(n, consumers, stuck_set)
        if cycle:
            errors[n] = f"{n} is on a cycle ({' → '.join(cycle)}): data must flow one way, so remove one of these wires"
        else:
            blocked.add(n)

    for n in order:
        node = nodes[n]
        spec = REGISTRY[node.type]
        k, (lo, hi) = len(node.inputs), spec.inputs
        if k < lo:
            if k == 0:
                errors[n] = f"{n} has no input: wire a block into it"
            else:
                errors[n] = f"{n}: {node.type} needs at least {lo} inputs, but only {k} {'is' if k == 1 else 'are'} " \
                            f"wired in"
            continue
        if hi is not None and k > hi:
            what = "1 input" if hi == 1 else f"at most {hi} inputs"
            errors[n] = f"{n}: {node.type} takes {what}, but {k} are wired in ({', '.join(node.inputs)}); join them " \
                        f"with an Add or a Concat first"
            continue
        if any(s not in values for s in node.inputs):
            blocked.add(n)
            continue
        ins = [values[s] for s in node.inputs]
        problem = _dtype_problem(n, node, spec.dtype, ins)
        if problem:
            errors[n] = problem
            continue
        ctx = Ctx(n, node.type, ins, list(node.inputs), dict(node.config))
        try:
            shape = tuple(int(s) for s in spec.rule(ctx))
            count = int(spec.params(ctx.cfg))
        except ShapeError as exc:
            errors[n] = f"{n}: {exc}"
            continue
        except Exception as exc:  # a rule must never take inference down: report it on the node
            errors[n] = f"{n}: could not work out the shape of this {node.type} ({type(exc).__name__}: {exc})"
            continue
        if numel(shape) > MAX_VALUES:
            errors[n] = f"{n}: its output {fmt(shape)} would hold {numel(shape):,} values per sample, more than the " \
                        f"{MAX_VALUES:,} a design may use"
            continue
        if count > MAX_PARAMS:
            errors[n] = f"{n}: it would need {count:,} parameters, more than the {MAX_PARAMS:,} a design may hold"
            continue
        if spec.role == INPUT:
            dtype = "long" if node.config.get("dtype") == "int64" else "float"
        elif spec.dtype == "any":
            dtype = ins[0].dtype
        else:
            dtype = "float"
        values[n] = Value(shape, dtype)
        params[n] = count
        resolved[n] = MappingProxyType(ctx.cfg)

    from_input: set[str] = set()  # the nodes whose value depends on the data (an Input upstream)
    for n in order:
        if REGISTRY[nodes[n].type].role == INPUT or any(s in from_input for s in nodes[n].inputs):
            from_input.add(n)
    for n in order:
        if REGISTRY[nodes[n].type].role == OUTPUT and n in values and n not in from_input:
            del values[n], params[n]
            errors[n] = f"{n} does not depend on any Input: it would give every sample the same value; wire the " \
                        f"data into the blocks that feed it"

    for n in nodes:
        if consumers[n] or n in errors or n in blocked or REGISTRY[nodes[n].type].role == OUTPUT:
            continue
        if REGISTRY[nodes[n].type].role == INPUT:
            errors[n] = f"{n} is not wired into any block"
        else:
            errors[n] = f"{n}: its output goes nowhere; wire it into another block or an Output"

    total = sum(params.values())
    if total > MAX_PARAMS:
        graph_errors.append(f"the design would need {total:,} parameters, more than the {MAX_PARAMS:,} it may hold")

    depth = _depths(nodes, order, stuck)
    return ShapeReport(
        shapes=MappingProxyType({n: v.shape for n, v in values.items()}),
        dtypes=MappingProxyType({n: _DTYPE_NAME[v.dtype] for n, v in values.items()}),
        params=MappingProxyType(params), errors=MappingProxyType(errors), blocked=frozenset(blocked),
        graph_errors=tuple(graph_errors), order=tuple(order + stuck), depth=MappingProxyType(depth),
        resolved=MappingProxyType(resolved))


def _dtype_problem(n: str, node: Node, need: str, ins: list[Value]) -> str | None:
    if need == "float":
        for src, v in zip(node.inputs, ins):
            if v.dtype == "long":
                return f"{n}: {node.type} needs float32 values, but {src} gives int64 token ids; put an Embedding " \
                       f"first"
    elif need == "long" and ins[0].dtype != "long":
        return f"{n}: {node.type} looks up int64 token ids, but {node.inputs[0]} gives float32 values; set the " \
               f"Input's dtype to int64"
    return None


def _depths(nodes: Mapping[str, Node], order: list[str], stuck: list[str]) -> dict[str, int]:
    depth: dict[str, int] = {}
    for n in order:
        depth[n] = 1 + max((depth[s] for s in nodes[n].inputs), default=-1)
    top = max(depth.values(), default=-1)
    for i, n in enumerate(stuck):
        depth[n] = top + 1 + i
    return depth
