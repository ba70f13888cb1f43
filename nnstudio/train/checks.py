"""Checks before and during training: does the model fit the data, and which parameter went non-finite."""

from __future__ import annotations

import math

import numpy as np

from .. import nn
from .._backend import xp_of
from ..autograd import no_grad
from .errors import TrainingError


def check_model_fits(model: nn.Module, data, loss_fn, to_tensor) -> None:
    """Run one forward and the loss on two training samples; raise `TrainingError(kind="shape")` naming the layer.

    Hooks follow which submodule is running, so an error in a hand-written `forward` still names the deepest
    layer that was active when it happened. The model is put in eval mode (no buffer updates) and back.
    """
    names = {id(m): n for n, m in model.named_modules()}
    active: list[nn.Module] = []
    handles = []

    def enter(mod, args) -> None:
        active.append(mod)

    def leave(mod, args, out) -> None:
        if active:
            active.pop()

    for m in model.modules():
        handles.append(m.register_forward_pre_hook(enter))
        handles.append(m.register_forward_hook(leave))
    x = to_tensor(data.X_train[:2])
    y = to_tensor(data.y_train[:2])
    where = f"dataset {data.name!r} (one input sample has shape {tuple(data.input_shape)})"
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            try:
                out = model(x)
            except Exception as exc:  # noqa: BLE001 - any error here is a misfit to report
                culprit = active[-1] if active else model
                name = names.get(id(culprit), "") or "the model"
                layer = f"layer {name!r} ({type(culprit).__name__})" if name != "the model" else "the model"
                raise TrainingError(f"the model does not fit {where}: {layer} failed on a batch of shape "
                                    f"{tuple(x.shape)}: {exc}", kind="shape", parameter=None,
                                    layer=name) from exc
            _check_output(model, names, data, out)
            try:
                loss_fn(out, y)
            except Exception as exc:  # noqa: BLE001
                raise TrainingError(f"the loss cannot compare the model's output of shape {tuple(out.shape)} "
                                    f"with the targets of {where} (shape {tuple(y.shape)}): {exc}",
                                    kind="shape", layer=_last_layer(model, names)) from exc
    finally:
        for h in handles:
            h.remove()
        active.clear()
        model.train(was_training)


def _check_output(model, names, data, out) -> None:
    if not hasattr(out, "shape"):
        raise TrainingError(f"the model returned {type(out).__name__}, not a tensor", kind="shape")
    want = data.num_outputs
    got = tuple(out.shape)
    if len(got) != 2 or got[1] != want:
        last = _last_layer(model, names)
        what = f"{data.num_classes} classes" if data.task == "classification" else f"{want} target values"
        raise TrainingError(f"the model's output has shape {got} per batch of 2, but dataset {data.name!r} has "
                            f"{what}: the last layer {last!r} should give (N, {want})", kind="shape", layer=last)


def _last_layer(model, names) -> str:
    last = ""
    for m in model.modules():
        if any(True for _ in m.parameters(recurse=False)):
            last = names.get(id(m), "")
    return last


def all_finite(arrays) -> bool:
    """True when every array holds only finite values.

    Each array is checked on its own: a float32 or float16 array by its sum accumulated in float64 (which cannot
    overflow for finite values, and is nan or inf exactly when some value is), a float64 or complex array with
    `isfinite` (its sum could overflow); integer and bool arrays are always finite.
    """
    for a in arrays:
        if not _finite(a):
            return False
    return True


def _finite(a) -> bool:
    kind = getattr(a.dtype, "kind", "f")
    if kind not in "fc":
        return True
    if kind == "f" and a.dtype.itemsize <= 4:
        with np.errstate(over="ignore", invalid="ignore"):
            return math.isfinite(float(a.sum(dtype="float64")))
    return bool(xp_of(a).isfinite(a).all())


def nonfinite_names(named_arrays) -> list[str]:
    """Names whose array holds a nan or inf, in the given order."""
    bad = []
    for name, a in named_arrays:
        if not bool(xp_of(a).isfinite(a).all()):
            bad.append(name)
    return bad


def norm(a) -> float:
    """Euclidean norm of an array as a Python float (float64 accumulation)."""
    flat = a.reshape(-1)
    return float(np.sqrt(float((flat.astype("float64") ** 2).sum()))) if flat.size else 0.0
