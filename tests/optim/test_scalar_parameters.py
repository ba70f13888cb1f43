"""Every optimizer steps a 0-d parameter (`nn.Parameter(torch.tensor(1.0))`, a learned temperature or scale) as
torch does: NumPy turns 0-d arrays into scalars in its ufuncs, which in-place updates must not trip over."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

NAMES = sorted(n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)
               and issubclass(getattr(torch.optim, n), torch.optim.Optimizer) and n not in ("Optimizer", "Muon")
               and hasattr(nnstudio.optim, n))
OPTIONS = {"SGD": {"lr": 0.1, "momentum": 0.9}, "Adam": {"weight_decay": 0.1}, "AdamW": {"amsgrad": True}}


@pytest.mark.parametrize("name", NAMES)
def test_zero_dim_parameter_steps_as_torch(name):
    values = []
    for lib in (nnstudio, torch):
        p = lib.nn.Parameter(lib.tensor(1.5))
        w = lib.nn.Parameter(lib.ones(2))
        opt = getattr(lib.optim, name)([p, w], **OPTIONS.get(name, {}))

        def closure(opt=opt, p=p, w=w):
            opt.zero_grad()
            loss = (p * p * 3 + (w * p).sum()) ** 2
            loss.backward()
            return loss

        for _ in range(4):
            opt.step(closure)
        values.append([p.item(), *w.tolist()])
    np.testing.assert_allclose(values[0], values[1], rtol=1e-5, atol=1e-6)
