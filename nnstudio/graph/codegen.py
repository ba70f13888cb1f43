"""`to_code()`: a design as the Python a teacher would write on the board, for nnstudio or for PyTorch.

The code defines one ``nn.Module`` class whose attribute names are the node names, so its ``state_dict()`` keys
match the built module's and the weights move between them (and between nnstudio and torch) unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import GraphBuildError
from .registry import REGISTRY
from .spec import CALL_ATTENTION, CALL_FIRST, INPUT, LAYER, OUTPUT, LayerSpec

FLAVORS = {
    "nnstudio": ("nnstudio", "import nnstudio", "from nnstudio import nn"),
    "torch": ("torch", "import torch", "from torch import nn"),
}


#: the expression forward writes for each tensor operation: fn(input variable names, config, library name)
OP_CODE: dict[str, Callable[[list[str], dict[str, Any], str], str]] = {
    "Add": lambda ins, c, lib: " + ".join(ins),
    "Multiply": lambda ins, c, lib: " * ".join(ins),
    "Concat": lambda ins, c, lib: f"{lib}.cat([{', '.join(ins)}], dim={c['dim']})",
    "Select": lambda ins, c, lib: f"{ins[0]}.select({c['dim']}, {c['index']})",
    "Mean": lambda ins, c, lib: f"{ins[0]}.mean(dim={c['dim']}{', keepdim=True' if c['keepdim'] else ''})",
    "Permute": lambda ins, c, lib: f"{ins[0]}.permute({', '.join(map(str, c['dims']))})",
    "Scale": lambda ins, c, lib: f"{ins[0]} * {c['factor']!r}",
    "Slice": lambda ins, c, lib: f"{ins[0]}[{_slice_index(c)}]",
}


def _slice_index(c: dict[str, Any]) -> str:
    """``:, 2:5`` for dim=1 (or ``..., 2:5`` for a negative dim)."""
    cut = f"{c['start'] or ''}:{'' if c['end'] is None else c['end']}"
    if c["dim"] < 0:
        return ", ".join(["...", cut, *[":"] * (-c["dim"] - 1)])
    return ", ".join([*[":"] * c["dim"], cut])


def _value(field_: Any, value: Any) -> Any:
    """Uniform tuples of an n-d field read as one number, as one writes them (kernel_size=3)."""
    if isinstance(value, tuple) and field_.length is not None and len(set(value)) == 1:
        return value[0]
    if isinstance(value, tuple) and field_.name == "normalized_shape" and len(value) == 1:
        return value[0]
    return value


def layer_call(spec: LayerSpec, config: dict[str, Any]) -> str:
    """``nn.Conv2d(1, 8, 3, padding=1)``: required arguments by position, others only when not torch's default."""
    args: list[str] = []
    positional_ok = True
    for f in spec.fields:
        v = _value(f, config[f.name])
        if f.positional and positional_ok and not f.keyword_only:
            args.append(repr(v))
            continue
        positional_ok = False
        default = f.default_in_torch
        default = _value(f, default) if isinstance(default, tuple) else default
        if v != default or type(v) is not type(default):
            args.append(f"{f.name}={v!r}")
    args += [f"{k}={v!r}" for k, v in spec.fixed.items()]
    return f"nn.{spec.type}({', '.join(args)})"


def _shape_comment(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return ""
    return f"  # (N, {', '.join(map(str, shape))})" if shape else "  # (N,)"


def _variables(graph: Any, order: list[str]) -> dict[str, str]:
    """Variable names: in a plain chain every line reuses the input's name (x = self.fc1(x)); otherwise each node's
    result is named after the node, so the code reads against the canvas."""
    nodes = graph.nodes
    inputs = graph.inputs
    consumers = {n: 0 for n in nodes}
    for node in nodes.values():
        for s in node.inputs:
            consumers[s] += 1
    chain = len(inputs) == 1 and all(c <= 1 for c in consumers.values()) and all(
        len(node.inputs) == 1 for n, node in nodes.items() if node.type != "Input")
    var = {}
    for n in order:
        node = nodes[n]
        if node.type == "Output":
            var[n] = var[node.inputs[0]]
        elif chain and node.type != "Input":
            var[n] = inputs[0]
        else:
            var[n] = n
    return var


def to_code(graph: Any, flavor: str = "nnstudio", class_name: str = "Model") -> str:
    """Python source with one ``nn.Module`` subclass named ``class_name`` (flavor "nnstudio" or "torch")."""
    if flavor not in FLAVORS:
        raise ValueError(f"flavor must be 'nnstudio' or 'torch', got {flavor!r}")
    if not isinstance(class_name, str) or not class_name.isidentifier():
        raise ValueError(f"class_name must be a Python identifier, got {class_name!r}")
    report = graph.infer_shapes()
    if not report.ok:
        raise GraphBuildError(report.problems(), what="export")
    lib, import_lib, import_nn = FLAVORS[flavor]
    nodes = graph.nodes
    order = list(report.order)
    var = _variables(graph, order)
    init: list[str] = []
    body: list[str] = []
    for n in order:
        node = nodes[n]
        spec = REGISTRY[node.type]
        cfg = dict(report.resolved[n])
        ins = [var[s] for s in node.inputs]
        comment = _shape_comment(report.shapes.get(n))
        if spec.role in (INPUT, OUTPUT):
            continue
        v = var[n]
        if spec.role == LAYER:
            init.append(f"self.{n} = {layer_call(spec, cfg)}")
            if spec.call == CALL_FIRST:
                body.append(f"{v}, _ = self.{n}({ins[0]}){comment}")
            elif spec.call == CALL_ATTENTION:
                qkv = [ins[0], ins[1] if len(ins) > 1 else ins[0]]
                qkv.append(ins[2] if len(ins) > 2 else qkv[1])
                body.append(f"{v}, _ = self.{n}({', '.join(qkv)}, need_weights=False){comment}")
            else:
                body.append(f"{v} = self.{n}({', '.join(ins)}){comment}")
        elif node.type == "Parameter":
            init.append(f"self.{n} = nn.Parameter({lib}.zeros({', '.join(map(str, cfg['shape']))}))")
            body.append(f"{v} = self.{n}{comment}")
        elif node.type in OP_CODE:
            body.append(f"{v} = {OP_CODE[node.type](ins, cfg, lib)}{comment}")
        else:  # pragma: no cover - every OP type is listed in OP_CODE
            raise GraphBuildError([f"{n}: no code for {node.type}"], what="export")
    outs = [var[o] for o in graph.outputs]
    body.append(f"return {', '.join(outs)}")
    args = ", ".join(["self", *graph.inputs])
    shapes_in = ", ".join(f"{n} (N, {', '.join(map(str, report.shapes[n]))})" for n in graph.inputs)
    shapes_out = ", ".join(f"(N, {', '.join(map(str, report.shapes[o]))})" for o in graph.outputs)
    title = "nnstudio" if flavor == "nnstudio" else "PyTorch"
    vocab = min((report.resolved[n]["num_embeddings"] for n in order if nodes[n].type == "Embedding"), default=10)
    example = ", ".join(f"{lib}.randn(2, {', '.join(map(str, report.shapes[n]))})"
                        if nodes[n].config["dtype"] == "float32" else
                        f"{lib}.randint(0, {vocab}, (2, {', '.join(map(str, report.shapes[n]))}))"
                        for n in graph.inputs)
    lines = [f'"""A model designed in the nnstudio builder, as {title} code."""', ""]
    lines += [import_lib, import_nn, "", "", f"class {class_name}(nn.Module):",
              f'    """{shapes_in} -> {shapes_out}; {report.total_params:,} parameters."""', "",
              "    def __init__(self):", "        super().__init__()"]
    lines += [f"        {line}" for line in init]
    lines += ["", f"    def forward({args}):"]
    lines += [f"        {line}" for line in body]
    lines += ["", "", f"# model = {class_name}()", f"# y = model({example})", ""]
    return "\n".join(lines)
