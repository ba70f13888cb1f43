"""`nnstudio.studio`: the Jupyter side. `Studio` (model builder + training dashboard), `BuilderWidget`, `Dashboard`.

Widgets only edit a `ModelGraph` and drive a `Trainer`; no math lives here.
"""

from __future__ import annotations

from .builder import BuilderWidget

__all__ = ["BuilderWidget", "Dashboard", "Studio"]


def __getattr__(name: str):
    # the app and the dashboard pull in the trainer and matplotlib: load them on first use
    if name == "Studio":
        from .app import Studio

        return Studio
    if name == "Dashboard":
        from .dashboard import Dashboard

        return Dashboard
    raise AttributeError(f"module 'nnstudio.studio' has no attribute {name!r}")
