"""A 1-D regression set: learn y = f(x) from noisy samples, x in [-1, 1]."""

from __future__ import annotations

import numpy as np

from ._checks import check_choice, check_float, check_int, check_seed, check_val_fraction
from .dataset import REGRESSION, SplitDataset, make_split

FUNCTIONS = {
    "sin": lambda x: np.sin(np.pi * x),
    "wave": lambda x: np.sin(3 * np.pi * x) * 0.5 + 0.5 * x,
    "cubic": lambda x: 2.0 * x**3 - x,
    "linear": lambda x: 0.8 * x + 0.1,
    "abs": lambda x: 2.0 * np.abs(x) - 1.0,
    "step": lambda x: np.where(x < 0, -0.5, 0.5),
}


def regression1d(n_samples: int = 400, function: str = "sin", noise: float = 0.1, seed: int = 0,
                 val_fraction: float = 0.2) -> SplitDataset:
    """Inputs `x` of shape `(N, 1)` drawn uniformly from [-1, 1]; targets `f(x) + noise` of shape `(N, 1)`.

    `function` is one of "sin", "wave", "cubic", "linear", "abs", "step" (each ranges over about [-1, 1]);
    `noise` is the standard deviation of the Gaussian noise on the targets.
    """
    where = "regression1d"
    n_samples = check_int(where, "n_samples", n_samples, 2)
    function = check_choice(where, "function", function, tuple(FUNCTIONS))
    noise = check_float(where, "noise", noise, 0.0)
    seed, val_fraction = check_seed(where, seed), check_val_fraction(where, val_fraction)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (n_samples, 1))
    y = FUNCTIONS[function](x) + (rng.normal(0.0, noise, x.shape) if noise > 0 else 0.0)
    params = dict(n_samples=n_samples, function=function, noise=noise, seed=seed, val_fraction=val_fraction)
    return make_split("regression1d", x.astype(np.float32), y.astype(np.float32), REGRESSION, val_fraction, seed,
                      params=params)
