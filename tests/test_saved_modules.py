"""Whole modules through nnstudio.save / load (torch.save(model) / torch.load(..., weights_only=False)), no pickle."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnstudio as torch
from nnstudio import nn
from nnstudio.serialization import LoadError


class TiedLanguageModel(nn.Module):
    """The word-language-model shape: an embedding tied to the decoder, an LSTM, plain attributes."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Embedding(11, 6)
        self.rnn = nn.LSTM(6, 6, 2)
        self.decoder = nn.Linear(6, 11)
        self.decoder.weight = self.encoder.weight
        self.rnn_type, self.nhid, self.sizes, self.act = "LSTM", 6, {"a": (1, 2)}, torch.tanh
        self.register_buffer("scale", torch.full((6,), 0.5))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)

    def forward(self, x):
        out, _ = self.rnn(self.encoder(x))
        return self.decoder(self.act(out) * self.scale)


BUILT_IN = [
    lambda: nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Dropout(0.3), nn.Linear(16, 3)),
    lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2),
    lambda: nn.ModuleDict({"gru": nn.GRU(4, 5, batch_first=True), "heads": nn.ModuleList([nn.Linear(5, 2)])}),
]
INPUTS = [(2, 2, 4, 4), (2, 3, 8), None]


def _save_load(obj, tmp_path, **load_kwargs):
    path = tmp_path / "whole.pt"
    torch.save(obj, path)
    return torch.load(path, **load_kwargs)


def test_tied_language_model_round_trips_with_weights_only_false(tmp_path):
    torch.manual_seed(0)
    model = TiedLanguageModel().eval()
    x = torch.randint(0, 11, (5, 2))
    back = _save_load(model, tmp_path, weights_only=False)
    assert type(back) is TiedLanguageModel and back.training is False
    assert back.decoder.weight is back.encoder.weight  # tying survives
    assert isinstance(back.decoder.weight, nn.Parameter) and back.decoder.weight.requires_grad
    assert back.rnn_type == "LSTM" and back.sizes == {"a": (1, 2)} and back.act is torch.tanh
    assert list(back.state_dict()) == list(model.state_dict())  # keys and order, non-persistent buffer left out
    np.testing.assert_array_equal(back(x).detach().numpy(), model(x).detach().numpy())
    back.train()
    back(x).sum().backward()  # trains on: gradients reach the tied weight
    assert back.encoder.weight.grad is not None


@pytest.mark.parametrize("index", range(len(BUILT_IN)))
def test_built_in_modules_round_trip(index, tmp_path):
    torch.manual_seed(index)
    model = BUILT_IN[index]().eval()
    back = _save_load(model, tmp_path, weights_only=False)
    assert repr(back) == repr(model)
    for (k, a), (k2, b) in zip(model.state_dict().items(), back.state_dict().items(), strict=True):
        assert k == k2 and np.array_equal(a.numpy(), b.numpy())
    if INPUTS[index] is not None:
        x = torch.randn(*INPUTS[index])
        np.testing.assert_array_equal(back(x).detach().numpy(), model(x).detach().numpy())


def test_weights_only_load_refuses_a_module_and_says_how(tmp_path):
    torch.save(TiedLanguageModel(), tmp_path / "m.pt")
    with pytest.raises(LoadError, match=r"TiedLanguageModel.*weights_only=False"):
        torch.load(tmp_path / "m.pt")


def test_safe_globals_allow_a_module_with_weights_only(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2))
    torch.save(model, tmp_path / "m.pt")
    with torch.serialization.safe_globals([nn.Sequential, nn.Linear]):
        back = torch.load(tmp_path / "m.pt", weights_only=True)
    assert repr(back) == repr(model)


def test_unsaveable_attribute_is_named(tmp_path):
    model = nn.Linear(2, 2)
    model.scorer = lambda x: x  # a lambda cannot be found again by name
    with pytest.raises(TypeError, match=r"scorer.*cannot be found again"):
        torch.save(model, tmp_path / "m.pt")
    assert not (tmp_path / "m.pt").exists()


def _tamper(path, change):
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    structure = json.loads(bytes(arrays["__structure__"]).decode())
    change(structure)
    arrays["__structure__"] = np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8)
    np.savez(path, **arrays)


def test_a_file_naming_a_function_as_its_module_class_is_refused(tmp_path):
    path = tmp_path / "m.npz"
    torch.save(nn.Linear(2, 2), path)
    _tamper(path, lambda s: s["root"]["object"].update(module="os:system"))
    with pytest.raises(LoadError, match="not an nn.Module class"):
        torch.load(path, weights_only=False)
    _tamper(path, lambda s: s["root"]["object"].update(module="nnstudio_no_such_package:Net"))
    with pytest.raises(LoadError, match="cannot be imported"):
        torch.load(path, weights_only=False)
