"""Issue 15: the graph refuses whatever the exported torch code would refuse. Random valid designs from the whole
registry (single layers with random settings on random input shapes, and short chains) are exported with
`to_code(flavor="torch")` and run under the pinned torch on the inferred input shape: a design the graph calls ok
must run there, in training and eval mode, and give the inferred output shapes. A failure points at a registry
shape rule that accepts too much (it found AvgPool ceil_mode windows, eps=0 and others)."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnstudio
from nnstudio.graph import GraphError, ModelGraph, registry
from nnstudio.graph.spec import INPUT, OUTPUT

EXAMPLES = int(os.environ.get("EXPORT_EXAMPLES", 40))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
TYPES = [t for t in registry.names() if registry.get(t).role not in (INPUT, OUTPUT)]
SHAPES = [(4,), (1,), (3, 1), (2, 5), (3, 6), (1, 1, 4), (2, 3, 3), (1, 6, 6), (2, 1, 1, 4), (1, 3, 4, 4), (5, 2)]
EDGES = {"float": [0.0, 1e-12, 0.5, 1.0, 2.0], "int": [0, 1, 2, 3, 4, 7]}


def field_value(f):
    """Values of a field inside its declared range, edges included (eps=0, ceil_mode, kernel 1 ...)."""
    if f.kind == "bool":
        s = st.booleans()
    elif f.kind == "choice":
        s = st.sampled_from(f.choices)
    elif f.kind == "int":
        lo, hi = (-3 if f.min is None else int(f.min)), (8 if f.max is None else min(int(f.max), 8))
        s = st.integers(lo, max(lo, hi)) | st.sampled_from([v for v in EDGES["int"] if lo <= v <= hi] or [lo])
    elif f.kind == "float":
        lo, hi = (-1.0 if f.min is None else float(f.min)), (2.0 if f.max is None else min(float(f.max), 4.0))
        s = st.floats(lo, hi, allow_nan=False) | st.sampled_from([v for v in EDGES["float"] if lo <= v <= hi] or [lo])
    else:
        n = f.length or 2
        lo = 0 if f.min is None else max(int(f.min), -1)
        item = st.integers(lo, 4)
        s = st.one_of(item, st.tuples(*[item] * n), *(st.just(c) for c in f.choices))
    return st.one_of(st.none(), s) if f.nullable else s


@st.composite
def config(draw, layer_type):
    spec = registry.get(layer_type)
    names = [f.name for f in spec.fields]
    keys = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    return {k: draw(field_value(spec.field(k))) for k in keys}


def exported(g: ModelGraph):
    ns: dict = {}
    exec(compile(g.to_code("torch"), "<exported>", "exec"), ns)
    return ns["Model"]()


def torch_inputs(g: ModelGraph, batch: int):
    """The graph's own example inputs (indices below every Embedding's size) as torch tensors."""
    return [torch.from_numpy(np.array(x.numpy())) for x in g.example_inputs(batch, seed=0)]


def check_runs_under_torch(g: ModelGraph) -> None:
    report = g.infer_shapes()
    if not report.ok:
        return
    torch.manual_seed(0)
    model = exported(g)
    for mode in ("train", "eval"):
        getattr(model, mode)()
        xs = torch_inputs(g, 2)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ys = model(*xs)
        except Exception as exc:  # noqa: BLE001 - the design was called ok: say which
            raise AssertionError(f"the graph accepts a design torch refuses ({mode}): {type(exc).__name__}: {exc}\n"
                                 f"{g.to_json()}") from None
        ys = ys if isinstance(ys, tuple) else (ys,)
        for o, y in zip(g.outputs, ys):
            assert tuple(y.shape) == (2, *report.shapes[o]), (mode, o, tuple(y.shape), report.shapes[o], g.to_json())
            if y.is_floating_point() and mode == "eval":
                assert not torch.isnan(y).all() or y.numel() == 0, g.to_json()


def add(g, *args, **kw):
    try:
        return g.add(*args, **kw)
    except GraphError:
        return None


def shape_for(data, layer_type: str) -> tuple:
    """An input shape of the rank a spatial layer needs (C, *S) with small sizes, else one of SHAPES."""
    nd = {"1d": 1, "2d": 2, "3d": 3}.get(layer_type[-2:])
    if nd is None or layer_type.startswith(("BatchNorm", "Dropout")):
        return data.draw(st.sampled_from(SHAPES))
    return (data.draw(st.integers(1, 3)), *data.draw(st.tuples(*[st.integers(1, 6)] * nd)))


@SETTINGS
@given(st.data())
def test_single_layers_the_graph_accepts_run_under_torch(data):
    g = ModelGraph()
    t = data.draw(st.sampled_from(TYPES))
    shape = shape_for(data, t)
    x = g.input("x", shape, dtype="int64" if t == "Embedding" else "float32")
    inputs = [x, x] if registry.get(t).role not in (INPUT, OUTPUT) and t in ("Add", "Multiply", "Concat",
                                                                            "TransformerDecoderLayer") else [x]
    node = add(g, t, inputs=inputs, **data.draw(config(t)))
    if node is None:
        return
    g.output(node)
    check_runs_under_torch(g)


@SETTINGS
@given(st.data())
def test_short_chains_the_graph_accepts_run_under_torch(data):
    g = ModelGraph()
    prev = g.input("x", data.draw(st.sampled_from(SHAPES)), dtype="float32")
    for _ in range(data.draw(st.integers(2, 4))):
        t = data.draw(st.sampled_from([t for t in TYPES if t != "Embedding"]))
        ins = [prev, prev] if t in ("Add", "Multiply", "Concat", "TransformerDecoderLayer") else [prev]
        prev = add(g, t, inputs=ins, **data.draw(config(t))) or prev
    g.output(prev)
    check_runs_under_torch(g)


# ------------------------------------------------------------------ what the property tests found, kept found
def test_avgpool3d_on_an_input_smaller_than_its_kernel_is_refused_like_torch():
    g = ModelGraph()
    x = g.input("x", (1, 1, 1, 4))
    pool = g.add("AvgPool3d", inputs=[x], kernel_size=2, ceil_mode=True)
    g.output(pool)
    report = g.infer_shapes()
    assert not report.ok and "smaller than the kernel" in report.errors[pool]
    with pytest.raises(RuntimeError, match="smaller than kernel size") as ours:
        nnstudio.nn.AvgPool3d(2, ceil_mode=True)(nnstudio.randn(1, 1, 1, 1, 4))
    with pytest.raises(RuntimeError, match="smaller than kernel size") as theirs:
        torch.nn.AvgPool3d(2, ceil_mode=True)(torch.randn(1, 1, 1, 1, 4))
    assert str(theirs.value) in str(ours.value)


@pytest.mark.parametrize("layer, field", [("BatchNorm1d", "eps"), ("LayerNorm", "eps"), ("GroupNorm", "eps"),
                                          ("TransformerEncoderLayer", "layer_norm_eps"), ("Softplus", "beta")])
def test_zero_eps_and_zero_softplus_beta_are_refused(layer, field):
    g = ModelGraph()
    x = g.input("x", (4, 4))
    with pytest.raises(GraphError, match="greater than 0"):
        g.add(layer, inputs=[x], **{field: 0.0})


def test_batchnorm_training_with_eps_zero_is_refused_like_torch():
    with pytest.raises(ValueError, match="batch_norm eps must be positive during training, but got 0"):
        nnstudio.nn.BatchNorm1d(3, eps=0)(nnstudio.randn(4, 3))
    nnstudio.nn.BatchNorm1d(3, eps=0).eval()(nnstudio.randn(4, 3))  # eval takes it, as torch's


def test_embedding_with_norm_type_zero_exports_and_runs():
    g = ModelGraph()
    x = g.input("x", (4,), dtype="int64")
    e = g.add("Embedding", inputs=[x], num_embeddings=10, embedding_dim=3, max_norm=1.0, norm_type=0.0)
    g.output(e)
    check_runs_under_torch(g)
    g.build()(*g.example_inputs(2))
