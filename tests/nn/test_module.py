"""nn.Module's torch surface: registration, traversal, state_dict round trips, modes, moves, hooks, repr,
and the containers."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch

import nnstudio
import nnstudio.nn as nn


class Net(nn.Module):
    def __init__(self, lib=nn):
        super().__init__()
        self.fc1 = lib.Linear(4, 3)
        self.act = lib.ReLU()
        self.head = lib.Sequential(lib.Linear(3, 3), lib.Tanh(), lib.Linear(3, 2, bias=False))
        self.register_buffer("steps", nnstudio.zeros(1))
        self.register_buffer("scratch", nnstudio.zeros(2), persistent=False)

    def forward(self, x):
        return self.head(self.act(self.fc1(x)))


class TorchNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        nn_ = torch.nn
        self.fc1 = nn_.Linear(4, 3)
        self.act = nn_.ReLU()
        self.head = nn_.Sequential(nn_.Linear(3, 3), nn_.Tanh(), nn_.Linear(3, 2, bias=False))
        self.register_buffer("steps", torch.zeros(1))
        self.register_buffer("scratch", torch.zeros(2), persistent=False)


def test_names_and_shapes_equal_torch():
    ours, theirs = Net(), TorchNet()
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
           [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert len(list(ours.children())) == 3 and len(list(ours.modules())) == 7
    assert len(list(ours.parameters())) == 5 and len(list(ours.buffers())) == 2
    assert [n for n, _ in ours.named_parameters(recurse=False)] == []


def test_shared_parameters_are_listed_once():
    m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    m[1].weight = m[0].weight
    assert len(list(m.parameters())) == 3


def test_state_dict_round_trip_with_torch_both_ways():
    ours, theirs = Net(), TorchNet()
    ours.load_state_dict(theirs.state_dict())  # torch tensors
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[k].numpy(), v.numpy())
    ours2 = Net()
    ours2.load_state_dict({k: v.numpy() for k, v in ours.state_dict().items()})  # NumPy arrays
    theirs2 = TorchNet()
    theirs2.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours2.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(ours2(nnstudio.tensor(x)).detach().numpy(),
                               theirs2.head(theirs2.act(theirs2.fc1(torch.tensor(x)))).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_load_state_dict_errors_list_every_problem_and_change_nothing():
    m = Net()
    before = m.fc1.weight.detach().numpy().copy()
    sd = {k: v.numpy() for k, v in m.state_dict().items()}
    sd["fc1.weight"] = np.ones((5, 4), np.float32)
    sd["fc1.bias"] = np.ones(3, np.float32) * 9
    del sd["head.0.bias"]
    sd["extra.weight"] = np.ones(1)
    with pytest.raises(RuntimeError) as err:
        m.load_state_dict(sd)
    msg = str(err.value)
    assert "Missing key(s) in state_dict: \"head.0.bias\"" in msg
    assert "Unexpected key(s) in state_dict: \"extra.weight\"" in msg
    assert "size mismatch for fc1.weight: copying a param with shape [5, 4]" in msg
    assert "the shape in current model is [3, 4]" in msg
    np.testing.assert_array_equal(m.fc1.weight.detach().numpy(), before)
    assert not np.any(m.fc1.bias.detach().numpy() == 9)


def test_load_state_dict_non_strict_reports_keys():
    m = Net()
    sd = {k: v for k, v in m.state_dict().items() if k != "steps"}
    sd["bogus"] = nnstudio.zeros(1)
    res = m.load_state_dict(sd, strict=False)
    assert res.missing_keys == ["steps"] and res.unexpected_keys == ["bogus"]


def test_state_dict_shares_memory_and_is_detached():
    m = nn.Linear(2, 2)
    sd = m.state_dict()
    assert not sd["weight"].requires_grad
    sd["weight"]._data[0, 0] = 42
    assert m.weight.detach().numpy()[0, 0] == 42


def test_train_eval_zero_grad_requires_grad():
    m = Net()
    assert m.training and all(c.training for c in m.modules())
    m.eval()
    assert not m.training and not m.head[0].training
    m.train()
    assert m.head[2].training
    m(nnstudio.randn(2, 4)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_dtype_and_apply():
    m = Net().double()
    assert all(p.dtype == nnstudio.float64 for p in m.parameters())
    assert m(nnstudio.randn(2, 4, dtype=nnstudio.float64)).dtype == nnstudio.float64
    m.to(nnstudio.float32)
    assert m.fc1.weight.dtype == nnstudio.float32
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Tanh", "Linear", "Sequential", "Net"]
    m.apply(lambda mod: nn.init.zeros_(mod.weight) if isinstance(mod, nn.Linear) else None)
    assert not m.fc1.weight.detach().numpy().any()


def test_forward_hooks_and_pre_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: calls.append(("pre", args[0].shape)))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 0)
    out = m(nnstudio.ones(3, 2))
    assert calls == [("pre", (3, 2))] and not out.detach().numpy().any()
    h1.remove()
    h2.remove()
    assert m(nnstudio.ones(3, 2)).detach().numpy().any() and len(calls) == 1


def test_repr_matches_torch():
    ours, theirs = Net(), TorchNet()
    assert repr(ours).replace("Net", "X") == repr(theirs).replace("TorchNet", "X")
    assert repr(nn.Linear(3, 2)) == repr(torch.nn.Linear(3, 2))
    assert repr(nn.Dropout(0.3)) == repr(torch.nn.Dropout(0.3))
    assert repr(nn.Flatten()) == repr(torch.nn.Flatten())
    assert repr(nn.LeakyReLU(0.2)) == repr(torch.nn.LeakyReLU(0.2))
    assert repr(nn.GELU(approximate="tanh")) == repr(torch.nn.GELU(approximate="tanh"))
    assert repr(nn.Softmax(dim=1)) == repr(torch.nn.Softmax(dim=1))


def test_attribute_errors_and_registration_rules():
    m = nn.Linear(2, 2)
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        m.nope
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        m.weight = nnstudio.ones(2, 2)
    m.weight = nn.Parameter(nnstudio.ones(2, 2))
    assert m.weight.requires_grad and "weight" in dict(m.named_parameters())
    del m.bias
    assert "bias" not in dict(m.named_parameters())


def test_sequential():
    s = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(s) == 3 and isinstance(s[1], nn.ReLU) and isinstance(s[-1], nn.Linear)
    assert isinstance(s[:2], nn.Sequential) and len(s[:2]) == 2
    assert [type(m).__name__ for m in s] == ["Linear", "ReLU", "Linear"]
    s.append(nn.Sigmoid())
    assert list(dict(s.named_children())) == ["0", "1", "2", "3"]
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"]
    assert s(nnstudio.ones(4, 2)).shape == (4, 1)
    with pytest.raises(TypeError, match="argument 0"):
        nn.Sequential(3)


def test_sequential_error_names_the_layer():
    s = nn.Sequential(nn.Linear(10, 5), nn.Linear(7, 2))
    with pytest.raises(RuntimeError, match=r"in layer \(1\): Linear\(in_features=7"):
        s(nnstudio.ones(3, 10))


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    ml.append(nn.ReLU())
    assert len(ml) == 4 and len(list(ml.parameters())) == 6
    assert list(dict(ml.named_parameters()))[:2] == ["0.weight", "0.bias"]
    tl = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)])
    assert [n for n, _ in ml.named_parameters()] == [n for n, _ in tl.named_parameters()]
    md = nn.ModuleDict({"enc": nn.Linear(2, 3), "dec": nn.Linear(3, 2)})
    assert "enc" in md and list(md.keys()) == ["enc", "dec"]
    assert list(md.state_dict()) == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    md["act"] = nn.ReLU()
    assert len(md) == 3
    assert isinstance(md.pop("act"), nn.ReLU) and len(md) == 2


def test_save_and_load_npz_without_pickle(tmp_path):
    m = Net()
    path = tmp_path / "w.npz"
    nnstudio.save(m.state_dict(), path)
    with np.load(path, allow_pickle=False) as data:
        assert sorted(data.files) == sorted(m.state_dict())
    m2 = Net()
    m2.load_state_dict(nnstudio.load(path))
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(m2.state_dict()[k].numpy(), v.numpy())
    bad = tmp_path / "bad.npz"
    np.savez(bad, obj=np.array([{"a": 1}], dtype=object))
    with pytest.raises(RuntimeError, match="not a weights file"):
        nnstudio.load(bad)
    with pytest.raises(TypeError, match="not pickled"):
        import pickle

        pickle.dumps(m)


def test_module_to_device(device):
    m = Net().to(device)
    assert all(p.device.type == device for p in m.parameters())
    out = m(nnstudio.randn(2, 4, device=device))
    assert out.device.type == device


def test_deepcopy_gives_an_independent_model():
    import copy

    m = Net()
    m(nnstudio.randn(2, 4)).sum().backward()
    c = copy.deepcopy(m)
    assert type(c) is Net and list(c.state_dict()) == list(m.state_dict())
    assert isinstance(c.fc1.weight, nn.Parameter) and c.fc1.weight.requires_grad
    assert c.fc1.weight is not m.fc1.weight and c.fc1.weight.grad is not None
    np.testing.assert_array_equal(c.fc1.weight.detach().numpy(), m.fc1.weight.detach().numpy())
    with nnstudio.no_grad():
        c.fc1.weight.add_(1)
    assert not np.allclose(c.fc1.weight.detach().numpy(), m.fc1.weight.detach().numpy())
    assert "steps" in dict(c.named_buffers())
    with pytest.raises(RuntimeError, match="deepcopy"):
        copy.deepcopy(m.fc1.weight * 2)


def test_load_state_dict_result_prints_as_torch():
    m, t = nnstudio.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    assert repr(m.load_state_dict(m.state_dict())) == repr(t.load_state_dict(t.state_dict()))


def test_module_list_repr_groups_repeats_as_torch():
    def build(L):
        return L.nn.ModuleList([L.nn.Linear(2, 2), L.nn.Linear(2, 2), L.nn.ReLU(), L.nn.Linear(2, 3)])
    assert repr(build(nnstudio)) == repr(build(torch))


def test_load_state_dict_pre_hook_sees_the_prefix_and_may_edit_the_dict_as_torch():
    seen = {}
    for lib in (nnstudio, torch):
        model = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Linear(2, 1))
        calls = []

        def hook(module, state_dict, prefix, local_metadata, strict, missing, unexpected, errors, calls=calls):
            calls.append((type(module).__name__, prefix, strict))
            state_dict[prefix + "bias"] = state_dict[prefix + "bias"] * 0 + 7

        handle = model[1].register_load_state_dict_pre_hook(hook)
        state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(state)
        assert float(model[1].bias.detach()[0]) == 7.0
        handle.remove()
        model.load_state_dict({k: v * 0 for k, v in state.items()})
        seen[lib.__name__] = calls
    assert seen["nnstudio"] == seen["torch"] == [("Linear", "1.", True)]
