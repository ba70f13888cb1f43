"""`torch.jit` in copied model code: scripting and tracing give the same module back, the decorators and
`is_scripting()` branches run eagerly, `save` / `load` round-trip a whole module; signatures are torch's."""

from __future__ import annotations

import inspect
import io
from typing import Dict, List, Optional  # noqa: UP035 - the spellings TorchScript code uses

import numpy as np
import pytest

import nnstudio
from nnstudio import nn

torch = pytest.importorskip("torch")


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)

    @nnstudio.jit.ignore
    def helper(self, x):
        return x * 2

    @nnstudio.jit.unused
    def unused_path(self, x):
        raise AssertionError("never called")

    @nnstudio.jit.export
    def exported(self, x):
        return self.fc(x).sum()

    def forward(self, x):
        if nnstudio.jit.is_scripting() or nnstudio.jit.is_tracing():
            raise AssertionError("nnstudio runs eagerly")
        acc = nnstudio.jit.annotate(List[int], [])  # noqa: UP006 - TorchScript's spelling
        acc.append(1)
        return self.helper(self.fc(x)) + acc[0]


def test_script_and_trace_return_the_module_and_compute_the_same():
    m = Block()
    x = nnstudio.randn(4, 3)
    expected = m(x).detach().numpy()
    assert nnstudio.jit.script(m) is m and nnstudio.jit.trace(m, x) is m and nnstudio.jit.trace(m, (x,)) is m
    np.testing.assert_array_equal(nnstudio.jit.script(m)(x).detach().numpy(), expected)
    assert nnstudio.jit.trace_module(m, {"forward": x}) is m
    with pytest.raises(RuntimeError, match="example_inputs"):
        nnstudio.jit.trace(m)


def test_save_and_load_round_trip_a_whole_module():
    m = Block()
    buf = io.BytesIO()
    nnstudio.jit.save(nnstudio.jit.script(m), buf)
    buf.seek(0)
    back = nnstudio.jit.load(buf)
    x = nnstudio.randn(2, 3)
    np.testing.assert_array_equal(back(x).detach().numpy(), m(x).detach().numpy())


def test_freeze_wants_eval_mode_as_torch():
    m = Block()
    with pytest.raises(RuntimeError, match="eval mode"):
        nnstudio.jit.freeze(m)
    with pytest.raises(RuntimeError, match="eval mode"):
        torch.jit.freeze(torch.jit.script(torch.nn.Linear(2, 2)))
    assert nnstudio.jit.freeze(m.eval()) is m


def test_jit_isinstance_understands_typing_containers():
    hints = [([1, 2], List[int]), ({"a": 1}, Dict[str, int]), (None, Optional[int]), ([1.0], List[int]),  # noqa: UP006, UP045
             ([1, 2], list[int]), ({"a": 1.0}, dict[str, int]), (3, int | None), ((1, "a"), tuple[int, str])]
    for value, hint in hints:
        assert nnstudio.jit.isinstance(value, hint) == torch.jit.isinstance(value, hint), (value, hint)


def test_fork_and_wait_and_attribute():
    fut = nnstudio.jit.fork(lambda a, b: a + b, 2, b=3)
    assert nnstudio.jit.wait(fut) == 5
    assert nnstudio.jit.Attribute(3, int).value == torch.jit.Attribute(3, int).value == 3


@pytest.mark.parametrize("name", ["script", "trace", "trace_module", "ignore", "unused", "export", "is_scripting",
                                  "is_tracing", "annotate", "save", "load", "freeze", "optimize_for_inference",
                                  "fork", "wait", "isinstance"])
def test_signatures_are_torchs(name):
    ours = list(inspect.signature(getattr(nnstudio.jit, name)).parameters)
    theirs = list(inspect.signature(getattr(torch.jit, name)).parameters)
    assert ours == theirs
