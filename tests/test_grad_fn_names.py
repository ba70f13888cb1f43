"""`grad_fn=<...>` in a tensor's repr names the node as torch 2.13 (CPU) does, for ops nnstudio builds from
other primitives: stack, transpose / t / mT / swapaxes, squeeze / unsqueeze, topk, masked_fill, layer_norm and
the outputs of RNN / GRU / LSTM (time-major, batch_first, bidirectional, unbatched, float32 and float64)."""

from __future__ import annotations

import pytest
import torch

import nnstudio


def _grad_fn(t) -> str:
    return repr(t).split("grad_fn=")[-1]


OPS = {
    "stack": lambda lib, x: lib.stack([x, x]),
    "stack_dim1": lambda lib, x: lib.stack([x, x], 1),
    "transpose": lambda lib, x: x.transpose(0, 1),
    "transpose_negative": lambda lib, x: x.transpose(-1, 0),
    "t": lambda lib, x: x[:, 0].t(),
    "mT": lambda lib, x: x.mT,
    "swapaxes": lambda lib, x: lib.swapaxes(x, 0, 1),
    "squeeze_dim": lambda lib, x: x.squeeze(1),
    "squeeze_all": lambda lib, x: x.squeeze(),
    "squeeze_dims": lambda lib, x: x.squeeze((1,)),
    "unsqueeze": lambda lib, x: x.unsqueeze(0),
    "topk": lambda lib, x: x.topk(2)[0],
    "masked_fill": lambda lib, x: x.masked_fill(x > 0, 0.0),
    "layer_norm": lambda lib, x: lib.nn.functional.layer_norm(x, (3,)),
    "view_stays_view": lambda lib, x: x.view(6),
    "cat_stays_cat": lambda lib, x: lib.cat([x, x]),
}


@pytest.mark.parametrize("op", OPS, ids=str)
def test_op_names_match_torch(op):
    names = []
    for lib in (torch, nnstudio):
        x = lib.ones(2, 1, 3, requires_grad=True)
        names.append(_grad_fn(OPS[op](lib, x)))
    assert names[1] == names[0]


def test_an_op_that_returns_its_input_keeps_the_input_name():
    x = nnstudio.ones(2, 3, requires_grad=True) * 2
    assert _grad_fn(x.squeeze(0)) == _grad_fn(x) == "<MulBackward0>)"
    assert _grad_fn(x.transpose(1, 1)) == "<MulBackward0>)"


def test_the_name_survives_backward():
    y = nnstudio.stack([nnstudio.ones(2, requires_grad=True)] * 2)
    y.sum().backward()
    assert y.grad_fn is not None and _grad_fn(y) == "<StackBackward0>)"


@pytest.mark.parametrize("kind", ["RNN", "GRU", "LSTM"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("opts", [{}, {"num_layers": 2}, {"batch_first": True}, {"bidirectional": True},
                                  {"bidirectional": True, "batch_first": True}, {"unbatched": True}],
                         ids=lambda o: ",".join(o) or "default")
def test_recurrent_output_names_match_torch(kind, dtype, opts):
    opts = dict(opts)
    unbatched = opts.pop("unbatched", False)
    names = []
    for lib in (torch, nnstudio):
        m = getattr(lib.nn, kind)(3, 4, **opts).to(getattr(lib, dtype))
        x = lib.ones(5, 3) if unbatched else lib.ones(5, 2, 3)
        out, h = m(x.to(getattr(lib, dtype)))
        states = h if isinstance(h, tuple) else (h,)
        names.append([_grad_fn(out)] + [_grad_fn(s) for s in states])
    assert names[1] == names[0]


@pytest.mark.parametrize("index", ["None", ":, None", "None, 0", "0, None", ":", "..., None", ":, 1:", "1:, None",
                                   "None, :, None", "0", ":, 0", "1:3, ..."])
def test_basic_indexing_names_match_torch(index):
    names = []
    for lib in (torch, nnstudio):
        x = lib.ones(3, 4, requires_grad=True)
        names.append(eval(f"x[{index}]", {"x": x}).grad_fn.name())  # noqa: S307
    assert names[0] == names[1]


@pytest.mark.parametrize("expr", ["x.max()", "x.min()", "x.max(1).values", "x.min(0).values", "x.max(1, True)[0]",
                                  "x.amax(1)", "x.amin()", "x.sum()", "x.sum(1)", "x.mean()", "x.mean(0)",
                                  "torch.max(x, 0)[0]", "torch.min(x, dim=1).values"])
def test_reduction_names_match_torch(expr):
    names = []
    for lib in (torch, nnstudio):
        x = lib.arange(6.0).reshape(2, 3).requires_grad_()
        names.append(eval(expr, {"x": x, "torch": lib}).grad_fn.name())  # noqa: S307
    assert names[0] == names[1]


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)),
                                    ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)),
                                    ((2, 2, 3, 4), (2, 2, 4, 5)),
                                    ((2, 3, 4), (4,)), ((4,), (2, 4, 5)), ((1, 3, 4), (2, 4, 5)),
                                    ((2, 2, 3, 4), (2, 4, 5)), ((2, 2, 3, 4), (4, 5))], ids=str)
def test_matmul_names_match_torch(shapes):
    names = []
    for lib in (torch, nnstudio):
        a, b = (lib.ones(*s, requires_grad=True) for s in shapes)
        names.append((a @ b).grad_fn.name())
    assert names[0] == names[1]
