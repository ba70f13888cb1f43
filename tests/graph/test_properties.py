"""Property tests: random edit sequences never crash inference; every design that infers ok builds, runs with the
inferred output shapes, and survives the JSON and the to_code round trips."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from nnstudio.graph import GraphError, ModelGraph, registry
from nnstudio.graph.spec import INPUT, OUTPUT

EXAMPLES = int(os.environ.get("GRAPH_EXAMPLES", 40))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

ALL_TYPES = [t for t in registry.names() if registry.get(t).role not in (INPUT, OUTPUT)]
# types that often fit together, so that many random chains come out ok
FRIENDLY = ["Linear", "ReLU", "Tanh", "GELU", "Dropout", "LayerNorm", "BatchNorm1d", "Softmax", "Identity",
            "Flatten", "Conv1d", "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d", "GroupNorm", "LSTM", "GRU", "RNN",
            "MultiheadAttention", "TransformerEncoderLayer", "Select", "Mean", "Conv2d", "MaxPool2d",
            "AdaptiveAvgPool2d", "BatchNorm2d", "Dropout2d", "Unflatten", "Embedding"]
SHAPES = [(4,), (3, 6), (2, 6), (2, 5, 5), (1, 6, 6)]


def field_value(f):
    """Small values for a field, sometimes out of range (the API then refuses them)."""
    if f.kind == "bool":
        s = st.booleans()
    elif f.kind == "choice":
        s = st.sampled_from(f.choices)
    elif f.kind == "int":
        lo = -2 if f.min is None else max(int(f.min) - 1, -3)
        hi = 8 if f.max is None else min(int(f.max), 8)
        s = st.integers(lo, max(lo, hi))
    elif f.kind == "float":
        lo = -1.0 if f.min is None else max(float(f.min), -1.0)
        hi = 1.0 if f.max is None else min(float(f.max), 1.0)
        s = st.floats(lo, hi, allow_nan=False)
    else:  # tuple
        n = f.length or 2
        item = st.integers(-1 if f.min is not None and f.min < 0 else 0, 4)
        s = st.one_of(item, st.tuples(*[item] * n), *(st.just(c) for c in f.choices))
    return st.one_of(st.none(), s) if f.nullable else s


@st.composite
def config(draw, layer_type):
    spec = registry.get(layer_type)
    keys = draw(st.lists(st.sampled_from([f.name for f in spec.fields]), unique=True)) if spec.fields else []
    return {k: draw(field_value(spec.field(k))) for k in keys}


def try_edit(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except GraphError:  # the API refusing an impossible edit is fine; anything else is a bug
        return None


def check_report(g: ModelGraph) -> None:
    r = g.infer_shapes()
    assert set(r.order) == set(g.nodes) and len(r.order) == len(g.nodes)
    assert not (set(r.errors) & r.blocked)
    for n in g.nodes:
        assert n in r.shapes or n in r.errors or n in r.blocked, n
        if n in r.errors:
            assert r.errors[n].startswith(n) and "\n" not in r.errors[n]
    assert set(r.params) == set(r.shapes)
    assert r.ok == (not r.errors and not r.graph_errors)


def round_trips(g: ModelGraph) -> None:
    """JSON always; build, forward, and the exported code when the design is ok."""
    text = g.to_json()
    back = ModelGraph.from_json(text)
    assert back.to_json() == text
    r = g.infer_shapes()
    assert back.infer_shapes().errors == r.errors and back.infer_shapes().shapes == r.shapes
    event(f"design ok: {r.ok}")
    if not r.ok:
        return
    model = g.build()
    model.eval()
    xs = g.example_inputs(2, seed=0)
    ys = model(*xs)
    ys = ys if isinstance(ys, tuple) else (ys,)
    for o, y in zip(g.outputs, ys):
        assert tuple(y.shape) == (2, *r.shapes[o]), (o, tuple(y.shape), r.shapes[o])
    assert sum(p.numel() for p in model.parameters()) == r.total_params
    ns: dict = {}
    exec(compile(g.to_code("nnstudio"), "<exported>", "exec"), ns)
    other = ns["Model"]()
    other.load_state_dict(model.state_dict())
    other.eval()
    zs = other(*xs)
    zs = zs if isinstance(zs, tuple) else (zs,)
    for y, z in zip(ys, zs):
        np.testing.assert_allclose(z.detach().numpy(), y.detach().numpy(), rtol=1e-5, atol=1e-6)


@SETTINGS
@given(st.data())
def test_random_edit_sequences_never_crash(data):
    g = ModelGraph(history_limit=8)
    shape = data.draw(st.sampled_from(SHAPES))
    g.input("x", shape, dtype=data.draw(st.sampled_from(["float32", "float32", "int64"])))
    for _ in range(data.draw(st.integers(1, 14))):
        names = list(g.nodes)
        readable = [n for n in names if g[n].type != "Output"]
        op = data.draw(st.sampled_from(["add", "add", "add", "remove", "connect", "disconnect", "update", "undo",
                                        "redo", "output", "rename", "set_inputs"]))
        if op == "add":
            t = data.draw(st.sampled_from(ALL_TYPES))
            ins = data.draw(st.lists(st.sampled_from(readable), max_size=3)) if readable else []
            try_edit(g.add, t, inputs=ins, **data.draw(config(t)))
        elif op == "remove" and names:
            try_edit(g.remove, data.draw(st.sampled_from(names)))
        elif op in ("connect", "disconnect") and names:
            src, dst = data.draw(st.sampled_from(readable or names)), data.draw(st.sampled_from(names))
            try_edit(getattr(g, op), src, dst)
        elif op == "update" and names:
            n = data.draw(st.sampled_from(names))
            try_edit(g.update, n, **data.draw(config(g[n].type)))
        elif op == "undo":
            g.undo()
        elif op == "redo":
            g.redo()
        elif op == "output" and readable:
            try_edit(g.output, data.draw(st.sampled_from(readable)))
        elif op == "rename" and names:
            try_edit(g.rename, data.draw(st.sampled_from(names)), data.draw(st.sampled_from(["a", "b", "x", "9z"])))
        elif op == "set_inputs" and names:
            n = data.draw(st.sampled_from(names))
            try_edit(g.set_inputs, n, data.draw(st.lists(st.sampled_from(readable or names), max_size=3)))
        check_report(g)
    round_trips(g)


@SETTINGS
@given(st.data())
def test_random_chains_that_infer_ok_build_and_round_trip(data):
    g = ModelGraph()
    shape = data.draw(st.sampled_from(SHAPES))
    first = data.draw(st.sampled_from(FRIENDLY))
    prev = g.input("x", shape, dtype="int64" if first == "Embedding" else "float32")
    for i in range(data.draw(st.integers(1, 6))):
        t = first if i == 0 else data.draw(st.sampled_from([t for t in FRIENDLY if t != "Embedding"]))
        cfg = data.draw(config(t))
        if t in ("Linear", "Conv1d", "Conv2d"):
            cfg = {k: v for k, v in cfg.items() if k not in ("in_features", "in_channels")}
        if t == "Embedding":
            cfg = {**cfg, "num_embeddings": 9, "padding_idx": None, "max_norm": None}
        if data.draw(st.booleans()) and i > 0:  # a skip connection now and then
            skip = data.draw(st.sampled_from([n for n in g.nodes if g[n].type != "Input"] or [prev]))
            merged = try_edit(g.add, data.draw(st.sampled_from(["Add", "Concat", "Multiply"])), inputs=[prev, skip]) \
                if skip != prev else None
            prev = merged or prev
        prev = try_edit(g.add, t, inputs=[prev], **cfg) or prev
    g.output(prev)
    check_report(g)
    round_trips(g)
