"""Losses and optimizers by name: `make_loss("cross_entropy")`, `make_optimizer("adam", params, lr=0.01)`."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from .. import nn, optim

LOSSES: dict[str, type] = {
    "cross_entropy": nn.CrossEntropyLoss,
    "nll": nn.NLLLoss,
    "mse": nn.MSELoss,
    "l1": nn.L1Loss,
    "smooth_l1": nn.SmoothL1Loss,
    "huber": nn.HuberLoss,
}
"""Loss names the trainer understands (torch class names such as "CrossEntropyLoss" work too)."""

CLASSIFICATION_LOSSES = ("cross_entropy", "nll")
REGRESSION_LOSSES = ("mse", "l1", "smooth_l1", "huber")

OPTIMIZERS: dict[str, type] = {
    "adam": optim.Adam,
    "adamw": optim.AdamW,
    "sgd": optim.SGD,
    "rmsprop": optim.RMSprop,
    "adagrad": optim.Adagrad,
}
"""Optimizer names the trainer understands (case does not matter)."""

_LOSS_ALIASES = {cls.__name__.lower(): key for key, cls in LOSSES.items()}
_LOSS_ALIASES.update({"crossentropy": "cross_entropy", "ce": "cross_entropy"})


def default_loss(task: str) -> str:
    """Cross-entropy for classification, mean squared error for regression."""
    return "cross_entropy" if task == "classification" else "mse"


def loss_name(loss) -> str:
    """A short readable name for a loss given by name, module or function."""
    if isinstance(loss, str):
        return _loss_key(loss)
    return type(loss).__name__ if isinstance(loss, nn.Module) else getattr(loss, "__name__", repr(loss))


def make_loss(loss: str | nn.Module | Callable) -> Callable:
    """The loss callable `(output, target) -> scalar Tensor` for a name, a loss module or a function."""
    if isinstance(loss, str):
        return LOSSES[_loss_key(loss)]()
    if callable(loss):
        return loss
    raise TypeError(f"loss must be a name ({', '.join(LOSSES)}), an nn loss module or a function "
                    f"(output, target) -> loss; got {type(loss).__name__}")


def _loss_key(name: str) -> str:
    key = name.strip().lower()
    key = _LOSS_ALIASES.get(key, key)
    if key not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; the trainer knows: {', '.join(LOSSES)}")
    return key


def optimizer_options(name: str) -> dict[str, object]:
    """The options of optimizer `name` with their defaults (without `params`)."""
    cls = _optimizer_class(name)
    return {p.name: p.default for p in inspect.signature(cls.__init__).parameters.values()
            if p.name not in ("self", "params") and p.kind is not p.VAR_KEYWORD}


def make_optimizer(name: str, params, lr: float | None = None, **options) -> optim.Optimizer:
    """Optimizer `name` over `params` with learning rate `lr` (its default when None) and `options`.

    An option the optimizer does not have raises a TypeError naming the options it has.
    """
    cls = _optimizer_class(name)
    accepted = optimizer_options(name)
    unknown = [k for k in options if k not in accepted]
    if unknown:
        raise TypeError(f"optimizer {name!r} has no option {unknown[0]!r}; its options are: "
                        f"{', '.join(accepted)}")
    if lr is not None:
        options["lr"] = float(lr)
    if "betas" in options:
        options["betas"] = tuple(float(b) for b in options["betas"])
    return cls(params, **options)


def _optimizer_class(name: str) -> type:
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a name ({', '.join(OPTIMIZERS)}) or an optimizer instance, got "
                        f"{type(name).__name__}")
    key = name.strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; the trainer knows: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key]
