"""The layer registry: every layer type a user can place, by name, with its palette category.

>>> from nnstudio.graph import registry
>>> spec = registry.get("Conv2d")
>>> spec.category, [f.name for f in spec.fields][:3]
('Convolution', ['in_channels', 'out_channels', 'kernel_size'])

Adding a layer type is one `LayerSpec(...)` in the `SPECS` list of its family file in ``layers/``.
"""

from __future__ import annotations

import difflib

from .layers import activation, attention, conv, core, io, merge, normalization, pooling, recurrent, reshape, upsampling
from .spec import LayerSpec

#: palette order of the categories
CATEGORIES = ("Core", "Convolution", "Pooling", "Resize", "Normalization", "Recurrent", "Attention", "Activation",
              "Reshape", "Merge", "Input/Output")

#: each category's colour on the palette and the canvas: a hue on the colour wheel (0-360 degrees), so that the
#: front end can pick lightness and saturation for the light or the dark theme
CATEGORY_HUES = {"Core": 205, "Convolution": 275, "Pooling": 180, "Resize": 160, "Normalization": 38,
                 "Recurrent": 330, "Attention": 250, "Activation": 140, "Reshape": 190, "Merge": 22,
                 "Input/Output": 215}

REGISTRY: dict[str, LayerSpec] = {}


def register(spec: LayerSpec) -> LayerSpec:
    """Add a layer type (its name must be new and its category one of `CATEGORIES`)."""
    if spec.type in REGISTRY:
        raise ValueError(f"layer type {spec.type!r} is already registered")
    if spec.category not in CATEGORIES:
        raise ValueError(f"{spec.type}: unknown category {spec.category!r} (one of {', '.join(CATEGORIES)})")
    REGISTRY[spec.type] = spec
    return spec


for _family in (io, core, conv, upsampling, pooling, normalization, recurrent, attention, activation, reshape, merge):
    for _spec in _family.SPECS:
        register(_spec)


class UnknownLayerError(KeyError, ValueError):
    """A layer type that is not in the registry (the message suggests the closest names)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def get(layer_type: str) -> LayerSpec:
    """The spec of ``layer_type``; raises `UnknownLayerError` naming the closest known types."""
    spec = REGISTRY.get(layer_type) if isinstance(layer_type, str) else None
    if spec is None:
        raise UnknownLayerError(unknown_message(layer_type))
    return spec


def unknown_message(layer_type: object) -> str:
    text = repr(layer_type) if len(repr(layer_type)) <= 40 else repr(layer_type)[:37] + "..."
    close = difflib.get_close_matches(layer_type, list(REGISTRY), n=3) if isinstance(layer_type, str) else []
    if not close and isinstance(layer_type, str):
        low = {k.lower(): k for k in REGISTRY}
        close = [low[layer_type.lower()]] if layer_type.lower() in low else []
    hint = f"; did you mean {' or '.join(close)}?" if close else f"; known types: {', '.join(REGISTRY)}"
    return f"unknown layer type {text}{hint}"


def names() -> list[str]:
    """All layer types, in palette order within the registration order."""
    return list(REGISTRY)


def palette() -> dict[str, list[str]]:
    """The palette: category -> layer types, in `CATEGORIES` order (Input/Output are placed by the API, so they
    are left out)."""
    out: dict[str, list[str]] = {c: [] for c in CATEGORIES if c != "Input/Output"}
    for spec in REGISTRY.values():
        if spec.category in out:
            out[spec.category].append(spec.type)
    return {c: types for c, types in out.items() if types}


def hue(category: str) -> int:
    """The colour of a palette category (`CATEGORY_HUES`); raises KeyError naming the categories."""
    try:
        return CATEGORY_HUES[category]
    except KeyError:
        raise KeyError(f"unknown category {category!r} (one of {', '.join(CATEGORIES)})") from None


def describe() -> list[dict]:
    """Every layer type as a plain dict (`LayerSpec.describe`), in registry order: JSON for front ends."""
    return [s.describe() for s in REGISTRY.values()]
