"""Shape inference: shapes, parameter counts, auto sizes, and every kind of broken design as an error on the
node at fault with the nodes downstream blocked (never an exception)."""

from __future__ import annotations

import pytest
from _util import one_layer

from nnstudio.graph import ModelGraph


def chain(*layers, shape=(2,), dtype="float32"):
    """x -> layers... -> out; each layer is (type, config) or a type name; names n1, n2, ..."""
    g = ModelGraph()
    prev = g.input("x", shape, dtype=dtype)
    for i, layer in enumerate(layers, 1):
        t, cfg = (layer, {}) if isinstance(layer, str) else layer
        prev = g.add(t, name=f"n{i}", inputs=[prev], **cfg)
    g.output(prev)
    return g


def test_mlp_shapes_params_and_order():
    g = chain(("Linear", {"out_features": 64}), "Tanh", ("Linear", {"out_features": 3}))
    r = g.infer_shapes()
    assert r.ok and r.errors == {} and r.blocked == frozenset()
    assert r.shapes == {"x": (2,), "n1": (64,), "n2": (64,), "n3": (3,), "out": (3,)}
    assert r.params == {"x": 0, "n1": 2 * 64 + 64, "n2": 0, "n3": 64 * 3 + 3, "out": 0}
    assert r.total_params == 387 and r.order == ("x", "n1", "n2", "n3", "out")
    assert r.depth == {"x": 0, "n1": 1, "n2": 2, "n3": 3, "out": 4}
    assert r.resolved["n1"]["in_features"] == 2 and g["n1"].config["in_features"] is None  # auto stays auto
    assert r.dtypes["n3"] == "float32"


@pytest.mark.parametrize("layer_type, shape, config, field, value", [
    ("Linear", (5,), {}, "in_features", 5),
    ("Conv2d", (3, 8, 8), {}, "in_channels", 3),
    ("BatchNorm1d", (6,), {}, "num_features", 6),
    ("BatchNorm2d", (4, 5, 5), {}, "num_features", 4),
    ("LSTM", (7, 3), {}, "input_size", 3),
    ("MultiheadAttention", (5, 8), {"num_heads": 2}, "embed_dim", 8),
    ("TransformerEncoderLayer", (5, 8), {"nhead": 2}, "d_model", 8),
    ("LayerNorm", (4, 6), {}, "normalized_shape", (6,)),
    ("GroupNorm", (6, 5), {"num_groups": 3}, "num_channels", 6),
])
def test_auto_fields_follow_the_input(layer_type, shape, config, field, value):
    g = one_layer(layer_type, shape, **config)
    r = g.infer_shapes()
    assert r.ok and r.resolved["layer"][field] == value and g["layer"].config[field] is None


def test_auto_size_follows_an_upstream_edit():
    g = chain(("Linear", {"out_features": 16}), ("Linear", {"out_features": 4}))
    g.update("n1", out_features=32)
    r = g.infer_shapes()
    assert r.ok and r.params["n2"] == 32 * 4 + 4


def _broken(g, at, *words, blocked=()):
    r = g.infer_shapes()
    assert not r.ok
    assert at in r.errors, r.errors
    msg = r.errors[at]
    assert msg.startswith(at) and "\n" not in msg
    for w in words:
        assert w in msg, msg
    for b in blocked:
        assert b in r.blocked and b not in r.shapes and b not in r.errors
    return r


def test_conv2d_fed_a_flat_vector():
    g = chain(("Linear", {"out_features": 64}), ("Conv2d", {"out_channels": 8}), "ReLU")
    r = _broken(g, "n2", "Conv2d needs input shaped (C, H, W)", "(64,)", "Unflatten", blocked=("n3", "out"))
    assert r.shapes["n1"] == (64,)  # upstream keeps its shape


def test_linear_whose_in_features_disagrees():
    g = chain(("Linear", {"out_features": 16}), ("Linear", {"in_features": 7, "out_features": 3}))
    _broken(g, "n2", "in_features is 7", "n1 gives 16", "leave it auto", blocked=("out",))


def test_add_of_two_different_shapes():
    g = ModelGraph()
    g.input("x", (4,))
    g.add("Linear", name="a", inputs=["x"], out_features=8)
    g.add("Add", name="skip", inputs=["a", "x"])
    g.add("ReLU", name="act", inputs=["skip"])
    g.output("act")
    _broken(g, "skip", "one shape", "(8,)", "(4,)", blocked=("act", "out"))


def test_cycle_is_an_error_on_each_node_of_the_cycle_and_blocks_what_follows():
    g = chain(("Linear", {"out_features": 4}), ("Linear", {"out_features": 4}), "ReLU")
    g.connect("n2", "n1")  # n1 now reads x and n2: also a wrong input count, but the cycle is what is reported
    r = g.infer_shapes()
    assert "cycle" in r.errors["n1"] and "cycle" in r.errors["n2"]
    assert "n1 → n2 → n1" in r.errors["n1"] and "n2 → n1 → n2" in r.errors["n2"]
    assert {"n3", "out"} <= r.blocked and r.order[-1] in ("n3", "out")
    assert r.shapes["x"] == (2,)


def test_dangling_node_gets_its_shape_and_an_error():
    g = chain(("Linear", {"out_features": 4}))
    g.add("ReLU", name="loose", inputs=["n1"])
    r = _broken(g, "loose", "goes nowhere", "Output")
    assert r.shapes["loose"] == (4,)  # still shown while you wire it


def test_unused_input_and_node_without_input():
    g = chain(("Linear", {"out_features": 4}))
    g.input("extra", (3,))
    g.add("Linear", name="orphan", inputs=[], out_features=2)
    r = g.infer_shapes()
    assert "extra is not wired into any block" in r.errors["extra"]
    assert r.errors["orphan"] == "orphan has no input: wire a block into it"


def test_missing_input_after_remove_blocks_nothing_upstream():
    g = chain(("Linear", {"out_features": 4}), "ReLU", ("Linear", {"out_features": 2}))
    g.remove("n2")
    r = _broken(g, "n3", "no input", blocked=("out",))
    assert "n1" in r.errors and "goes nowhere" in r.errors["n1"]


def test_too_many_inputs_into_a_one_input_layer():
    g = chain(("Linear", {"out_features": 2}))
    g.add("Linear", name="side", inputs=["x"], out_features=2)
    g.connect("side", "n1")
    _broken(g, "n1", "takes 1 input", "x, side", "Add or a Concat", blocked=("out",))


def test_merge_with_one_input():
    g = chain(("Linear", {"out_features": 2}), "Add")
    _broken(g, "n2", "needs at least 2 inputs", blocked=("out",))


@pytest.mark.parametrize("layers, shape, at, words", [
    ([("Flatten", {"start_dim": 0})], (3, 4), "n1", "batch dimension"),
    ([("Softmax", {"dim": 3})], (3,), "n1", "out of range"),
    ([("MaxPool2d", {"kernel_size": 5})], (1, 4, 4), "n1", "larger than the input"),
    ([("Conv2d", {"kernel_size": 5})], (1, 4, 4), "n1", "larger than the padded input"),
    ([("Conv2d", {"kernel_size": 3, "stride": 2, "padding": "same"})], (1, 8, 8), "n1", "stride 1"),
    ([("Conv2d", {"groups": 2, "out_channels": 4})], (3, 8, 8), "n1", "groups=2 must divide"),
    ([("MultiheadAttention", {"num_heads": 3})], (5, 8), "n1", "num_heads=3 must divide"),
    ([("TransformerEncoderLayer", {"nhead": 3})], (5, 8), "n1", "nhead=3 must divide"),
    ([("LSTM", {})], (8,), "n1", "(L, input_size)"),
    ([("GroupNorm", {"num_groups": 4})], (6, 3), "n1", "must divide the 6 channels"),
    ([("LayerNorm", {"normalized_shape": (5,)})], (4, 6), "n1", "must match the last dimensions"),
    ([("Unflatten", {"unflattened_size": (3, 3)})], (8,), "n1", "holds 9 values"),
    ([("Unflatten", {"unflattened_size": (3, -1)})], (8,), "n1", "cannot split"),
    ([("Select", {"dim": 1, "index": 8})], (8, 2), "n1", "out of range"),
    ([("Hardtanh", {"min_val": 1.0, "max_val": 0.0})], (3,), "n1", "greater than min_val"),
    ([("BatchNorm2d", {})], (4,), "n1", "(C, H, W)"),
    ([("Dropout2d", {})], (4,), "n1", "(C, H, W)"),
    ([("Embedding", {})], (5,), "n1", "int64 token ids"),
    ([("Embedding", {"num_embeddings": 5, "padding_idx": 5})], ((5,), "int64"), "n1", "padding_idx"),
    ([("Linear", {"out_features": 1 << 20}), ("Linear", {"out_features": 1 << 20})], (4,), "n2", "parameters"),
])
def test_layer_errors(layers, shape, at, words):
    shape, dtype = shape if isinstance(shape[-1], str) else (shape, "float32")
    g = chain(*layers, shape=shape, dtype=dtype)
    _broken(g, at, words, blocked=("out",))


def test_int_ids_into_a_float_layer():
    g = chain(("Linear", {"out_features": 2}), shape=(5,), dtype="int64")
    _broken(g, "n1", "int64 token ids", "Embedding")


def test_embedding_then_layers():
    g = chain(("Embedding", {"num_embeddings": 50, "embedding_dim": 8}), ("Mean", {"dim": 1}),
              ("Linear", {"out_features": 2}), shape=(7,), dtype="int64")
    r = g.infer_shapes()
    assert r.ok and r.shapes["n1"] == (7, 8) and r.dtypes["x"] == "int64" and r.shapes["n2"] == (8,)


def test_concat_rules():
    g = ModelGraph()
    g.input("a", (3, 4))
    g.input("b", (5, 4))
    g.add("Concat", name="cat", inputs=["a", "b"], dim=1)
    g.output("cat")
    assert g.infer_shapes().shapes["cat"] == (8, 4)
    g.update("cat", dim=-1)
    _broken(g, "cat", "other dimensions equal", "(3, 4)", "(5, 4)")
    g.update("cat", dim=0)
    _broken(g, "cat", "batch dimension")


def test_a_huge_output_is_refused_not_computed():
    g = chain(("Unflatten", {"unflattened_size": (1, -1)}), ("Conv1d", {"out_channels": 1 << 20, "kernel_size": 1}),
              shape=(1 << 20,))
    _broken(g, "n2", "values per sample")


def test_empty_design_is_not_ok():
    r = ModelGraph().infer_shapes()
    assert not r.ok and r.graph_errors and "empty" in r.graph_errors[0] and r.problems() == list(r.graph_errors)


def test_report_is_cached_until_the_next_edit_and_read_only():
    g = chain(("Linear", {"out_features": 4}))
    r = g.infer_shapes()
    assert g.infer_shapes() is r
    with pytest.raises(TypeError):
        r.shapes["n1"] = (5,)
    g.update("n1", out_features=5)
    assert g.infer_shapes() is not r and g.infer_shapes().shapes["n1"] == (5,)


def test_multi_input_multi_output():
    g = ModelGraph()
    g.input("img", (1, 8, 8))
    g.input("meta", (3,))
    g.add("Flatten", name="flat", inputs=["img"])
    g.add("Concat", name="both", inputs=["flat", "meta"])
    g.add("Linear", name="head", inputs=["both"], out_features=2)
    g.output("head")
    g.output("both", name="features")
    r = g.infer_shapes()
    assert r.ok and r.shapes["both"] == (67,) and g.outputs == ["out", "features"] and g.inputs == ["img", "meta"]


def test_an_output_that_depends_on_no_input_is_an_error_on_it():
    """A Parameter wired straight into an Output would give every sample the same value, shaped (1, ...) instead of
    (N, ...): the Output says so (found by the edit-sequence property test), and a data-fed output stays fine."""
    g = ModelGraph()
    g.add("Parameter", name="param1", shape=(1, 8))
    g.output("param1")
    r = g.infer_shapes()
    assert not r.ok and "does not depend on any Input" in r.errors["out"] and "out" not in r.shapes
    assert "param1" in r.shapes and set(r.params) == set(r.shapes)

    g = ModelGraph()
    g.input("x", (8,))
    g.add("Parameter", name="pos", shape=(1, 8))
    g.add("Add", name="sum", inputs=["x", "pos"])
    g.output("sum")
    assert g.infer_shapes().ok
