"""`nnstudio.save` / `load`: state dicts and torch-style training checkpoints round-trip through .npz files
that load without pickle; resuming from a checkpoint continues exactly; bad input is refused clearly."""

from __future__ import annotations

import io
import math
from collections import OrderedDict

import numpy as np
import pytest

import nnstudio
import nnstudio.nn as nn


def _model():
    nnstudio.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def _batches():
    rng = np.random.default_rng(0)
    return [(nnstudio.tensor(rng.standard_normal((16, 4)).astype(np.float32)), nnstudio.tensor(rng.integers(0, 3, 16)))
            for _ in range(4)]


def _train(model, opt, sched, batches):
    losses = []
    for x, y in batches:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    return losses


def test_a_flat_state_dict_is_one_array_per_key(tmp_path):
    m = _model()
    path = tmp_path / "weights.pt"
    nnstudio.save(m.state_dict(), path)
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == sorted(m.state_dict())
    loaded = nnstudio.load(path)
    assert isinstance(loaded, OrderedDict) and list(loaded) == list(m.state_dict())
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(loaded[k].numpy(), v.numpy())


def test_the_classic_checkpoint_resumes_training_exactly(tmp_path):
    """torch's tutorial pattern: save epoch, model, optimizer, scheduler and loss; load them into fresh objects;
    the resumed run gives the same losses and weights as the run that never stopped."""
    batches = _batches()
    model = _model()
    opt = nnstudio.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.99))
    sched = nnstudio.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    _train(model, opt, sched, batches[:2])
    path = tmp_path / "checkpoint.tar"
    nnstudio.save({"epoch": 2, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
                   "scheduler": sched.state_dict(), "loss": 0.5, "note": "after 2 steps", "best": None}, path)
    straight = _train(model, opt, sched, batches[2:])

    model2 = _model()
    opt2 = nnstudio.optim.Adam(model2.parameters(), lr=0.01, betas=(0.8, 0.99))
    sched2 = nnstudio.optim.lr_scheduler.StepLR(opt2, step_size=3, gamma=0.5)
    ckpt = nnstudio.load(path)
    assert ckpt["epoch"] == 2 and ckpt["loss"] == 0.5 and ckpt["note"] == "after 2 steps" and ckpt["best"] is None
    assert ckpt["optimizer_state_dict"]["param_groups"][0]["betas"] == (0.8, 0.99)  # tuples stay tuples
    assert sorted(ckpt["optimizer_state_dict"]["state"]) == [0, 1, 2, 3]  # int keys stay ints
    model2.load_state_dict(ckpt["model_state_dict"])
    opt2.load_state_dict(ckpt["optimizer_state_dict"])
    sched2.load_state_dict(ckpt["scheduler"])
    resumed = _train(model2, opt2, sched2, batches[2:])
    assert resumed == straight
    for a, b in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_nested_values_round_trip_to_a_file_object():
    obj = {"ints": [1, 2, (3, 4)], "floats": {1.5: math.inf, "nan": math.nan}, "flags": {True: False},
           "array": np.arange(6, dtype=np.int16).reshape(2, 3), "t": nnstudio.ones(2, requires_grad=True),
           "od": OrderedDict(b=1, a=2), "empty": {}, "np_scalar": np.float32(0.25), "n": np.int64(7)}
    buf = io.BytesIO()
    nnstudio.save(obj, buf)
    buf.seek(0)
    out = nnstudio.load(buf, weights_only=False)  # NumPy arrays and scalars: as torch, not with weights_only
    assert out["ints"] == [1, 2, (3, 4)]
    assert out["floats"][1.5] == math.inf and math.isnan(out["floats"]["nan"])
    assert out["flags"] == {True: False}
    assert out["array"].dtype == np.int16 and out["array"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert out["t"].requires_grad and out["t"].tolist() == [1.0, 1.0]
    assert isinstance(out["od"], OrderedDict) and list(out["od"]) == ["b", "a"]
    assert out["empty"] == {} and out["np_scalar"] == 0.25 and out["n"] == 7
    assert type(out["np_scalar"]) is np.float32 and type(out["n"]) is np.int64


def test_map_location_moves_every_tensor(tmp_path):
    path = tmp_path / "c.npz"
    nnstudio.save({"w": {"inner": nnstudio.ones(2)}, "step": 3}, path)
    out = nnstudio.load(path, map_location="cpu")
    assert out["w"]["inner"].device == nnstudio.device("cpu")


def test_what_needs_pickle_is_refused_clearly_and_nothing_is_written(tmp_path):
    path = tmp_path / "m.pt"  # (a whole module is saved without pickle: tests/test_saved_modules.py)
    with pytest.raises(TypeError, match=r"the object\['fn'\] is a function"):
        nnstudio.save({"fn": lambda x: x}, path)
    with pytest.raises(TypeError, match="keys must be str, int, float or bool"):
        nnstudio.save({(1, 2): 3}, path)
    with pytest.raises(TypeError, match="Python objects"):
        nnstudio.save({"a": np.array([object()])}, path)
    assert not path.exists()


def test_a_broken_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"not a zip file")
    with pytest.raises(RuntimeError, match="is not a weights file or checkpoint saved by nnstudio.save"):
        nnstudio.load(path)
    bad = tmp_path / "bad.npz"
    np.savez(bad, __structure__=np.frombuffer(b"{not json", dtype=np.uint8))
    with pytest.raises(RuntimeError, match="is not a weights file or checkpoint saved by nnstudio.save"):
        nnstudio.load(bad)


def _checkpoint(lib):
    from collections import OrderedDict as OD

    return {"w": lib.ones(2), "epoch": 3, "lr": 0.1, "name": "run1", "hist": [0.5, 0.25], "flag": True,
            "none": None, "od": OD(a=lib.zeros(2, dtype=lib.long)), "plain": {"x": lib.ones(1, dtype=lib.float64)},
            "param": lib.nn.Parameter(lib.ones(2)), "grad": lib.ones(2, requires_grad=True), "tuple": (1, "a"),
            "int_keys": {1: "a", 2: lib.ones(1)}, "bytes": b"xy", "complex": 1 + 2j, "set": {1, 2},
            "dtype": lib.float64, "device": lib.device("cpu"), "size": lib.Size([2, 3]), "nan": math.nan,
            "state_dict": lib.nn.Linear(2, 1).state_dict(), "bools": lib.tensor([True, False])}


def _picture(obj):
    """Types and values, containers included, so that a round trip can be compared with torch's."""
    if hasattr(obj, "detach"):
        return (type(obj).__name__, str(obj.dtype).split(".")[-1], obj.requires_grad, tuple(obj.shape))
    if isinstance(obj, dict):
        return (type(obj).__name__, [(k, _picture(v)) for k, v in obj.items()])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [_picture(v) for v in obj])
    if isinstance(obj, float) and math.isnan(obj):
        return ("float", "nan")
    return (type(obj).__name__, str(obj).replace("nnstudio", "torch"))


def test_checkpoint_of_plain_values_round_trips_as_torch(tmp_path):
    torch = pytest.importorskip("torch")
    pictures = []
    for lib in (nnstudio, torch):
        path = tmp_path / f"{lib.__name__}.pt"
        lib.save(_checkpoint(lib), path)
        pictures.append(_picture(lib.load(path)))
    assert pictures[0] == pictures[1]


@pytest.mark.parametrize("value", [np.ones(2), np.float32(1.5), frozenset({1})], ids=["array", "scalar", "frozenset"])
def test_weights_only_refuses_what_torch_refuses(tmp_path, value):
    import pickle

    torch = pytest.importorskip("torch")
    for lib in (nnstudio, torch):
        path = tmp_path / f"{lib.__name__}.pt"
        lib.save({"v": value}, path)
        with pytest.raises(pickle.UnpicklingError):
            lib.load(path)
        back = lib.load(path, weights_only=False)["v"]
        assert type(back) is type(value) and np.array_equal(np.asarray(back), np.asarray(value))
