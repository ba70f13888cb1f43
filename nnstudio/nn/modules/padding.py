"""Padding layers: ConstantPad1d/2d/3d, ZeroPad1d/2d/3d, ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d and
CircularPad1d/2d/3d, thin modules over `F.pad` (torch's names, arguments and reprs).

`padding` is an int (the same on every side) or a tuple (left, right[, top, bottom[, front, back]]).
Shapes: input (N, C, *S) or (C, *S) -> each of the last 1/2/3 dims grows by its two pads.
"""

from __future__ import annotations

from ...tensor import Tensor
from .._functional.padding import pad
from .module import Module


class _PadNd(Module):
    """Shared body: `_nd` trailing dims padded in `_mode`."""

    _nd = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        n, name = 2 * self._nd, type(self).__name__
        if isinstance(padding, int) and not isinstance(padding, bool):
            padding = (padding,) * n
        if not isinstance(padding, (tuple, list)) or len(padding) != n or not all(
                isinstance(p, int) and not isinstance(p, bool) for p in padding):
            raise ValueError(f"{name}: padding must be an int or a tuple of {n} ints, got {padding!r}")
        self.padding = tuple(padding)

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float):
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with `value`: (N, C, W) -> (N, C, W + left + right)."""


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with `value`: (N, C, H, W) -> (N, C, H + top + bottom, W + left + right)."""

    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with `value`: (N, C, D, H, W) -> (N, C, D + front + back, H + ..., W + ...)."""

    _nd = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dim with zeros."""


class ZeroPad2d(_ZeroPadNd):
    """Pad the last 2 dims with zeros: (N, C, H, W) -> (N, C, H + top + bottom, W + left + right)."""

    _nd = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last 3 dims with zeros."""

    _nd = 3


class ReflectionPad1d(_PadNd):
    """Mirror the last dim about its edges (the edge is not repeated; each pad < the dim's size)."""

    _mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Mirror the last 2 dims about their edges: (N, C, H, W) -> (N, C, H + top + bottom, W + left + right)."""

    _nd = 2


class ReflectionPad3d(ReflectionPad1d):
    """Mirror the last 3 dims about their edges."""

    _nd = 3


class ReplicationPad1d(_PadNd):
    """Repeat the edge value of the last dim."""

    _mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Repeat the edge values of the last 2 dims."""

    _nd = 2


class ReplicationPad3d(ReplicationPad1d):
    """Repeat the edge values of the last 3 dims."""

    _nd = 3


class CircularPad1d(_PadNd):
    """Wrap the last dim around (periodic padding; each pad <= the dim's size)."""

    _mode = "circular"


class CircularPad2d(CircularPad1d):
    """Wrap the last 2 dims around."""

    _nd = 2


class CircularPad3d(CircularPad1d):
    """Wrap the last 3 dims around."""

    _nd = 3


__all__ = [
    "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ReflectionPad1d",
    "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
    "CircularPad1d", "CircularPad2d", "CircularPad3d",
]
