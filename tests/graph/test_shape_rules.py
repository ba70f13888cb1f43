"""Convolution and pooling shape rules against torch on random settings: the design is ok exactly when torch
runs, and then the shapes agree."""

from __future__ import annotations

import os
import warnings

import pytest
import torch
from _util import one_layer, torch_layer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnstudio.graph import GraphError

# GRAPH_EXAMPLES=3000 for a long run; CI keeps it short
SETTINGS = settings(max_examples=int(os.environ.get("GRAPH_EXAMPLES", 60)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def window_layers(draw):
    kind = draw(st.sampled_from(["Conv", "MaxPool", "AvgPool"]))
    nd = draw(st.sampled_from([1, 2]))
    size = tuple(draw(st.integers(1, 9)) for _ in range(nd))
    channels = draw(st.integers(1, 4))
    k = draw(st.integers(1, 5))
    cfg = {"kernel_size": k, "stride": draw(st.integers(1, 3)), "padding": draw(st.integers(0, 3))}
    if kind == "Conv":
        cfg["out_channels"] = draw(st.integers(1, 4))
        cfg["dilation"] = draw(st.integers(1, 3))
        if draw(st.booleans()):
            cfg["padding"] = draw(st.sampled_from(["same", "valid"]))
        groups = draw(st.sampled_from([1, 2]))
        cfg["groups"] = groups
    else:
        cfg["ceil_mode"] = draw(st.booleans())
        if kind == "MaxPool":
            cfg["dilation"] = draw(st.integers(1, 3))
        if draw(st.booleans()):
            cfg["stride"] = None
    return f"{kind}{nd}d", (channels, *size), cfg


def _torch_shape(layer_type, shape, resolved):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = torch_layer(layer_type, resolved)
            return tuple(m(torch.zeros(2, *shape)).shape)
    except (RuntimeError, ValueError):
        return None


@SETTINGS
@given(window_layers())
def test_window_layers_match_torch(case):
    layer_type, shape, cfg = case
    try:
        g = one_layer(layer_type, shape, **cfg)
    except GraphError:  # a value the schema refuses outright
        return
    r = g.infer_shapes()
    resolved = dict(g["layer"].config)
    if "in_channels" in resolved:
        resolved["in_channels"] = shape[0]
    got = _torch_shape(layer_type, shape, resolved)
    if got is None:
        assert not r.ok and "layer" in r.errors, f"torch refuses {case} but the graph said ok"
    else:
        assert r.ok, f"torch runs {case} -> {got} but the graph says {r.problems()}"
        assert (2, *r.shapes["layer"]) == got


@pytest.mark.parametrize("layer_type, shape, cfg", [
    ("AdaptiveAvgPool2d", (3, 2, 2), {"output_size": 5}),  # adaptive pools may grow the map
    ("MaxPool1d", (2, 5), {"kernel_size": 2, "stride": 2, "ceil_mode": True}),
    ("AvgPool2d", (1, 5, 5), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
])
def test_edge_sizes_match_torch(layer_type, shape, cfg):
    r = one_layer(layer_type, shape, **cfg).infer_shapes()
    assert r.ok
    assert (2, *r.shapes["layer"]) == _torch_shape(layer_type, shape, dict(r.resolved["layer"]))
