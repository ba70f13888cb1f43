"""One check of every optimizer's hyperparameters, with torch.optim's messages: run for each parameter group when
it is added and before each step (a group edited by hand or by a scheduler is checked too).

torch compares each value with its bound (`if not 0.0 <= lr`), so NaN fails every bound and a string raises a
TypeError from the comparison; we raise the same kinds with the same wording, name the optimizer and the option,
and also refuse NaN where torch forgets to (SGD's lr, dampening).
"""

from __future__ import annotations

import math
import numbers

# option -> (wording in torch's message, lower bound, upper bound, upper bound included)
_RANGES = {
    "lr": ("learning rate", 0.0, None, True),
    "eps": ("epsilon value", 0.0, None, True),
    "weight_decay": ("weight_decay value", 0.0, None, True),
    "momentum": ("momentum value", 0.0, None, True),
    "alpha": ("alpha value", 0.0, None, True),
    "lr_decay": ("lr_decay value", 0.0, None, True),
    "initial_accumulator_value": ("initial_accumulator_value value", 0.0, None, True),
    "rho": ("rho value", 0.0, 1.0, True),
    "momentum_decay": ("momentum_decay value", 0.0, None, True),
    "dampening": ("dampening value", None, None, True),
    "lambd": ("lambd value", None, None, True),
    "t0": ("t0 value", None, None, True),
}


def _number(owner: str, key: str, value) -> float:
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0 and not isinstance(value, numbers.Number):
        value = value.item()  # a 0-d tensor, as torch allows for lr and betas
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {key} must be a number, got {type(value).__name__} {str(value)[:60]!r}")
    return float(value)


def check_hyperparameters(owner: str, group: dict) -> None:
    """Raise TypeError (not a number) or ValueError (NaN or out of range, torch's wording) for `group`'s options.

    `owner` is the optimizer's class name, used in the TypeError.
    """
    for key, (words, low, high, high_ok) in _RANGES.items():
        if key not in group:
            continue
        v = _number(owner, key, group[key])
        bad = math.isnan(v) or (low is not None and v < low) or (
            high is not None and (v > high if high_ok else v >= high))
        if bad:
            raise ValueError(f"Invalid {words}: {group[key]}")
    if "betas" in group:
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"Invalid betas: {str(betas)[:60]} ({owner} needs a pair (beta1, beta2), each in [0, 1))")
        for i, b in enumerate(betas):
            v = _number(owner, f"betas[{i}]", b)
            if not 0.0 <= v < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {b}")
    if "etas" in group:
        etas = group["etas"]
        if not isinstance(etas, (tuple, list)) or len(etas) != 2:
            raise ValueError(f"Invalid eta values: {str(etas)[:60]} ({owner} needs a pair (etaminus, etaplus))")
        minus, plus = (_number(owner, f"etas[{i}]", e) for i, e in enumerate(etas))
        if not 0.0 < minus < 1.0 < plus:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
