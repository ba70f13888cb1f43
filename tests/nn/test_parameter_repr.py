"""print(nn.Parameter), print(nn.ParameterList / ParameterDict) and modules holding them: torch's text."""

from __future__ import annotations

import pytest

from tests.helpers.printed import assert_prints_as_torch

pytest.importorskip("torch")


def _parameters(lib):
    nn = lib.nn
    p = nn.Parameter(lib.ones(2, 2))
    print(p)
    print(repr(p))
    print(nn.Parameter(lib.zeros(3), requires_grad=False))
    print(f"{p}")
    print([nn.Parameter(lib.ones(1))])


def _containers(lib):
    nn = lib.nn
    print(nn.ParameterList())
    print(nn.ParameterList([nn.Parameter(lib.ones(2))]))
    print(nn.ParameterList([nn.Parameter(lib.ones(2)), nn.Parameter(lib.ones(2, 3, dtype=lib.float64))]))
    print(nn.ParameterDict())
    print(nn.ParameterDict({"a": nn.Parameter(lib.ones(2))}))
    print(nn.ParameterDict({"a": nn.Parameter(lib.ones(2)),
                            "b": nn.Parameter(lib.ones(2, 3).long(), requires_grad=False)}))
    pl = nn.ParameterList([nn.Parameter(lib.ones(2))])
    pl[0] = nn.Parameter(lib.zeros(3))
    pl.extend([nn.Parameter(lib.zeros(1))])
    print(pl, len(pl), [tuple(q.shape) for q in pl])


def _module(lib):
    nn = lib.nn

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.pl = nn.ParameterList([nn.Parameter(lib.ones(2)) for _ in range(3)])
            self.pd = nn.ParameterDict({"x": nn.Parameter(lib.ones(4))})
            self.lin = nn.Linear(2, 3)
            self.w = nn.Parameter(lib.zeros(3))
            self.seq = nn.Sequential(nn.Linear(1, 1), nn.ReLU())

    m = M()
    print(m)
    print([name for name, _ in m.named_parameters()])


@pytest.mark.parametrize("program", [_parameters, _containers, _module], ids=lambda f: f.__name__.strip("_"))
def test_prints_as_torch(program):
    assert_prints_as_torch(program)
