"""The nn layout move (issue 12) changed files, not names: every import path of `nnstudio.nn`, its functional and
`nnstudio.nn.modules.<torch file>` recorded before the move still gives the same objects, and a whole model
saved before it still loads."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

import nnstudio as torch
from nnstudio import nn
from nnstudio.nn import functional as F

HERE = Path(__file__).resolve().parent
RECORDED = json.loads((HERE / "import_paths_before_the_layout_move.json").read_text())
SAVED = HERE / "whole_model_saved_before_the_layout_move.pt"


def test_every_name_recorded_before_the_move_is_still_there():
    missing = {path: [n for n in names if not hasattr(importlib.import_module(path), n)]
               for path, names in RECORDED.items()}
    assert {path: names for path, names in missing.items() if names} == {}


def test_torch_file_paths_give_the_nn_classes_themselves():
    for path, names in RECORDED.items():
        if path.startswith("nnstudio.nn.modules."):
            module = importlib.import_module(path)
            for name in names:
                if hasattr(nn, name):
                    assert getattr(module, name) is getattr(nn, name), f"{path}.{name}"


def test_the_modules_package_attributes_are_its_own_files():
    """`nnstudio.nn.modules.activation` read as an attribute (before anything imported the submodule by its full
    name) is the torch-named file: run in a fresh interpreter, since importing the file by name fixes the attribute."""
    leaves = [p.rsplit(".", 1)[1] for p in RECORDED if p.startswith("nnstudio.nn.modules.")]
    code = f"import nnstudio.nn.modules as M; print(' '.join(getattr(M, n).__name__ for n in {leaves!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [f"nnstudio.nn.modules.{n}" for n in leaves]


def _model_saved_before():
    """How the fixture was made (with the layout before the move, seed 0): one class of each old file."""
    torch.manual_seed(0)
    m = nn.ModuleDict({
        "relu": nn.ReLU(), "prelu": nn.PReLU(3), "celu": nn.CELU(0.5), "pixel_shuffle": nn.PixelShuffle(2),
        "alpha_dropout": nn.AlphaDropout(0.2), "adaptive": nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4]),
        "attention": nn.MultiheadAttention(8, 2), "sequential": nn.Sequential(nn.Linear(3, 2)),
        "parameter_dict": nn.ParameterDict({"w": nn.Parameter(torch.ones(2))}), "conv": nn.Conv2d(2, 3, 3),
        "conv_t": nn.ConvTranspose2d(3, 2, 3), "ctc": nn.CTCLoss(), "cosine": nn.CosineSimilarity(),
        "triplet": nn.TripletMarginLoss(), "dropout": nn.Dropout(0.1), "bag": nn.EmbeddingBag(10, 4),
        "flatten": nn.Flatten(), "fold": nn.Fold((4, 4), 2), "fractional": nn.FractionalMaxPool2d(2, (3, 3)),
        "instance": nn.InstanceNorm1d(3, affine=True), "linear": nn.Linear(4, 2), "mse": nn.MSELoss(),
        "ranking": nn.MarginRankingLoss(), "multilabel": nn.MultiLabelSoftMarginLoss(),
        "batchnorm": nn.BatchNorm1d(3), "layernorm": nn.LayerNorm(4), "rms": nn.RMSNorm(4),
        "pad": nn.ZeroPad2d(1), "maxpool": nn.MaxPool2d(2), "lppool": nn.LPPool2d(2, 2), "lstm": nn.LSTM(3, 4),
        "embedding": nn.Embedding(10, 3), "encoder": nn.TransformerEncoderLayer(8, 2, 16),
        "upsample": nn.Upsample(scale_factor=2),
    })
    m.fn = F.hardswish   # a function saved by name
    return m


def test_a_whole_model_saved_before_the_move_loads_with_the_same_classes_and_weights():
    structure = bytes(np.load(SAVED)["__structure__"]).decode()
    assert '"nnstudio.nn.activation_extra:PReLU"' in structure   # the file names the old module paths
    loaded, fresh = torch.load(SAVED, weights_only=False), _model_saved_before()
    assert [(k, type(v)) for k, v in loaded.named_modules()] == [(k, type(v)) for k, v in fresh.named_modules()]
    assert loaded.fn is F.hardswish and loaded["encoder"].activation is F.relu
    ours, theirs = loaded.state_dict(), fresh.state_dict()
    assert list(ours) == list(theirs)
    # the fixture's weights were drawn by the random stream of its day (not torch's, which nnstudio has drawn
    # since): each loaded tensor is one of the arrays stored in the file, bit for bit, with the fresh one's shape
    stored = [a for k, a in np.load(SAVED, allow_pickle=False).items() if k.startswith("__t")]
    for key in ours:
        assert ours[key].shape == theirs[key].shape, key
        assert any(a.shape == tuple(ours[key].shape) and np.array_equal(a, ours[key].numpy()) for a in stored), key
    fresh.load_state_dict(ours)
    x = torch.randn(2, 4)
    np.testing.assert_array_equal(loaded["linear"](x).detach().numpy(), fresh["linear"](x).detach().numpy())


def test_a_functional_is_saved_under_its_public_path(tmp_path):
    """`F.hardswish` is defined in the private nn/_functional/activation.py; a saved file names nn.functional."""
    model = nn.Sequential(nn.Linear(2, 2))
    model.fn = F.hardswish
    torch.save(model, tmp_path / "m.pt")
    structure = bytes(np.load(tmp_path / "m.pt")["__structure__"]).decode()
    assert '"nnstudio.nn.functional:hardswish"' in structure and "_functional" not in structure
    assert torch.load(tmp_path / "m.pt", weights_only=False).fn is F.hardswish
