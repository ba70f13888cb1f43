"""`convert_conv2d_weight_memory_format` / `convert_conv3d_weight_memory_format` (torch's
`nn.utils.memory_format`). nnstudio tensors are always contiguous (one memory layout), so converting the conv
weights to channels_last changes nothing: both return the module itself, as torch does after converting."""

from __future__ import annotations

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def convert_conv2d_weight_memory_format(module, memory_format):
    """The weights of every Conv2d / ConvTranspose2d in `module` in `memory_format`; returns `module`."""
    return module


def convert_conv3d_weight_memory_format(module, memory_format):
    """The weights of every Conv3d / ConvTranspose3d in `module` in `memory_format`; returns `module`."""
    return module
