"""`%nnstudio model` and `Studio(model=...)` open a model written as a class (traced by from_module), with its
weights: the Studio trains the module's own weights. (The magic function is called as IPython calls it, with the
notebook's namespace; test_magics.py covers the registration in a real shell.)"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import nnstudio
from nnstudio.studio.magics import MagicError, nnstudio_magic, parse_line, parse_options

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "graph"))
from trace_models import SequenceClassifier, SimpleNN, TinyTransformer  # noqa: E402


def test_parse_options_reads_the_shape():
    assert parse_options("net --shape 28,28") == ("net", None, (28, 28))
    assert parse_options("net --data digits --input-shape=1,8,8") == ("net", "digits", (1, 8, 8))
    assert parse_line("net --shape 2 --data spiral") == ("net", "spiral")
    with pytest.raises(MagicError, match="--shape takes"):
        parse_options("net --shape 0,x")
    with pytest.raises(MagicError, match="--shape needs"):
        parse_options("net --shape")


def test_magic_opens_a_model_class_with_a_shape(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    studio = nnstudio_magic("net --shape 28,28", local_ns={"net": SimpleNN()})
    try:
        graph = studio.builder.graph
        assert list(graph) == ["x", "flatten1", "fc1", "act1", "fc2", "out"] and graph.infer_shapes().ok
    finally:
        studio.close()


def test_magic_asks_for_the_shape_of_a_module():
    with pytest.raises(MagicError, match="--shape 28,28"):
        nnstudio_magic("net", local_ns={"net": SimpleNN()})


def test_studio_trains_the_notebook_models_from_their_weights(tmp_path):
    nnstudio.manual_seed(0)
    model = SequenceClassifier("LSTM")
    s = nnstudio.Studio(model=model, data="sequence", folder=tmp_path, epochs=1)
    try:
        assert s.builder.view["ok"]
        x = nnstudio.from_numpy(np.asarray(s.trainer.data.X_val[:4], dtype=np.float32)) \
            if hasattr(s.trainer.data, "X_val") else nnstudio.randn(4, 8, 1)
        model.eval()
        trained = s.trainer.model
        trained.eval()
        with nnstudio.no_grad():
            np.testing.assert_allclose(trained(x).numpy(), model(x).numpy(), rtol=1e-5, atol=1e-6)
        s.trainer.step(1)
    finally:
        s.close()
    s = nnstudio.Studio(model=TinyTransformer(), input_shape=(15, 1), folder=tmp_path, epochs=1)
    try:
        assert s.builder.view["ok"] and "position" in s.builder.graph
    finally:
        s.close()
