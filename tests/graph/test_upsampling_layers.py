"""The growing layers of the registry (ConvTranspose1d/2d/3d, Upsample, ZeroPad2d) and PReLU against PyTorch 2.13:
inferred shapes and parameter counts equal the real modules', errors name the field at fault, exported code runs
(PyTorch flavour with the built weights gives the built module's outputs), JSON and from_module round-trip."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from _util import n_params, numpy_inputs, one_layer, torch_layer

import nnstudio
from nnstudio import nn
from nnstudio.graph import ModelGraph, registry

CASES = [
    ("ConvTranspose2d", (3, 5, 5), {"out_channels": 4, "kernel_size": 3}),
    ("ConvTranspose2d", (4, 5, 6), {"out_channels": 6, "kernel_size": 3, "stride": 2, "padding": 1,
                                    "output_padding": 1}),
    ("ConvTranspose2d", (4, 4, 3), {"out_channels": 2, "kernel_size": (2, 3), "stride": (2, 1), "groups": 2,
                                    "bias": False}),
    ("ConvTranspose2d", (2, 4, 4), {"out_channels": 3, "kernel_size": 3, "stride": 1, "dilation": 2,
                                    "output_padding": 1, "padding": (2, 1)}),
    ("ConvTranspose2d", (3, 1, 1), {"out_channels": 5, "kernel_size": 4, "stride": 3, "padding": 1}),
    ("ConvTranspose1d", (3, 7), {"out_channels": 2, "kernel_size": 5, "stride": 3, "output_padding": 2}),
    ("ConvTranspose3d", (2, 2, 3, 2), {"out_channels": 2, "kernel_size": 2, "stride": 2, "bias": False}),
    ("Upsample", (2, 3, 4), {}),
    ("Upsample", (2, 3, 5), {"scale_factor": 1.5, "mode": "bilinear"}),
    ("Upsample", (2, 4, 4), {"scale_factor": 0.75, "mode": "bilinear", "align_corners": True}),
    ("Upsample", (1, 3, 4), {"scale_factor": None, "size": (5, 7), "mode": "nearest"}),
    ("Upsample", (1, 3, 4), {"scale_factor": None, "size": 6, "mode": "bicubic", "align_corners": False}),
    ("Upsample", (2, 3, 3), {"scale_factor": 2.5, "mode": "bicubic"}),
    ("ZeroPad2d", (2, 3, 4), {}),
    ("ZeroPad2d", (2, 3, 4), {"padding": (1, 0, 2, 3)}),
    ("ZeroPad2d", (3, 4), {"padding": (0, 2, 1, 0)}),
    ("ZeroPad2d", (1, 5, 5), {"padding": (-1, 2, -2, 0)}),
    ("PReLU", (3, 4, 4), {}),
    ("PReLU", (3, 4, 4), {"num_parameters": 3, "init": 0.1}),
    ("PReLU", (5,), {"num_parameters": 5}),
]


def _ids(cases):
    return [f"{c[0]}-{i}" for i, c in enumerate(cases)]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_shape_and_params_match_torch_and_the_built_module(case):
    layer_type, shape, config = case
    g = one_layer(layer_type, shape, **config)
    r = g.infer_shapes()
    assert r.ok, r.problems()
    torch.manual_seed(0)
    tmod = torch_layer(layer_type, r.resolved["layer"])
    assert r.params["layer"] == n_params(tmod)
    with torch.no_grad():
        y = tmod(torch.from_numpy(numpy_inputs(g, batch=2)[0]))
    assert tuple(y.shape) == (2, *r.shapes["layer"])
    model = g.build()
    assert n_params(model) == r.params["layer"] == sum(p.numel() for p in model.parameters())
    y2 = model(*g.example_inputs(2))
    assert tuple(y2.shape) == (2, *r.shapes["layer"])


BAD = [
    ("ConvTranspose2d", (2, 4, 4), {"kernel_size": 3, "stride": 2, "output_padding": 2},
     "output_padding=2 on axis 0 must be smaller than stride (2) or dilation (1)"),
    ("ConvTranspose1d", (2, 4), {"kernel_size": 3, "output_padding": 1}, "output_padding=1 must be smaller"),
    ("ConvTranspose2d", (2, 1, 1), {"kernel_size": 1, "padding": 1}, "padding (1, 1) is too large"),
    ("ConvTranspose2d", (3, 4, 4), {"out_channels": 4, "groups": 2}, "groups=2 must divide both in_channels (3)"),
    ("ConvTranspose2d", (3, 4, 4), {"in_channels": 5}, "in_channels is 5 but x0 gives 3"),
    ("ConvTranspose2d", (12,), {}, "ConvTranspose2d needs input shaped (C, H, W)"),
    ("Upsample", (2, 3, 3), {"size": 4}, "give either size or scale_factor"),
    ("Upsample", (2, 3, 3), {"scale_factor": None}, "both are empty"),
    ("Upsample", (2, 3, 3), {"align_corners": True}, "align_corners only applies"),
    ("Upsample", (2, 3, 3), {"scale_factor": 0.2}, "scale_factor=0.2 shrinks the input"),
    ("Upsample", (2, 3), {}, "Upsample needs input shaped (C, H, W)"),
    ("ZeroPad2d", (4,), {}, "ZeroPad2d pads the last two dimensions"),
    ("ZeroPad2d", (1, 2, 2), {"padding": (0, 0, -1, -1)}, "crops the input"),
    ("PReLU", (3, 4), {"num_parameters": 4}, "num_parameters=4 must be 1"),
]


@pytest.mark.parametrize("case", BAD, ids=_ids(BAD))
def test_errors_name_the_field_at_fault(case):
    layer_type, shape, config, words = case
    r = one_layer(layer_type, shape, **config).infer_shapes()
    assert not r.ok and "layer" in r.errors
    assert words in r.errors["layer"], r.errors["layer"]


@pytest.mark.parametrize("case", BAD[:4] + BAD[6:10], ids=_ids(BAD[:4] + BAD[6:10]))
def test_what_the_builder_refuses_torch_refuses_too(case):
    layer_type, shape, config, _ = case
    cfg = {f.name: f.default for f in registry.get(layer_type).fields}
    cfg.update(config)
    cfg = {k: (shape[0] if k == "in_channels" and v is None else v) for k, v in cfg.items()}
    with pytest.raises((RuntimeError, ValueError)):
        torch_layer(layer_type, cfg)(torch.randn(2, *shape))


def test_field_values_are_checked():
    with pytest.raises(ValueError, match="output_padding"):
        registry.get("ConvTranspose2d").field("output_padding").check(-1)
    with pytest.raises(ValueError, match="mode must be one of"):
        registry.get("Upsample").field("mode").check("linear")
    with pytest.raises(ValueError, match="padding takes one number or 4 numbers"):
        registry.get("ZeroPad2d").field("padding").check((1, 2))


def test_palette_places_the_new_layers():
    pal = registry.palette()
    assert pal["Convolution"][-3:] == ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]
    assert pal["Resize"] == ["Upsample", "ZeroPad2d"]
    assert "PReLU" in pal["Activation"]
    assert list(pal).index("Resize") == list(pal).index("Pooling") + 1


def decoder() -> ModelGraph:
    """A small decoder that uses every new layer, with a skip connection through Upsample."""
    g = ModelGraph()
    g.input("z", (8,))
    g.add("Unflatten", name="seed", inputs=["z"], dim=1, unflattened_size=(2, 2, 2))
    g.add("ConvTranspose2d", name="up1", inputs=["seed"], out_channels=4, kernel_size=3, stride=2, padding=1,
          output_padding=1)
    g.add("PReLU", name="act1", inputs=["up1"], num_parameters=4)
    g.add("ZeroPad2d", name="pad", inputs=["act1"], padding=(1, 0, 0, 1))
    g.add("ConvTranspose2d", name="up2", inputs=["pad"], out_channels=3, kernel_size=(2, 3), groups=1,
          dilation=2, bias=False)
    g.add("Upsample", name="resize", inputs=["seed"], size=(7, 9), scale_factor=None, mode="bilinear",
          align_corners=True)
    g.add("Conv2d", name="mix", inputs=["resize"], out_channels=3, kernel_size=1)
    g.add("Add", name="sum", inputs=["up2", "mix"])
    g.add("Upsample", name="big", inputs=["sum"], scale_factor=2.0)
    g.add("PReLU", name="act2", inputs=["big"])
    g.output("act2")
    return g


def _load(code: str, class_name: str = "Model"):
    ns: dict = {}
    exec(compile(code, "<exported>", "exec"), ns)
    return ns[class_name]


def test_decoder_shapes_and_params():
    r = decoder().infer_shapes()
    assert r.ok, r.problems()
    assert r.shapes["up1"] == (4, 4, 4) and r.shapes["pad"] == (4, 5, 5) and r.shapes["up2"] == (3, 7, 9)
    assert r.shapes["act2"] == (3, 14, 18)
    torch_model = _load(decoder().to_code("torch"))()
    assert r.total_params == n_params(torch_model) == n_params(decoder().build())


def test_exported_code_reads_like_torch():
    code = decoder().to_code("torch")
    assert "self.up1 = nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1)" in code
    assert "self.up2 = nn.ConvTranspose2d(4, 3, (2, 3), bias=False, dilation=2)" in code
    assert "self.pad = nn.ZeroPad2d((1, 0, 0, 1))" in code
    assert "self.resize = nn.Upsample(size=(7, 9), mode='bilinear', align_corners=True)" in code
    assert "self.big = nn.Upsample(scale_factor=2.0)" in code
    assert "self.act1 = nn.PReLU(num_parameters=4)" in code and "self.act2 = nn.PReLU()" in code


def test_torch_code_matches_the_built_module():
    g = decoder()
    nnstudio.manual_seed(1)
    model = g.build()
    for p in model.parameters():  # PReLU starts at one constant slope: make every weight distinct
        p.data = nnstudio.randn(*p.shape) * 0.5
    xs = g.example_inputs(3, seed=2)
    want = model(*xs).detach().numpy()
    tmodel = _load(g.to_code("torch"))()
    tmodel.load_state_dict({k: torch.from_numpy(np.array(v.detach().numpy())) for k, v in model.state_dict().items()})
    with torch.no_grad():
        got = tmodel(torch.from_numpy(xs[0].numpy())).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_nnstudio_code_is_the_same_model():
    g = decoder()
    model = g.build()
    other = _load(g.to_code("nnstudio", class_name="Net"), "Net")()
    assert list(other.state_dict()) == list(model.state_dict())
    other.load_state_dict(model.state_dict())
    xs = g.example_inputs(2, seed=3)
    np.testing.assert_allclose(other(*xs).detach().numpy(), model(*xs).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_json_round_trip():
    g = decoder()
    text = g.to_json()
    back = ModelGraph.from_json(text)
    assert back.to_json() == text
    a, b = g.infer_shapes(), back.infer_shapes()
    assert a.shapes == b.shapes and a.params == b.params and a.resolved == b.resolved
    assert '"output_padding": [1, 1]' in text or '"output_padding": 1' in text


@pytest.mark.parametrize("lib", ["nnstudio", "torch"])
def test_from_module_reads_the_new_layers(lib):
    m = nn if lib == "nnstudio" else torch.nn
    seq = m.Sequential(m.ConvTranspose2d(3, 4, (3, 2), stride=2, padding=(1, 0), output_padding=(1, 0), groups=1,
                                         bias=False, dilation=(1, 2)),
                       m.PReLU(4, init=0.5), m.ZeroPad2d((0, 1, 2, 3)),
                       m.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                       m.Upsample(size=(5, 4)))
    g = ModelGraph.from_module(seq, (3, 4, 4))
    r = g.infer_shapes()
    assert r.ok, r.problems()
    cfgs = [r.resolved[n] for n in r.order if g.nodes[n].type not in ("Input", "Output")]
    assert cfgs[0]["output_padding"] == (1, 0) and cfgs[0]["dilation"] == (1, 2) and cfgs[0]["bias"] is False
    assert g.nodes[[n for n in r.order if g.nodes[n].type == "ConvTranspose2d"][0]].config["in_channels"] is None
    assert cfgs[1] == {"num_parameters": 4, "init": 0.5}
    assert cfgs[2] == {"padding": (0, 1, 2, 3)}
    assert cfgs[3] == {"size": None, "scale_factor": 2.0, "mode": "bilinear", "align_corners": False}
    assert cfgs[4]["size"] == (5, 4) and cfgs[4]["scale_factor"] is None
    with torch.no_grad():
        want = torch.nn.Sequential(*[torch_layer(g.nodes[n].type, r.resolved[n]) for n in r.order
                                     if g.nodes[n].type not in ("Input", "Output")])(torch.randn(2, 3, 4, 4))
    assert tuple(want.shape) == (2, *r.shapes[r.order[-1]])
    assert r.total_params == n_params(seq)


def test_from_module_refuses_what_it_cannot_place():
    from nnstudio.graph import GraphError
    from nnstudio.graph.layers.conv import _convt_from

    with pytest.raises(GraphError, match="scale_factor per axis"):
        ModelGraph.from_module(torch.nn.Sequential(torch.nn.Upsample(scale_factor=(2, 3))), (1, 4, 4))
    with pytest.raises(GraphError, match="mode must be one of"):
        ModelGraph.from_module(torch.nn.Sequential(torch.nn.Upsample(scale_factor=2, mode="linear")), (1, 4))

    class ReflectPadded:
        padding_mode = "reflect"

    with pytest.raises(ValueError, match="padding_mode='reflect'"):
        _convt_from(ReflectPadded())
