"""torch.Size: concatenation, repetition and slicing keep the type, as torch's do; its printed text."""

from __future__ import annotations

import pytest

import nnstudio

torch = pytest.importorskip("torch")

EXPRESSIONS = ["s + (5,)", "(1,) + s", "s + s", "s[1:]", "s[::-1]", "s[:0]", "s * 2", "2 * s", "s * 0", "s[-1]",
               "s[0]", "s.numel()", "s[1:].numel()", "s + ()", "tuple(s)", "list(s)", "s == (3, 4)",
               "hash(s) == hash((3, 4))", "s.index(4)", "s.count(3)", "str(s)", "f'{s}'", "repr(s[:1] + s)"]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_size_expression_matches_torch(expr):
    def run(lib):
        s = lib.ones(3, 4).shape
        out = eval(expr, {"s": s})
        return type(out).__name__, repr(out).replace("nnstudio", "torch")

    assert run(nnstudio) == run(torch)


@pytest.mark.parametrize("expr", ["s + [1]", "s * 2.0", "s * None"])
def test_size_errors_match_torch(expr):
    def run(lib):
        with pytest.raises(TypeError) as info:
            eval(expr, {"s": lib.Size([3, 4])})
        return str(info.value).replace("nnstudio", "torch")

    assert run(nnstudio) == run(torch)


def test_size_constructor_and_reduce_match_torch():
    for lib in (nnstudio, torch):
        s = lib.Size([2, 3])
        assert type(s) is lib.Size and repr(lib.Size()).endswith("Size([])")
        cls, args = s.__reduce__()
        assert cls is lib.Size and args == ((2, 3),)
        assert lib.zeros(s + (4,)).shape == (2, 3, 4)
