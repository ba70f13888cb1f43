"""Property: a random module built from registry layers, written as a class whose forward mixes layer calls,
functions, methods and operators (skips, gates, concatenations, reshapes), traces into a design whose built module
gives the module's outputs, and whose JSON gives the design back."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F
from nnstudio.graph import ModelGraph

ACTIVATIONS = [
    lambda m, h: F.relu(h), lambda m, h: nnstudio.tanh(h), lambda m, h: h.sigmoid(), lambda m, h: F.gelu(h),
    lambda m, h: F.leaky_relu(h, 0.2), lambda m, h: nn.functional.silu(h), lambda m, h: m.act(h),
    lambda m, h: 0.5 * h, lambda m, h: h / 4,
]


class RandomNet(nn.Module):
    """Runs ``program``: a list of (step, setting) over samples shaped (F,) (flat) or (C, H, W) (image)."""

    def __init__(self, program, shape):
        super().__init__()
        self.program = program
        self.act = nn.ELU(0.5)
        shape = list(shape)
        for i, (step, k) in enumerate(program):
            f = shape[0]
            if step == "linear":
                setattr(self, f"s{i}", nn.Linear(f, k))
                shape = [k]
            elif step == "residual":
                setattr(self, f"s{i}", nn.Sequential(nn.Linear(f, k), nn.ReLU(), nn.Linear(k, f)))
            elif step in ("gate", "concat"):
                setattr(self, f"s{i}", nn.Linear(f, f))
                shape = [2 * f] if step == "concat" else shape
            elif step == "norm":
                setattr(self, f"s{i}", nn.LayerNorm(f) if k % 2 else nn.BatchNorm1d(f))
            elif step == "dropout":
                setattr(self, f"s{i}", nn.Dropout(k / 10))
            elif step == "conv":
                setattr(self, f"s{i}", nn.Conv2d(f, k, 3, padding=1))
                shape = [k, *shape[1:]]
            elif step == "conv_skip":
                setattr(self, f"s{i}", nn.Sequential(nn.Conv2d(f, f, 3, padding=1), nn.BatchNorm2d(f)))
            elif step == "pool":
                setattr(self, f"s{i}", nn.MaxPool2d(2) if k % 2 else nn.AvgPool2d(2))
                shape = [f, shape[1] // 2, shape[2] // 2]
            elif step == "flatten":
                shape = [int(np.prod(shape))]

    def forward(self, x):
        h = x
        for i, (step, k) in enumerate(self.program):
            layer = getattr(self, f"s{i}", None)
            if step == "act":
                h = ACTIVATIONS[k](self, h)
            elif step == "residual":
                h = h + layer(h)
            elif step == "gate":
                h = h * nnstudio.sigmoid(layer(h))
            elif step == "concat":
                h = nnstudio.cat([h, layer(h)], dim=1)
            elif step == "conv_skip":
                h = F.relu(layer(h) + h)
            elif step == "flatten":
                h = h.view(h.size(0), -1) if k % 2 else nnstudio.flatten(h, 1)
            elif step == "fold":
                h = h.reshape(h.size(0), 2, -1).permute(0, 2, 1).flatten(1)
            else:
                h = layer(h)
        return h


def _flat_steps(width: int):
    step = st.one_of(
        st.tuples(st.just("linear"), st.integers(1, 6).map(lambda k: 2 * k)),
        st.tuples(st.just("act"), st.integers(0, len(ACTIVATIONS) - 1)),
        st.tuples(st.just("residual"), st.integers(1, 8)),
        st.tuples(st.just("gate"), st.just(0)),
        st.tuples(st.just("concat"), st.just(0)),
        st.tuples(st.just("norm"), st.integers(0, 1)),
        st.tuples(st.just("dropout"), st.integers(0, 5)),
        st.tuples(st.just("fold"), st.just(0)),
    )
    return st.lists(step, min_size=1, max_size=6)


def _image_steps():
    step = st.one_of(
        st.tuples(st.just("conv"), st.integers(1, 4)),
        st.tuples(st.just("conv_skip"), st.just(0)),
        st.tuples(st.just("act"), st.integers(0, len(ACTIVATIONS) - 1)),
        st.tuples(st.just("pool"), st.integers(0, 1)),
    )
    return st.lists(step, min_size=1, max_size=4)


@st.composite
def programs(draw):
    if draw(st.booleans()):
        width = 2 * draw(st.integers(1, 4))
        return (width,), draw(_flat_steps(width))
    channels = draw(st.integers(1, 3))
    steps = draw(_image_steps())
    pools = 0
    kept = []
    for s in steps:  # at most two halvings of the 4x4 image
        if s[0] == "pool":
            if pools == 2:
                continue
            pools += 1
        kept.append(s)
    tail = [("flatten", draw(st.integers(0, 1))), ("linear", 4)]
    return (channels, 4, 4), kept + tail


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(0, 2**16))
def test_a_random_module_traces_into_a_design_with_its_outputs(program, seed):
    shape, steps = program
    nnstudio.manual_seed(seed)
    model = RandomNet(steps, shape)
    g = ModelGraph.from_module(model, shape)
    r = g.infer_shapes()
    assert r.ok, r.problems()
    assert r.total_params == sum(p.numel() for p in model.parameters())
    xs = g.example_inputs(batch_size=3, seed=seed)
    built = g.build()
    model.eval()
    built.eval()
    with nnstudio.no_grad():
        np.testing.assert_allclose(built(*xs).numpy(), model(*xs).numpy(), rtol=1e-5, atol=1e-5)
    assert ModelGraph.from_json(g.to_json()).to_json() == g.to_json()
