"""Starter designs: small models that train at once on a built-in dataset of `nnstudio.data`.

>>> from nnstudio.graph import starters
>>> starters.names()
['mlp', 'lenet', 'residual', 'lstm', 'transformer']
>>> g = starters.load("lenet")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .model_graph import ModelGraph


@dataclass(frozen=True)
class Starter:
    """A starter design: its name, a title and one line for the picker, the dataset it fits and how to make it."""

    name: str
    title: str
    description: str
    dataset: str
    dataset_options: Mapping[str, Any] = field(default_factory=dict)
    make: Callable[[], ModelGraph] = ModelGraph

    def __call__(self) -> ModelGraph:
        g = self.make()
        g.clear_history()
        return g


def _chain(input_shape: tuple, *layers: tuple) -> Callable[[], ModelGraph]:
    """A maker of the design that feeds an input `x` of `input_shape` through `layers` in order, each
    (layer type, node name, config); a config may name other `inputs` (a skip). The last layer is the output."""
    def make() -> ModelGraph:
        g = ModelGraph()
        g.input("x", input_shape)
        for type_name, name, config in layers:
            g.add(type_name, name=name, **config)
        g.output(layers[-1][1])
        return g
    return make


_mlp = _chain((2,), ("Linear", "fc1", {"out_features": 64}), ("Tanh", "act1", {}),
              ("Linear", "fc2", {"out_features": 64}), ("Tanh", "act2", {}),
              ("Linear", "head", {"out_features": 3}))

_lenet = _chain((1, 8, 8), ("Conv2d", "conv1", {"out_channels": 8, "kernel_size": 3, "padding": 1}),
                ("ReLU", "act1", {}), ("MaxPool2d", "pool1", {"kernel_size": 2}),
                ("Conv2d", "conv2", {"out_channels": 16, "kernel_size": 3, "padding": 1}),
                ("ReLU", "act2", {}), ("MaxPool2d", "pool2", {"kernel_size": 2}), ("Flatten", "flatten", {}),
                ("Linear", "fc1", {"out_features": 64}), ("ReLU", "act3", {}),
                ("Linear", "head", {"out_features": 10}))

_residual = _chain((2,), ("Linear", "stem", {"out_features": 32}), ("ReLU", "act0", {}),
                   ("Linear", "fc1", {"out_features": 32}), ("ReLU", "act1", {}),
                   ("Linear", "fc2", {"out_features": 32}), ("Add", "skip", {"inputs": ["fc2", "act0"]}),
                   ("ReLU", "act2", {}), ("Linear", "head", {"out_features": 3}))

_lstm = _chain((8, 1), ("LSTM", "lstm", {"hidden_size": 32}), ("Select", "last", {"dim": 1, "index": -1}),
               ("Linear", "head", {"out_features": 2}))

_transformer = _chain((8, 1), ("Linear", "embed", {"out_features": 32}),
                      ("TransformerEncoderLayer", "encoder", {"nhead": 4, "dim_feedforward": 64, "dropout": 0.0}),
                      ("Mean", "pool", {"dim": 1}), ("Linear", "head", {"out_features": 2}))


STARTERS: Mapping[str, Starter] = MappingProxyType({s.name: s for s in [
    Starter("mlp", "Spiral MLP", "Two hidden layers of 64 Tanh units classify 2-D points into 3 spiral arms.",
            "spiral", {}, _mlp),
    Starter("lenet", "Digits CNN (LeNet)", "Two conv + pool stages and two linear layers read 1×8×8 digit images.",
            "digits", {"flat": False}, _lenet),
    Starter("residual", "Residual MLP", "An MLP whose middle block adds its input back (a skip connection).",
            "spiral", {}, _residual),
    Starter("lstm", "Sequence LSTM", "An LSTM reads 8 steps and classifies from its last hidden state.",
            "sequence", {}, _lstm),
    Starter("transformer", "Tiny Transformer", "One Transformer encoder layer over 8 steps, averaged, then "
            "classified.", "sequence", {}, _transformer),
]})

#: the starter designs by name (an alias of `STARTERS`)
starter_designs = STARTERS


def names() -> list[str]:
    """The starter designs' names, the default first."""
    return list(STARTERS)


def _starter(name: str) -> Starter:
    if name not in STARTERS:
        raise KeyError(f"unknown starter design {name!r}; the starters are: {', '.join(STARTERS)}")
    return STARTERS[name]


def load(name: str) -> ModelGraph:
    """A fresh copy of the starter design ``name``."""
    return _starter(name)()


def describe(name: str) -> str:
    """One line about the starter design ``name``."""
    return _starter(name).description
