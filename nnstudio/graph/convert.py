"""`from_module()`: the design of an ``nn.Sequential``, of a module made by `build()`, or (by `trace`) of any
module with a forward."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import GraphError
from .fields import FieldValueError
from .names import fresh_name, name_problem
from .registry import REGISTRY
from .spec import INPUT, LAYER, OUTPUT


def _read_config(module: Any, path: str) -> tuple[str, dict[str, Any]]:
    layer_type = type(module).__name__
    spec = REGISTRY.get(layer_type)
    if spec is None or spec.role != LAYER:
        placeable = ", ".join(n for n, s in REGISTRY.items() if s.role == LAYER)
        raise GraphError(f"{path} is a {layer_type}, which the builder cannot place (it places: {placeable})")
    try:
        raw = spec.from_module(module) if spec.from_module else {f.name: getattr(module, f.name) for f in spec.fields}
    except ValueError as exc:
        raise GraphError(f"{path}: {exc}") from None
    except AttributeError as exc:
        raise GraphError(f"{path}: cannot read the settings of this {layer_type} ({exc})") from None
    cfg = spec.defaults()
    for key, value in raw.items():
        try:
            cfg[key] = spec.field(key).check(value)
        except FieldValueError as exc:
            raise GraphError(f"{path} ({layer_type}): {exc}") from None
    return layer_type, cfg


def _flatten(module: Any, prefix: str) -> list[tuple[str, Any]]:
    """The leaf layers of nested Sequentials, with their dotted paths."""
    out = []
    for key, child in module.named_children():
        path = f"{prefix}.{key}" if prefix else key
        if type(child).__name__ == "Sequential":
            out += _flatten(child, path)
        else:
            out.append((path, child))
    return out


def from_module(module: Any, input_shape: Sequence[int], *, dtype: str | None = None, auto: bool = True,
                graph_class: type) -> Any:
    """See `ModelGraph.from_module`."""
    if hasattr(module, "_graph_json") and hasattr(module, "input_names"):
        graph = graph_class.from_json(module._graph_json)
        given = tuple(input_shape) if input_shape is not None else None
        first = graph.inputs[0] if graph.inputs else None
        if given is not None and first is not None and tuple(graph.nodes[first].config["shape"]) != given:
            raise GraphError(f"this module was built for input {first} shaped "
                             f"{tuple(graph.nodes[first].config['shape'])}, not {given}")
        _keep_weights(graph, lambda name: getattr(module, name, None))
        graph.clear_history()
        return graph
    kind = type(module).__name__
    if kind == "Sequential" and all(_is_library(m) for _, m in _flatten(module, "")):
        layers = _flatten(module, "")
    elif kind in REGISTRY and REGISTRY[kind].role == LAYER:
        layers = [("layer", module)]
    else:
        from .trace import trace

        return trace(module, input_shape, dtype=dtype, auto=auto, graph_class=graph_class)
    if not layers:
        raise GraphError("the Sequential is empty: there is no layer to place")
    read = [(path, *_read_config(m, path)) for path, m in layers]
    if dtype is None:
        dtype = "int64" if read[0][1] == "Embedding" else "float32"
    graph = graph_class()
    prev = graph.input("x", tuple(input_shape), dtype=dtype)
    by_name = {}
    for (path, layer_type, cfg), (_, layer) in zip(read, layers):
        name = path.replace(".", "_")
        if name_problem(name) or name in graph:
            name = fresh_name(REGISTRY[layer_type].prefix, graph.nodes)
        prev = graph.add(layer_type, name=name, inputs=[prev], **cfg)
        by_name[name] = layer
    graph.output(prev)
    if auto:
        _make_auto(graph)
    _keep_weights(graph, by_name.get)
    graph.clear_history()
    return graph


def _is_library(module: Any) -> bool:
    """A layer of nnstudio.nn or torch.nn (not a module the user wrote)."""
    return type(module).__module__.startswith(("nnstudio.nn", "torch.nn"))


def _keep_weights(graph: Any, layer_of: Any) -> None:
    """Keep the weights of the module's layers beside the design (for the nodes that infer without error)."""
    from .weights import _numpy, attach, state_of

    report = graph.infer_shapes()
    for name, node in graph.nodes.items():
        layer = layer_of(name)
        if layer is None or name not in report.resolved:
            continue
        if node.type == "Parameter":
            attach(graph, name, {"": _numpy(layer)})
        elif REGISTRY[node.type].role == LAYER:
            try:
                attach(graph, name, state_of(layer))
            except (AttributeError, TypeError):
                continue


def _make_auto(graph: Any) -> None:
    """Set sizes that follow from the input back to auto, where the inferred value equals the set one."""
    for name, node in list(graph.nodes.items()):
        spec = REGISTRY[node.type]
        if spec.role in (INPUT, OUTPUT):
            continue
        for f in spec.fields:
            if not f.auto or node.config[f.name] is None:
                continue
            kept = graph.infer_shapes()
            trial = graph.copy()
            trial.update(name, **{f.name: None})
            after = trial.infer_shapes()
            if name in after.resolved and name in kept.resolved and \
                    after.resolved[name][f.name] == kept.resolved[name][f.name] and after.ok == kept.ok:
                graph.update(name, **{f.name: None})
