"""The registry against PyTorch 2.13: argument names and defaults, parameter counts and output shapes."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch
from _util import n_params, numpy_inputs, one_layer, torch_call, torch_layer

import nnstudio.nn
from nnstudio.graph import registry
from nnstudio.graph.fields import SAME
from nnstudio.graph.spec import LAYER

L = "int64"
CASES = [
    ("Linear", [(5,)], {"out_features": 7}),
    ("Linear", [(3, 5)], {"out_features": 7, "bias": False}),
    ("Identity", [(4,)], {}),
    ("Embedding", [((6,), L)], {"num_embeddings": 20, "embedding_dim": 4, "padding_idx": 0}),
    ("Embedding", [((2, 3), L)], {"num_embeddings": 12, "embedding_dim": 3, "max_norm": 1.0, "norm_type": 1.0}),
    ("Dropout", [(4,)], {"p": 0.2}),
    ("Dropout1d", [(3, 5)], {}),
    ("Dropout2d", [(3, 5, 5)], {}),
    ("Dropout3d", [(2, 3, 4, 4)], {}),
    ("Conv1d", [(3, 10)], {"out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1}),
    ("Conv2d", [(4, 9, 8)], {"out_channels": 6, "kernel_size": (3, 2), "groups": 2, "dilation": 2, "bias": False}),
    ("Conv2d", [(3, 7, 7)], {"out_channels": 5, "kernel_size": 3, "padding": "same"}),
    ("Conv2d", [(3, 6, 5)], {"out_channels": 2, "kernel_size": (3, 1), "padding": (2, 0), "stride": 2}),
    ("Conv3d", [(2, 5, 6, 7)], {"out_channels": 3, "kernel_size": 2, "padding": "valid", "stride": (1, 2, 3)}),
    ("ConvTranspose1d", [(3, 6)], {"out_channels": 2, "kernel_size": 3, "stride": 2, "output_padding": 1}),
    ("ConvTranspose2d", [(4, 5, 4)], {"out_channels": 2, "kernel_size": (3, 2), "stride": 2, "padding": 1,
                                      "groups": 2, "dilation": (1, 2), "bias": False}),
    ("ConvTranspose3d", [(2, 2, 3, 2)], {"out_channels": 3, "kernel_size": 2, "stride": (1, 2, 1)}),
    ("Upsample", [(2, 3, 4)], {"scale_factor": 1.5, "mode": "bilinear", "align_corners": True}),
    ("Upsample", [(2, 3, 4)], {"size": (5, 2), "scale_factor": None}),
    ("ZeroPad2d", [(2, 3, 4)], {"padding": (1, 2, 0, 3)}),
    ("MaxPool1d", [(3, 11)], {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    ("MaxPool2d", [(2, 9, 9)], {"kernel_size": 3, "padding": 1, "dilation": 2}),
    ("MaxPool3d", [(2, 4, 5, 6)], {"kernel_size": 2}),
    ("AvgPool1d", [(2, 9)], {"kernel_size": 4, "stride": 3, "padding": 2, "ceil_mode": True}),
    ("AvgPool2d", [(2, 9, 8)], {"kernel_size": (3, 2), "count_include_pad": False, "divisor_override": 2}),
    ("AvgPool3d", [(1, 4, 4, 4)], {"kernel_size": 2}),
    ("AdaptiveAvgPool1d", [(3, 10)], {"output_size": 4}),
    ("AdaptiveAvgPool2d", [(3, 10, 7)], {"output_size": (2, 3)}),
    ("AdaptiveAvgPool3d", [(2, 4, 5, 6)], {"output_size": 2}),
    ("AdaptiveMaxPool1d", [(3, 10)], {"output_size": 3}),
    ("AdaptiveMaxPool2d", [(3, 6, 6)], {"output_size": (1, 2)}),
    ("AdaptiveMaxPool3d", [(1, 4, 4, 4)], {"output_size": (2, 1, 2)}),
    ("BatchNorm1d", [(5,)], {}),
    ("BatchNorm1d", [(5, 7)], {"affine": False}),
    ("BatchNorm2d", [(3, 4, 4)], {"bias": False, "eps": 1e-3}),
    ("BatchNorm3d", [(2, 3, 3, 3)], {"momentum": None, "track_running_stats": False}),
    ("LayerNorm", [(4, 6)], {}),
    ("LayerNorm", [(4, 6)], {"normalized_shape": (4, 6), "bias": False}),
    ("LayerNorm", [(6,)], {"elementwise_affine": False}),
    ("GroupNorm", [(6, 5)], {"num_groups": 3}),
    ("GroupNorm", [(4, 3, 3)], {"num_groups": 2, "affine": False}),
    ("GroupNorm", [(4, 3)], {"num_groups": 4, "bias": False}),
    ("RNN", [(7, 3)], {"hidden_size": 5, "num_layers": 2, "nonlinearity": "relu", "bidirectional": True}),
    ("LSTM", [(7, 3)], {"hidden_size": 4, "num_layers": 3, "bias": False}),
    ("LSTM", [(5, 2)], {"hidden_size": 3, "num_layers": 2, "bidirectional": True, "dropout": 0.5}),
    ("GRU", [(6, 2)], {"hidden_size": 5, "bidirectional": True}),
    ("MultiheadAttention", [(5, 8)], {"num_heads": 2}),
    ("MultiheadAttention", [(5, 8)], {"num_heads": 4, "bias": False, "add_bias_kv": True, "add_zero_attn": True}),
    ("MultiheadAttention", [(5, 8), (3, 6), (3, 4)], {"num_heads": 2, "kdim": 6, "vdim": 4}),
    ("MultiheadAttention", [(5, 8), (3, 8)], {"num_heads": 1}),
    ("TransformerEncoderLayer", [(5, 8)], {"nhead": 2, "dim_feedforward": 16}),
    ("TransformerEncoderLayer", [(5, 8)], {"nhead": 4, "dim_feedforward": 12, "bias": False, "norm_first": True,
                                           "activation": "gelu", "dropout": 0.0}),
    ("TransformerDecoderLayer", [(4, 8), (6, 8)], {"nhead": 2, "dim_feedforward": 16}),
    ("TransformerDecoderLayer", [(4, 6), (2, 6)], {"nhead": 3, "dim_feedforward": 5, "bias": False}),
    ("ReLU", [(3, 4)], {}), ("LeakyReLU", [(3,)], {"negative_slope": 0.2}), ("ELU", [(3,)], {"alpha": 0.5}),
    ("GELU", [(3,)], {"approximate": "tanh"}), ("SiLU", [(3,)], {}), ("Mish", [(3,)], {}),
    ("PReLU", [(3, 4)], {}), ("PReLU", [(3, 4)], {"num_parameters": 3, "init": -0.5}),
    ("Sigmoid", [(3,)], {}), ("Tanh", [(3,)], {}), ("Softplus", [(3,)], {"beta": 2.0, "threshold": 10.0}),
    ("Hardtanh", [(3,)], {"min_val": -2.0, "max_val": 0.5}), ("ReLU6", [(3,)], {}),
    ("Softmax", [(3, 4)], {"dim": 1}), ("LogSoftmax", [(3,)], {}), ("Softmin", [(2, 3)], {"dim": -2}),
    ("Flatten", [(2, 3, 4)], {"start_dim": 2}),
    ("Flatten", [(2, 3, 4)], {}),
    ("Unflatten", [(12,)], {"dim": 1, "unflattened_size": (3, -1)}),
    ("Unflatten", [(2, 12)], {"dim": -1, "unflattened_size": (2, 2, 3)}),
]


def _ids(cases):
    return [f"{c[0]}-{i}" for i, c in enumerate(cases)]


def test_every_placeable_layer_is_covered():
    layers = {n for n, s in registry.REGISTRY.items() if s.role == LAYER}
    assert layers == {c[0] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_params_and_shape_match_torch(case):
    layer_type, inputs, config = case
    g = one_layer(layer_type, *inputs, **config)
    r = g.infer_shapes()
    assert r.ok, r.problems()
    torch.manual_seed(0)
    module = torch_layer(layer_type, r.resolved["layer"])
    assert r.params["layer"] == n_params(module)
    module.eval()
    xs = [torch.from_numpy(a) for a in numpy_inputs(g, batch=2)]
    with torch.no_grad():
        y = torch_call(layer_type, module, xs)
    assert tuple(y.shape) == (2, *r.shapes["layer"])


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_built_nnstudio_module_agrees(case):
    layer_type, inputs, config = case
    if not hasattr(nnstudio.nn, layer_type):
        pytest.skip(f"nnstudio.nn has no {layer_type} yet: this test turns on when it lands")
    g = one_layer(layer_type, *inputs, **config)
    r = g.infer_shapes()
    model = g.build()
    assert n_params(model) == r.params["layer"]
    assert {k.split(".")[0] for k, _ in model.named_parameters()} <= {"layer"}
    model.eval()
    y = model(*g.example_inputs(2))
    assert tuple(y.shape) == (2, *r.shapes["layer"])


def _torch_params(layer_type: str):
    cls = getattr(torch.nn, layer_type)
    if layer_type in ("RNN", "LSTM", "GRU"):  # torch takes *args there; RNNBase holds the real signature
        params = dict(inspect.signature(torch.nn.RNNBase.__init__).parameters)
        params.pop("mode")
        params["nonlinearity"] = inspect.Parameter("nonlinearity", inspect.Parameter.KEYWORD_ONLY, default="tanh")
        return params
    return dict(inspect.signature(cls.__init__).parameters)


@pytest.mark.parametrize("layer_type", [n for n, s in registry.REGISTRY.items() if s.role == LAYER])
def test_fields_are_torch_arguments_with_torch_defaults(layer_type):
    spec = registry.get(layer_type)
    params = _torch_params(layer_type)
    names = [f.name for f in spec.fields]
    assert len(set(names)) == len(names)
    for f in spec.fields:
        assert f.name in params, f"{layer_type}.{f.name} is not a torch argument"
        assert f.help and len(f.help) < 120 and "\n" not in f.help
        assert f.check(f.default) == f.default  # the default passes its own checks
        torch_default = params[f.name].default
        if torch_default is inspect.Parameter.empty:
            assert f.positional, f"{layer_type}.{f.name} is required in torch: write it positionally"
            continue
        if callable(torch_default):  # activation=F.relu
            torch_default = torch_default.__name__
        ours = f.default_in_torch
        if f.auto and ours is None and torch_default is not None:
            continue
        assert ours == torch_default or (isinstance(ours, tuple) and torch_default in ours), \
            f"{layer_type}.{f.name}: default {ours!r}, torch {torch_default!r}"
        if f.torch_default is not SAME:
            assert f.default != f.torch_default
    positional = [f.name for f in spec.fields if f.positional]
    torch_order = [p for p in params if p in positional]
    assert positional == torch_order  # positional fields come in torch's order
    assert list(spec.fixed) == [] or all(k in params for k in spec.fixed)


@pytest.mark.parametrize("layer_type", registry.names())
def test_every_type_explains_itself(layer_type):
    spec = registry.get(layer_type)
    assert spec.help and spec.formula and "\n" not in spec.help and len(spec.help) < 160
    assert spec.category in registry.CATEGORIES
    d = spec.describe()
    assert d["type"] == layer_type and [f["name"] for f in d["fields"]] == [f.name for f in spec.fields]


def test_palette_groups_every_placeable_type_once():
    pal = registry.palette()
    placed = [t for types in pal.values() for t in types]
    assert len(placed) == len(set(placed))
    assert set(placed) == set(registry.names()) - {"Input", "Output"}
    assert list(pal)[0] == "Core" and "Merge" in pal and pal["Merge"] == ["Add", "Multiply", "Concat"]


def test_unknown_type_suggests_close_names():
    with pytest.raises(KeyError, match="did you mean Conv2d"):
        registry.get("conv2d")
    with pytest.raises(ValueError, match="unknown layer type"):
        registry.get("os.system")


def test_register_refuses_duplicates_and_unknown_categories():
    spec = registry.get("ReLU")
    with pytest.raises(ValueError, match="already registered"):
        registry.register(spec)
    import dataclasses

    with pytest.raises(ValueError, match="unknown category"):
        registry.register(dataclasses.replace(spec, type="Fancy", category="Nope"))


def test_every_field_checks_types_and_ranges():
    f = registry.get("Linear").field("out_features")
    for bad, words in [(0, "at least 1"), (True, "whole number"), (2.5, "whole number"), ("8", "whole number"),
                       (1 << 21, "at most"), (None, "needs a value")]:
        with pytest.raises(ValueError, match=words):
            f.check(bad)
    assert f.check(np.int64(4)) == 4 and type(f.check(np.int64(4))) is int
    k = registry.get("Conv2d").field("kernel_size")
    assert k.check([3, 2]) == (3, 2) and k.check(3) == 3
    with pytest.raises(ValueError, match="one number or 2 numbers"):
        k.check([1, 2, 3])
    with pytest.raises(ValueError, match=r"kernel_size\[1\] must be at least 1"):
        k.check((3, 0))
    p = registry.get("Conv2d").field("padding")
    assert p.check("same") == "same"
    with pytest.raises(ValueError, match="'same', 'valid'"):
        p.check("full")
    d = registry.get("Dropout").field("p")
    assert d.check(1) == 1.0
    for bad in (float("nan"), float("inf"), -0.1, 1.5):
        with pytest.raises(ValueError):
            d.check(bad)
    c = registry.get("GELU").field("approximate")
    with pytest.raises(ValueError, match="one of 'none', 'tanh'"):
        c.check("fast")


def test_every_category_has_a_colour():
    assert set(registry.CATEGORY_HUES) == set(registry.CATEGORIES)
    assert all(0 <= registry.hue(c) < 360 for c in registry.CATEGORIES)
    with pytest.raises(KeyError, match="one of Core"):
        registry.hue("Blocks")


@pytest.mark.parametrize("layer_type, config, text", [
    ("Linear", {"out_features": 64, "in_features": None}, "64"), ("Conv2d", {"out_channels": 16, "kernel_size": 3},
                                                                 "16 · k=3"),
    ("Conv2d", {"out_channels": 8, "kernel_size": (3, 5)}, "8 · k=3, 5"), ("Dropout", {"p": 0.1}, "0.1"),
    ("Input", {"shape": (2,)}, ""), ("ReLU", {}, ""), ("Concat", {"dim": 1}, "1"),
])
def test_a_block_summarizes_its_main_settings(layer_type, config, text):
    spec = registry.get(layer_type)
    assert spec.summarize(config) == text
    assert set(spec.summary_fields) <= set(spec.schema) and spec.describe()["summary"] == list(spec.summary_fields)
