"""A one-line text progress bar for `Trainer.fit()` without a GUI."""

from __future__ import annotations

import math


def progress_line(p: dict, width: int = 24) -> str:
    """`epoch 12/100 [#####.....] step 180  loss 0.4321  val acc 93.3%  760 steps/s` from `Trainer.progress()`."""
    total = max(1, p["epochs"])
    frac = min(1.0, (p["epoch"] + (p["batch"] / p["batches"] if p["epoch"] < total else 0)) / total)
    filled = int(round(frac * width))
    bar = "#" * filled + "." * (width - filled)
    parts = [f"epoch {p['epoch']}/{p['epochs']} [{bar}] step {p['step']}"]
    if math.isfinite(p["loss"]):
        parts.append(f"loss {p['loss']:.4f}")
    if math.isfinite(p["val_accuracy"]):
        parts.append(f"val acc {100 * p['val_accuracy']:.1f}%")
    parts.append(f"{p['steps_per_second']:.0f} steps/s")
    return "  ".join(parts).ljust(100)
