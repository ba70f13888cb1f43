"""2-D toy sets for classroom demos (as TensorFlow Playground offers): spiral, circles, xor, gauss, moons.

Every set lies in about [-1, 1] x [-1, 1], has balanced classes (`n_samples` shared out evenly, the first classes
taking the remainder), float32 inputs of shape `(N, 2)` and int64 labels.

`noise` is the standard deviation of Gaussian noise added to each coordinate, relative to the set's own scale
(the gap between neighbouring classes; each function says which), so that it reads alike everywhere: 0 is clean,
0.1 a mild blur (the default), 0.3 hard, 0.5 and more makes the classes overlap heavily.
"""

from __future__ import annotations

import numpy as np

from ._checks import check_float, check_int, check_seed, check_val_fraction
from .dataset import CLASSIFICATION, SplitDataset, make_split


def _common(where: str, n_samples, noise, seed, val_fraction, num_classes: int) -> tuple[int, float, int, float]:
    n_samples = check_int(where, "n_samples", n_samples, 2 * num_classes)
    noise = check_float(where, "noise", noise, 0.0)
    return n_samples, noise, check_seed(where, seed), check_val_fraction(where, val_fraction)


def _per_class(n_samples: int, num_classes: int) -> list[int]:
    base, extra = divmod(n_samples, num_classes)
    return [base + (1 if k < extra else 0) for k in range(num_classes)]


def _finish(name: str, parts: list[np.ndarray], noise_std: float, rng: np.random.Generator, val_fraction: float,
            seed: int, params: dict) -> SplitDataset:
    X = np.concatenate(parts).astype(np.float64)
    y = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(parts)])
    X += rng.normal(0.0, noise_std, size=X.shape) if noise_std > 0 else 0.0
    return make_split(name, X.astype(np.float32), y, CLASSIFICATION, val_fraction, seed, num_classes=len(parts),
                      params=params)


def spiral(n_samples: int = 600, arms: int = 3, noise: float = 0.1, turns: float = 1.0, seed: int = 0,
           val_fraction: float = 0.2) -> SplitDataset:
    """Interleaved spiral arms, one class per arm: inputs `(N, 2)`, labels in `[0, arms)`.

    Each arm winds `turns` times from the centre out to radius 1; the gap between neighbouring arms along a ray
    is `1 / (turns * arms)`, and `noise` is a fraction of that gap.
    """
    where = "spiral"
    arms = check_int(where, "arms", arms, 2)
    turns = check_float(where, "turns", turns, 0.0)
    if turns == 0:
        raise ValueError("spiral: turns must be > 0, got 0.0")
    n_samples, noise, seed, val_fraction = _common(where, n_samples, noise, seed, val_fraction, arms)
    rng = np.random.default_rng(seed)
    parts = []
    for k, n in enumerate(_per_class(n_samples, arms)):
        t = rng.uniform(0.0, 1.0, n)
        radius = 0.05 + 0.95 * t
        angle = 2 * np.pi * (k / arms + turns * t)
        parts.append(np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1))
    params = dict(n_samples=n_samples, arms=arms, noise=noise, turns=turns, seed=seed, val_fraction=val_fraction)
    return _finish("spiral", parts, noise / (turns * arms), rng, val_fraction, seed, params)


def circles(n_samples: int = 600, noise: float = 0.1, factor: float = 0.5, seed: int = 0,
            val_fraction: float = 0.2) -> SplitDataset:
    """A circle of radius `factor` (class 1) inside a circle of radius 1 (class 0): inputs `(N, 2)`.

    `noise` is a fraction of the gap `1 - factor` between the circles.
    """
    where = "circles"
    factor = check_float(where, "factor", factor, 0.0, 1.0, maximum_inclusive=False)
    n_samples, noise, seed, val_fraction = _common(where, n_samples, noise, seed, val_fraction, 2)
    rng = np.random.default_rng(seed)
    parts = []
    for radius, n in zip((1.0, factor), _per_class(n_samples, 2), strict=True):
        angle = rng.uniform(0.0, 2 * np.pi, n)
        parts.append(np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1))
    params = dict(n_samples=n_samples, noise=noise, factor=factor, seed=seed, val_fraction=val_fraction)
    return _finish("circles", parts, noise * (1.0 - factor), rng, val_fraction, seed, params)


def xor(n_samples: int = 600, noise: float = 0.1, seed: int = 0, val_fraction: float = 0.2) -> SplitDataset:
    """Points in the four quadrants; class 1 where x and y have opposite signs (x * y < 0): inputs `(N, 2)`.

    Points keep a margin of 0.05 from the axes; `noise` is a fraction of the quadrant's width (1).
    """
    where = "xor"
    n_samples, noise, seed, val_fraction = _common(where, n_samples, noise, seed, val_fraction, 2)
    rng = np.random.default_rng(seed)
    margin = 0.05
    parts = []
    for k, n in enumerate(_per_class(n_samples, 2)):
        sign_x = rng.choice([-1.0, 1.0], n)
        sign_y = sign_x if k == 0 else -sign_x
        mag = margin + (1.0 - margin) * rng.uniform(0.0, 1.0, (n, 2))
        parts.append(np.stack([sign_x * mag[:, 0], sign_y * mag[:, 1]], axis=1))
    params = dict(n_samples=n_samples, noise=noise, seed=seed, val_fraction=val_fraction)
    return _finish("xor", parts, noise * 1.0, rng, val_fraction, seed, params)


def gauss(n_samples: int = 600, noise: float = 0.1, spread: float = 0.15, classes: int = 2, seed: int = 0,
          val_fraction: float = 0.2) -> SplitDataset:
    """Gaussian blobs, one class each: inputs `(N, 2)`, labels in `[0, classes)`.

    Two classes: centred at (-0.5, -0.5) (class 0) and (0.5, 0.5) (class 1). More: centres evenly on a circle of
    radius 0.6, class 0 at the bottom left. Each blob has standard deviation `spread`; `noise` adds more, as a
    fraction of the distance between neighbouring centres (about 1.41 for two classes).
    """
    where = "gauss"
    spread = check_float(where, "spread", spread, 0.0)
    classes = check_int(where, "classes", classes, 2)
    n_samples, noise, seed, val_fraction = _common(where, n_samples, noise, seed, val_fraction, classes)
    rng = np.random.default_rng(seed)
    if classes == 2:
        centres, gap = [np.array([-0.5, -0.5]), np.array([0.5, 0.5])], np.sqrt(2.0)
    else:
        angles = 1.25 * np.pi + 2 * np.pi * np.arange(classes) / classes
        centres = [0.6 * np.array([np.cos(a), np.sin(a)]) for a in angles]
        gap = 2 * 0.6 * np.sin(np.pi / classes)
    parts = [centre + rng.normal(0.0, spread, (n, 2)) if spread > 0 else np.tile(centre, (n, 1))
             for centre, n in zip(centres, _per_class(n_samples, classes), strict=True)]
    params = dict(n_samples=n_samples, noise=noise, spread=spread, classes=classes, seed=seed,
                  val_fraction=val_fraction)
    return _finish("gauss", parts, noise * gap, rng, val_fraction, seed, params)


def moons(n_samples: int = 600, noise: float = 0.1, seed: int = 0, val_fraction: float = 0.2) -> SplitDataset:
    """Two interleaving half circles (class 0 on top, class 1 below): inputs `(N, 2)`.

    The classic shape of scikit-learn's `make_moons`, centred and scaled into [-1, 1] x [-0.5, 0.5]; `noise` is a
    fraction of a moon's radius, so it means what `make_moons(noise=...)` means.
    """
    where = "moons"
    n_samples, noise, seed, val_fraction = _common(where, n_samples, noise, seed, val_fraction, 2)
    rng = np.random.default_rng(seed)
    n_top, n_bottom = _per_class(n_samples, 2)
    t_top, t_bottom = rng.uniform(0.0, np.pi, n_top), rng.uniform(0.0, np.pi, n_bottom)
    centre, scale = np.array([0.5, 0.25]), 1.5  # scikit-learn's moons span [-1, 2] x [-0.5, 1]
    parts = [(np.stack([np.cos(t_top), np.sin(t_top)], axis=1) - centre) / scale,
             (np.stack([1.0 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)], axis=1) - centre) / scale]
    params = dict(n_samples=n_samples, noise=noise, seed=seed, val_fraction=val_fraction)
    return _finish("moons", parts, noise / scale, rng, val_fraction, seed, params)
