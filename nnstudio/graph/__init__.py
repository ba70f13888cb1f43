"""The model builder's heart: a layer registry, `ModelGraph` with live shape inference, build, code and JSON.

>>> from nnstudio.graph import ModelGraph
>>> g = ModelGraph()
>>> g.input("x", (2,)); g.add("Linear", out_features=3); g.output("fc1")
>>> g.infer_shapes().shapes["fc1"]
(3,)
>>> model = g.build()          # an nn.Module with a submodule named fc1

Any module with a forward opens as a design too (traced: its layers become blocks, with their weights):
``ModelGraph.from_module(model, input_shape=(28, 28))``; what cannot be a fixed design raises `TraceError`.
"""

from . import registry, starters
from .errors import GraphBuildError, GraphError, GraphFormatError, NodeNotFoundError
from .fields import Field
from .inference import ShapeReport
from .model_graph import GraphChange, ModelGraph
from .node import Node
from .registry import UnknownLayerError
from .spec import LayerSpec
from .starters import starter_designs
from .trace_proxy import TraceError

__all__ = ["ModelGraph", "ShapeReport", "GraphChange", "Node", "LayerSpec", "Field", "GraphError",
           "GraphBuildError", "GraphFormatError", "NodeNotFoundError", "UnknownLayerError", "registry", "starters",
           "starter_designs", "TraceError"]
