"""torch's legacy tensor classes (FloatTensor, LongTensor, ...), Tensor.type and the backends / cuda stubs."""

from __future__ import annotations

import pytest
import torch

import nnstudio


@pytest.mark.parametrize("expr", [
    "lib.FloatTensor([1, 2.5])", "lib.LongTensor([[1, 2], [3, 4]])", "lib.DoubleTensor([0.5])",
    "lib.FloatTensor(2, 3).shape", "lib.LongTensor(4).dtype", "lib.BoolTensor([True, False])",
    "lib.ByteTensor([1, 2])", "lib.IntTensor([1])", "lib.FloatTensor(lib.Size([2, 2])).shape",
    "lib.tensor([1.5]).type()", "lib.tensor([1]).type()", "lib.tensor([True]).type()",
    "lib.tensor([1.5, 2.5]).type(lib.LongTensor)", "lib.tensor([1, 2]).type(lib.FloatTensor)",
    "lib.tensor([1, 2]).type('torch.DoubleTensor').dtype", "lib.tensor([1, 2]).type(lib.float16).dtype",
    "isinstance(lib.tensor([1.0]), lib.FloatTensor)", "isinstance(lib.tensor([1.0]), lib.LongTensor)",
    "isinstance(lib.tensor([1]), lib.LongTensor)", "isinstance(lib.zeros(2, dtype=lib.float64), lib.DoubleTensor)",
    "lib.backends.mps.is_available()", "lib.backends.mps.is_built()", "lib.backends.cudnn.enabled",
    "lib.cuda.device_count() == (1 if lib.cuda.is_available() else 0)",
])
def test_same_as_torch(expr):
    ours = eval(expr, {"lib": nnstudio})  # noqa: S307
    theirs = eval(expr.replace("'torch.", "'torch."), {"lib": torch})  # noqa: S307
    if isinstance(theirs, torch.Tensor):
        assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
        assert ours.tolist() == theirs.tolist()
    elif isinstance(theirs, str):
        assert ours.replace("nnstudio", "torch") == theirs
    else:
        assert str(ours).replace("nnstudio", "torch") == str(theirs)


def test_cudnn_flags_settable_and_honest():
    import importlib

    cudnn = importlib.import_module("nnstudio.backends.cudnn")
    cudnn.benchmark, cudnn.deterministic = True, True
    assert nnstudio.backends.cudnn.benchmark and not cudnn.is_available()
    cudnn.benchmark, cudnn.deterministic = False, False


def test_legacy_constructor_errors():
    with pytest.raises(TypeError):
        torch.FloatTensor(2, "a")
    with pytest.raises(TypeError, match="FloatTensor"):
        nnstudio.FloatTensor(2, "a")


@pytest.mark.parametrize("expr", ["str(type(lib.ones(2)))", "type(lib.ones(2)).__module__",
                                  "lib.ones(2).type(lib.DoubleTensor).type()", "lib.ones(2).long().type()",
                                  "lib.ones(2).type('torch.IntTensor').type()", "lib.ones(2).int().type()",
                                  "lib.ones(2).type(lib.int8).type()", "lib.ones(2).type(lib.BoolTensor).tolist()",
                                  "str(type(lib.nn.Parameter(lib.ones(1))))", "lib.nn.Parameter(lib.ones(1)).type()"])
def test_type_names_are_torch_names(expr):
    ours = eval(expr, {"lib": nnstudio})  # noqa: S307
    theirs = eval(expr, {"lib": torch})  # noqa: S307
    assert str(ours).replace("nnstudio", "torch") == str(theirs)


def test_unknown_type_name_is_torch_value_error():
    for lib in (nnstudio, torch):
        with pytest.raises(ValueError, match="invalid type: 'torch.FooTensor'"):
            lib.ones(2).type("torch.FooTensor")
