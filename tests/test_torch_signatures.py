"""Call compatibility with torch 2.13: the parameter names and defaults of the most used callables (where torch
exposes a Python signature), and keyword calls of the builtins that do not (torch.flip(x, dims=...), ...)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

#: (dotted path, ...) of callables real programs call with keywords: nn layers, functional, init, optim, data
MOST_USED = [
    "nn.Linear", "nn.Conv1d", "nn.Conv2d", "nn.ConvTranspose2d", "nn.BatchNorm1d", "nn.BatchNorm2d",
    "nn.LayerNorm", "nn.GroupNorm", "nn.InstanceNorm2d", "nn.Embedding", "nn.LSTM", "nn.GRU", "nn.RNN",
    "nn.LSTMCell", "nn.GRUCell", "nn.Dropout", "nn.MaxPool2d", "nn.AvgPool2d", "nn.AdaptiveAvgPool2d",
    "nn.Upsample", "nn.PixelShuffle", "nn.ReflectionPad2d", "nn.LeakyReLU", "nn.GELU", "nn.Softmax",
    "nn.MultiheadAttention", "nn.TransformerEncoderLayer", "nn.TransformerEncoder", "nn.TransformerDecoderLayer",
    "nn.Transformer", "nn.CrossEntropyLoss", "nn.NLLLoss", "nn.MSELoss", "nn.BCELoss", "nn.BCEWithLogitsLoss",
    "nn.SmoothL1Loss", "nn.KLDivLoss", "nn.Flatten", "nn.Unflatten", "nn.Identity", "nn.Sequential",
    "nn.functional.cross_entropy", "nn.functional.nll_loss", "nn.functional.binary_cross_entropy",
    "nn.functional.binary_cross_entropy_with_logits", "nn.functional.kl_div", "nn.functional.smooth_l1_loss",
    "nn.functional.softmax", "nn.functional.log_softmax", "nn.functional.dropout", "nn.functional.interpolate",
    "nn.functional.pad", "nn.functional.normalize", "nn.functional.mse_loss", "nn.functional.l1_loss",
    "nn.functional.huber_loss", "nn.Hardtanh", "nn.functional.max_pool2d_with_indices",
    "nn.functional.embedding", "nn.functional.layer_norm",
    "nn.functional.batch_norm", "nn.functional.max_pool2d",
    "nn.functional.leaky_relu", "nn.functional.grid_sample",
    "nn.init.uniform_", "nn.init.normal_", "nn.init.xavier_uniform_", "nn.init.xavier_normal_",
    "nn.init.kaiming_uniform_", "nn.init.kaiming_normal_", "nn.init.trunc_normal_", "nn.init.orthogonal_",
    "nn.init.zeros_", "nn.init.constant_", "nn.init.dirac_", "nn.init.eye_", "nn.init.sparse_",
    "nn.utils.clip_grad_norm_", "nn.utils.clip_grad_value_",
    "optim.SGD", "optim.Adam", "optim.AdamW", "optim.RMSprop", "optim.Adadelta", "optim.Adagrad", "optim.LBFGS",
    "optim.lr_scheduler.StepLR", "optim.lr_scheduler.CosineAnnealingLR", "optim.lr_scheduler.OneCycleLR",
    "optim.lr_scheduler.ReduceLROnPlateau", "optim.lr_scheduler.LambdaLR", "optim.lr_scheduler.ExponentialLR",
    "optim.lr_scheduler.MultiStepLR", "optim.lr_scheduler.LinearLR", "optim.lr_scheduler.SequentialLR",
    "utils.data.DataLoader", "utils.data.random_split", "utils.data.TensorDataset", "save", "load",
    "manual_seed", "Tensor.split", "compile", "from_dlpack",
]

#: torch parameters nnstudio need not take, and why
IGNORED = {"_stacklevel": "private, deprecated", "self": "the instance"}
#: defaults that differ in spelling only, and why
SAME_MEANING = {
    ("utils.data.DataLoader", "shuffle"): "torch's None means False",
    ("utils.data.random_split", "generator"): "torch's default_generator; nnstudio's None is its global stream",
    ("load", "weights_only"): "torch's None means True since 2.6",
    ("save", "pickle_module"): "accepted and unused: nnstudio's files hold no pickle",
}


def _resolve(root, path: str):
    obj = root
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _params(fn):
    return inspect.signature(fn.__init__ if isinstance(fn, type) else fn).parameters


@pytest.mark.parametrize("path", MOST_USED)
def test_parameter_names_and_defaults_match_torch(path: str):
    theirs, ours = _params(_resolve(torch, path)), _params(_resolve(nnstudio, path))
    takes_any = any(p.kind == p.VAR_KEYWORD for p in ours.values())
    problems = []
    for name, p in theirs.items():
        if name in IGNORED or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if name not in ours:
            if not takes_any:
                problems.append(f"no keyword {name!r}")
            continue
        q = ours[name]
        if p.default is p.empty or (path, name) in SAME_MEANING or callable(p.default):
            continue
        if q.default is q.empty:
            problems.append(f"{name!r} is required, torch's default is {p.default!r}")
        elif type(q.default) is not type(p.default) and not (
                isinstance(p.default, (int, float)) and isinstance(q.default, (int, float))):
            problems.append(f"{name!r} default {q.default!r}, torch's {p.default!r}")
        elif q.default != p.default:
            problems.append(f"{name!r} default {q.default!r}, torch's {p.default!r}")
    assert not problems, f"{path}: " + "; ".join(problems)


def _keyword_calls(lib):
    x = lib.tensor(np.arange(12.0, dtype=np.float32).reshape(3, 4))
    idx = lib.tensor([[0, 1], [2, 3], [1, 0]])
    return [
        lib.flip(x, dims=[1]), x.flip(dims=(0,)), lib.sum(x, dim=0, keepdim=True), x.sum(dim=1),
        lib.cat(tensors=[x, x], dim=0), lib.stack([x, x], dim=1), lib.max(x, dim=1, keepdim=True)[0],
        lib.transpose(x, dim0=0, dim1=1), x.permute(dims=(1, 0)), lib.clamp(x, min=2.0, max=5.0),
        lib.argmax(x, dim=1, keepdim=True), lib.topk(x, k=2, dim=1, largest=False, sorted=True)[0],
        lib.gather(x, dim=1, index=idx), x.masked_fill(mask=x > 5, value=0.0),
        lib.where(condition=x > 5, input=x, other=lib.zeros_like(x)), lib.arange(start=0, end=6, step=2),
        lib.zeros(size=(2, 3)), lib.full(size=(2,), fill_value=3.0), lib.linspace(start=0, end=1, steps=5),
        x.to(dtype=lib.float64), x.mean(dim=1, keepdim=True), x.softmax(dim=-1), lib.norm(x, p=2, dim=1),
        x.view(size=(4, 3)), x.reshape(shape=(4, 3)), lib.reshape(x, shape=(2, 6)),
        lib.cumsum(x, dim=1), x.std(dim=0, unbiased=False),
        lib.split(x, split_size_or_sections=2, dim=1)[1], x.split(split_size=1, dim=0)[2],
        lib.chunk(x, chunks=2, dim=1)[0], lib.roll(x, shifts=1, dims=1), lib.squeeze(x[None], dim=0),
        lib.matmul(x, x.T), lib.einsum("ij,kj->ik", x, x), x.repeat(2, 1), x.repeat(repeats=(1, 2)),
        x.expand(size=(2, 3, 4)),
        lib.sort(x, dim=1, descending=True)[0], lib.tril(x, diagonal=-1), x.new_zeros((2,)),
        lib.nn.functional.pad(x, pad=(1, 1), mode="constant", value=0.5), x.type(dtype=lib.float64),
    ]


def test_keyword_calls_of_builtins_match_torch():
    ours, theirs = _keyword_calls(nnstudio), _keyword_calls(torch)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, err_msg=f"call {i}")


def test_init_generator_keyword_reproduces_draws():
    w = nnstudio.empty(4, 5)
    g = nnstudio.Generator().manual_seed(3)
    nnstudio.nn.init.kaiming_uniform_(w, generator=g)
    first = w.clone()
    nnstudio.nn.init.kaiming_uniform_(w, generator=g.manual_seed(3))
    assert nnstudio.equal(w, first)
    nnstudio.nn.init.trunc_normal_(w, std=0.02, generator=g)
    assert float(w.abs().max()) <= 2.0
