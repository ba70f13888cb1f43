"""A small stand-in for `nnstudio.graph` with the issue-4 API, used only while the real package is missing.

`install()` puts it into `sys.modules` as `nnstudio.graph` (+ `.registry`, `.starters`) when importing the real
one fails, so the builder's widget tests run either way. It knows a handful of layers and their shape rules.
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Spec:
    name: str
    category: str
    schema: dict
    help: str
    formula: str = ""


def _f(kind, default, help, **kw):
    return {"kind": kind, "default": default, "help": help, **kw}


SPECS = {s.name: s for s in [
    _Spec("Input", "io", {"shape": _f("tuple", (2,), "input shape without batch", min=1)}, "The model's input."),
    _Spec("Output", "io", {}, "The model's output."),
    _Spec("Linear", "Core", {"in_features": _f("int", None, "input size (auto)", min=1, optional=True),
                             "out_features": _f("int", 64, "output size", min=1, max=100000),
                             "bias": _f("bool", True, "learn an additive bias")},
          "Applies y = xW^T + b.", "(*, in) -> (*, out)"),
    _Spec("Flatten", "Core", {}, "Flattens all but the batch dimension.", "(C, H, W) -> (C*H*W,)"),
    _Spec("Conv2d", "Convolution", {"in_channels": _f("int", None, "input channels (auto)", min=1, optional=True),
                                    "out_channels": _f("int", 8, "output channels", min=1),
                                    "kernel_size": _f("tuple", 3, "kernel size", min=1, length=2),
                                    "padding": _f("int", 0, "zero padding", min=0)},
          "2-D convolution.", "(C, H, W) -> (out, H', W')"),
    _Spec("ReLU", "Activation", {}, "max(0, x)"),
    _Spec("Tanh", "Activation", {}, "tanh(x)"),
    _Spec("Dropout", "Regularization", {"p": _f("float", 0.5, "drop probability", min=0.0, max=1.0)}, "Zeroes."),
    _Spec("Add", "Merge", {}, "Adds its inputs."),
    _Spec("Concat", "Merge", {"dim": _f("int", 0, "dimension (without batch)", min=0)}, "Concatenates."),
]}


class registry:  # noqa: N801 - stands in for a module
    @staticmethod
    def get(name):
        return SPECS[name]

    @staticmethod
    def palette():
        out: dict[str, list[str]] = {}
        for s in SPECS.values():
            if s.category != "io":
                out.setdefault(s.category, []).append(s.name)
        return out


@dataclass
class Node:
    name: str
    type: str
    config: dict = field(default_factory=dict)
    inputs: list = field(default_factory=list)


@dataclass
class Result:
    shapes: dict
    params: dict
    errors: dict

    @property
    def ok(self):
        return not self.errors


class ModelGraph:
    def __init__(self):
        self.nodes: dict[str, Node] = {}
        self.outputs: list[str] = []

    def _name(self, t):
        i = 1
        while f"{t.lower()}{i}" in self.nodes:
            i += 1
        return f"{t.lower()}{i}"

    def input(self, name, shape):
        self.nodes[name] = Node(name, "Input", {"shape": tuple(shape)}, [])
        return name

    def add(self, layer_type, name=None, inputs=(), **config):
        if layer_type not in SPECS:
            raise ValueError(f"unknown layer {layer_type}")
        name = name or self._name(layer_type)
        if name in self.nodes:
            raise ValueError(f"duplicate name {name}")
        cfg = {k: v["default"] for k, v in SPECS[layer_type].schema.items()}
        cfg.update(config)
        self.nodes[name] = Node(name, layer_type, cfg, list(inputs))
        if layer_type == "Output":
            self.outputs.append(name)
        return name

    def output(self, name):
        return self.add("Output", name="out" if "out" not in self.nodes else None, inputs=[name])

    def connect(self, src, dst):
        self.nodes[dst].inputs.append(src)

    def disconnect(self, src, dst):
        self.nodes[dst].inputs.remove(src)

    def remove(self, name):
        del self.nodes[name]
        for n in self.nodes.values():
            n.inputs = [s for s in n.inputs if s != name]
        self.outputs = [o for o in self.outputs if o != name]

    def update(self, name, **config):
        for k, v in config.items():
            if k not in SPECS[self.nodes[name].type].schema:
                raise ValueError(f"{name}: no field {k}")
            if k == "out_features" and v is not None and v > 100000:
                raise ValueError("too big")
        self.nodes[name].config.update(config)

    def infer_shapes(self):
        shapes, params, errors = {}, {}, {}
        done = set()
        pending = list(self.nodes)
        for _ in range(len(pending) + 1):
            for name in list(pending):
                n = self.nodes[name]
                if any(s not in done for s in n.inputs):
                    continue
                pending.remove(name)
                done.add(name)
                ins = [shapes.get(s) for s in n.inputs]
                if any(i is None for i in ins):
                    continue
                try:
                    shapes[name], params[name] = self._rule(n, ins)
                except ValueError as exc:
                    errors[name] = str(exc)
        for name in pending:
            errors[name] = f"{name} is on a cycle"
        return Result(shapes, params, errors)

    def _rule(self, n, ins):
        c = n.config
        if n.type == "Input":
            return tuple(c["shape"]), 0
        if not ins:
            raise ValueError(f"{n.name} ({n.type}) has no input")
        x = ins[0]
        if n.type == "Linear":
            fin = c["in_features"] if c["in_features"] is not None else x[-1]
            if x[-1] != fin:
                raise ValueError(f"{n.name}: Linear expects {fin} input features, got shape {x}")
            return (*x[:-1], c["out_features"]), fin * c["out_features"] + (c["out_features"] if c["bias"] else 0)
        if n.type == "Conv2d":
            if len(x) != 3:
                raise ValueError(f"{n.name}: Conv2d needs a (C, H, W) input, got {x}")
            k = c["kernel_size"] if isinstance(c["kernel_size"], tuple) else (c["kernel_size"],) * 2
            h, w = x[1] + 2 * c["padding"] - k[0] + 1, x[2] + 2 * c["padding"] - k[1] + 1
            if h < 1 or w < 1:
                raise ValueError(f"{n.name}: kernel {k} is larger than the input {x}")
            return (c["out_channels"], h, w), x[0] * c["out_channels"] * k[0] * k[1] + c["out_channels"]
        if n.type == "Flatten":
            p = 1
            for d in x:
                p *= d
            return (p,), 0
        if n.type == "Add":
            if any(i != x for i in ins):
                raise ValueError(f"{n.name}: Add needs equal shapes, got {', '.join(map(str, ins))}")
            return x, 0
        if n.type == "Concat":
            d = c["dim"]
            return (*x[:d], sum(i[d] for i in ins), *x[d + 1:]), 0
        return x, 0

    def build(self):
        r = self.infer_shapes()
        if not r.ok:
            raise ValueError("; ".join(r.errors.values()))
        from collections import OrderedDict

        from nnstudio import nn

        layers = OrderedDict()  # a chain only (enough for the widget tests)
        for name, n in self.nodes.items():
            c = n.config
            if n.type == "Linear":
                layers[name] = nn.Linear(r.shapes[n.inputs[0]][-1], c["out_features"], bias=c["bias"])
            elif n.type in ("ReLU", "Tanh", "Flatten"):
                layers[name] = getattr(nn, n.type)()
            elif n.type == "Dropout":
                layers[name] = nn.Dropout(c["p"])
        return nn.Sequential(layers)

    def to_code(self, flavor="nnstudio"):
        torch_head = "import torch\nimport torch.nn as nn"
        head = torch_head if flavor == "torch" else "import nnstudio as torch\nimport nnstudio.nn as nn"
        return head + "\n\nclass Model(nn.Module):\n    pass\n"

    def to_json(self):
        return json.dumps({"format": "nnstudio.graph", "version": 1, "outputs": self.outputs,
                           "nodes": [{"name": n.name, "type": n.type, "config": n.config, "inputs": n.inputs}
                                     for n in self.nodes.values()]}, sort_keys=True)

    @classmethod
    def from_json(cls, text):
        d = json.loads(text)
        if d.get("format") != "nnstudio.graph":
            raise ValueError("$.format: not an nnstudio design")
        g = cls()
        for n in d["nodes"]:
            cfg = {k: tuple(v) if isinstance(v, list) else v for k, v in n["config"].items()}
            g.nodes[n["name"]] = Node(n["name"], n["type"], cfg, list(n["inputs"]))
        g.outputs = list(d["outputs"])
        return g


def _mlp():
    g = ModelGraph()
    g.input("x", (2,))
    g.add("Linear", name="fc1", inputs=["x"], out_features=64)
    g.add("Tanh", name="act1", inputs=["fc1"])
    g.add("Linear", name="fc2", inputs=["act1"], out_features=64)
    g.add("Tanh", name="act2", inputs=["fc2"])
    g.add("Linear", name="head", inputs=["act2"], out_features=3)
    g.output("head")
    return g


def _cnn():
    g = ModelGraph()
    g.input("x", (1, 8, 8))
    g.add("Conv2d", name="conv1", inputs=["x"], out_channels=8)
    g.add("ReLU", name="relu1", inputs=["conv1"])
    g.add("Flatten", name="flat", inputs=["relu1"])
    g.add("Linear", name="head", inputs=["flat"], out_features=10)
    g.output("head")
    return g


class starters:  # noqa: N801
    STARTERS = {"spiral MLP": _mlp, "digits CNN": _cnn}

    @staticmethod
    def names():
        return list(starters.STARTERS)

    @staticmethod
    def load(name):
        return starters.STARTERS[name]()


def install() -> bool:
    """Use the real `nnstudio.graph` when it imports; else register this stand-in. Returns True for the fake."""
    try:
        from nnstudio.graph import ModelGraph as _real
        from nnstudio.graph import starters as _starters  # noqa: F401

        return _real is ModelGraph  # True when this stand-in was installed earlier
    except ImportError:  # missing, or a half-written package
        pass
    mod = types.ModuleType("nnstudio.graph")
    mod.ModelGraph = ModelGraph
    mod.registry = registry
    mod.starters = starters
    sys.modules["nnstudio.graph"] = mod
    sys.modules["nnstudio.graph.registry"] = registry  # type: ignore[assignment]
    sys.modules["nnstudio.graph.starters"] = starters  # type: ignore[assignment]
    return True


_ = Any
