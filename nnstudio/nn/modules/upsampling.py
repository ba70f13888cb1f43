"""Upsampling layers: `Upsample`, `UpsamplingNearest2d`, `UpsamplingBilinear2d` (thin modules over
`F.interpolate`, torch's arguments, attributes and reprs). Shapes: (N, C, *S) -> (N, C, *S') with S' = size or
floor(S * scale_factor)."""

from __future__ import annotations

from ...tensor import Tensor
from .._functional.upsampling import interpolate
from .module import Module


class Upsample(Module):
    """Resize the spatial dims of (N, C, W), (N, C, H, W) or (N, C, D, H, W) input to `size` or by `scale_factor`
    with `mode` ('nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear');
    `align_corners` for the linear modes."""

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest", align_corners: bool | None = None,
                 recompute_scale_factor: bool | None = None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour 2-D upsampling: (N, C, H, W) -> (N, C, H', W')."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear 2-D upsampling with align_corners=True: (N, C, H, W) -> (N, C, H', W')."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


__all__ = [
    "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d",
]
