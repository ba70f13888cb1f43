"""`TrainingError`: what went wrong in training, as a value the UI can show and an exception the API can raise."""

from __future__ import annotations


class TrainingError(RuntimeError):
    """A training problem with a one-paragraph message.

    Attributes:
        kind: "shape" (model and data do not fit), "nonfinite" (nan/inf loss or gradient), "exception"
            (an error raised while training; `traceback` holds its text).
        step: the optimizer step it happened at (None before the first step).
        parameter: the first parameter whose gradient went non-finite (kind "nonfinite").
        layer: the layer at fault (kind "shape").
    """

    def __init__(self, message: str, kind: str = "exception", step: int | None = None,
                 parameter: str | None = None, layer: str | None = None, traceback: str | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.step = step
        self.parameter = parameter
        self.layer = layer
        self.traceback = traceback

    def __str__(self) -> str:
        return self.message
