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


def _mlp() -> ModelGraph:
    g = ModelGraph()
    g.input("x", (2,))
    g.add("Linear", name="fc1", out_features=64)
    g.add("Tanh", name="act1")
    g.add("Linear", name="fc2", out_features=64)
    g.add("Tanh", name="act2")
    g.add("Linear", name="head", out_features=3)
    g.output("head")
    return g


def _lenet() -> ModelGraph:
    g = ModelGraph()
    g.input("x", (1, 8, 8))
    g.add("Conv2d", name="conv1", out_channels=8, kernel_size=3, padding=1)
    g.add("ReLU", name="act1")
    g.add("MaxPool2d", name="pool1", kernel_size=2)
    g.add("Conv2d", name="conv2", out_channels=16, kernel_size=3, padding=1)
    g.add("ReLU", name="act2")
    g.add("MaxPool2d", name="pool2", kernel_size=2)
    g.add("Flatten", name="flatten")
    g.add("Linear", name="fc1", out_features=64)
    g.add("ReLU", name="act3")
    g.add("Linear", name="head", out_features=10)
    g.output("head")
    return g


def _residual() -> ModelGraph:
    g = ModelGraph()
    g.input("x", (2,))
    g.add("Linear", name="stem", out_features=32)
    g.add("ReLU", name="act0")
    g.add("Linear", name="fc1", out_features=32)
    g.add("ReLU", name="act1")
    g.add("Linear", name="fc2", out_features=32)
    g.add("Add", name="skip", inputs=["fc2", "act0"])
    g.add("ReLU", name="act2")
    g.add("Linear", name="head", out_features=3)
    g.output("head")
    return g


def _lstm() -> ModelGraph:
    g = ModelGraph()
    g.input("x", (8, 1))
    g.add("LSTM", name="lstm", hidden_size=32)
    g.add("Select", name="last", dim=1, index=-1)
    g.add("Linear", name="head", out_features=2)
    g.output("head")
    return g


def _transformer() -> ModelGraph:
    g = ModelGraph()
    g.input("x", (8, 1))
    g.add("Linear", name="embed", out_features=32)
    g.add("TransformerEncoderLayer", name="encoder", nhead=4, dim_feedforward=64, dropout=0.0)
    g.add("Mean", name="pool", dim=1)
    g.add("Linear", name="head", out_features=2)
    g.output("head")
    return g


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


def load(name: str) -> ModelGraph:
    """A fresh copy of the starter design ``name``."""
    if name not in STARTERS:
        raise KeyError(f"unknown starter design {name!r}; the starters are: {', '.join(STARTERS)}")
    return STARTERS[name]()


def describe(name: str) -> str:
    """One line about the starter design ``name``."""
    if name not in STARTERS:
        raise KeyError(f"unknown starter design {name!r}; the starters are: {', '.join(STARTERS)}")
    return STARTERS[name].description
