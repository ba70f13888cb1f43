"""Every optimizer's parameter groups hold torch's keys with torch's values, implementation flags included
(`foreach`, `fused`, `differentiable`, `capturable`, `decoupled_weight_decay`): `print(optimizer)` and
`state_dict()["param_groups"]` read as torch's."""

from __future__ import annotations

import pytest

import nnstudio

torch = pytest.importorskip("torch")

NAMES = sorted(n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)
               and issubclass(getattr(torch.optim, n), torch.optim.Optimizer) and n != "Optimizer"
               and hasattr(nnstudio.optim, n))
OPTIONS = {"SGD": {"lr": 0.1, "momentum": 0.9, "foreach": False}, "Adam": {"weight_decay": 0.1, "fused": False},
           "AdamW": {"amsgrad": True}, "RMSprop": {"centered": True, "foreach": False}}


@pytest.mark.parametrize("name", NAMES)
def test_groups_and_printout_are_torchs(name):
    kw = OPTIONS.get(name, {})
    ours = getattr(nnstudio.optim, name)([nnstudio.nn.Parameter(nnstudio.zeros(2, 2))], **kw)
    theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(2, 2))], **kw)
    strip = lambda g: {k: v for k, v in g.items() if k != "params"}  # noqa: E731
    assert strip(ours.param_groups[0]) == strip(theirs.param_groups[0])
    assert str(ours) == str(theirs)
    assert strip(ours.state_dict()["param_groups"][0]) == strip(theirs.state_dict()["param_groups"][0])


@pytest.mark.parametrize("name", NAMES)
def test_printout_of_several_groups_is_torchs(name):
    """torch prints a blank line between groups; a group's own settings override the defaults."""
    kw = OPTIONS.get(name, {})
    lr = {} if name in ("LBFGS",) else {"lr": 0.5}

    def make(lib):
        params = [lib.nn.Parameter(lib.zeros(2, 2)) for _ in range(3)]
        groups = [{"params": params[:1]}, {"params": params[1:2], **lr}, {"params": params[2:]}]
        return getattr(lib.optim, name)(groups, **kw)

    if name == "LBFGS":  # one group only, in both
        for lib in (nnstudio, torch):
            with pytest.raises(ValueError):
                make(lib)
        return
    assert str(make(nnstudio)) == str(make(torch))


def test_adam_with_decoupled_weight_decay_is_adamw():
    w = [nnstudio.nn.Parameter(nnstudio.ones(3)) for _ in range(2)]
    a = nnstudio.optim.Adam([w[0]], lr=0.1, weight_decay=0.5, decoupled_weight_decay=True)
    b = nnstudio.optim.AdamW([w[1]], lr=0.1, weight_decay=0.5)
    for p, opt in zip(w, (a, b)):
        for _ in range(3):
            p.grad = nnstudio.full((3,), 0.2)
            opt.step()
    assert w[0].detach().tolist() == w[1].detach().tolist() and w[0].detach().tolist() != [1.0] * 3
