"""to_code(): readable code whose PyTorch flavour, run under real torch with the built module's weights, gives the
same outputs, and whose nnstudio flavour is the same model again."""

from __future__ import annotations

import ast

import numpy as np
import pytest
import torch
from designs import DESIGNS

import nnstudio
from nnstudio.graph import GraphBuildError, ModelGraph, starters


def load_code(code: str, class_name: str = "Model"):
    ns: dict = {}
    exec(compile(code, "<exported>", "exec"), ns)
    return ns[class_name]


def _as_list(y):
    return list(y) if isinstance(y, tuple) else [y]


@pytest.mark.parametrize("name", list(DESIGNS))
def test_torch_code_matches_the_built_module(name):
    g = DESIGNS[name]()
    assert g.infer_shapes().ok, g.infer_shapes().problems()
    nnstudio.manual_seed(1)
    model = g.build()
    model.eval()
    xs = g.example_inputs(3, seed=2)
    want = [y.detach().numpy() for y in _as_list(model(*xs))]

    TorchModel = load_code(g.to_code("torch"))
    tmodel = TorchModel()
    state = {k: torch.from_numpy(np.array(v.detach().numpy())) for k, v in model.state_dict().items()}
    tmodel.load_state_dict(state)  # strict: the same keys and shapes
    tmodel.eval()
    with torch.no_grad():
        got = [y.numpy() for y in _as_list(tmodel(*[torch.from_numpy(x.numpy()) for x in xs]))]
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_nnstudio_code_is_the_same_model(name):
    g = DESIGNS[name]()
    model = g.build()
    model.eval()
    Exported = load_code(g.to_code("nnstudio", class_name="Net"), "Net")
    other = Exported()
    assert list(other.state_dict()) == list(model.state_dict())
    other.load_state_dict(model.state_dict())
    other.eval()
    xs = g.example_inputs(2, seed=3)
    for a, b in zip(_as_list(other(*xs)), _as_list(model(*xs))):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_chain_code_reads_like_the_board():
    code = starters.load("lstm").to_code("torch")
    assert "import torch\nfrom torch import nn\n" in code
    assert "self.lstm = nn.LSTM(1, 32, batch_first=True)" in code
    assert "x, _ = self.lstm(x)  # (N, 8, 32)" in code and "x = x.select(1, -1)  # (N, 32)" in code
    assert "return x" in code and '"""x (N, 8, 1) -> (N, 2); 4,546 parameters."""' in code
    ast.parse(code)


def test_branching_code_names_results_after_the_blocks():
    code = DESIGNS["branches"]().to_code("nnstudio")
    assert "import nnstudio\nfrom nnstudio import nn\n" in code
    assert "both = nnstudio.cat([gate, meta], dim=1)" in code and "gate = flat * gate_act" in code
    assert "def forward(self, img, meta):" in code and "return head, gate" in code
    assert "self.ln = nn.LayerNorm(16)" in code and "self.head = nn.Linear(16, 3, bias=False)" in code
    assert "nn.Conv2d(1, 3, 3, stride=2, padding=1)" in code


def test_defaults_are_left_out_and_non_torch_defaults_written():
    g = ModelGraph()
    g.input("x", (4,))
    g.add("Softmax", name="p")
    g.output("p")
    assert "nn.Softmax(dim=-1)" in g.to_code()  # torch's default is None (implicit dim): always write it


def test_a_broken_design_cannot_be_exported():
    g = starters.load("mlp")
    g.update("head", in_features=3)
    with pytest.raises(GraphBuildError, match="cannot export the design"):
        g.to_code("torch")
    with pytest.raises(ValueError, match="flavor"):
        starters.load("mlp").to_code("jax")
    with pytest.raises(ValueError, match="class_name"):
        starters.load("mlp").to_code(class_name="my model")
