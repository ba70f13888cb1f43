"""`torch.nn.modules`: every module class, and one submodule per torch file (`torch.nn.modules.loss._Loss`,
`torch.nn.modules.module.Module`, `torch.nn.modules.conv._ConvNd`, ...) re-exporting nnstudio's classes."""

from __future__ import annotations

from .. import *  # noqa: F401,F403
from ..module import Module  # noqa: F401
from . import (  # noqa: F401
    activation,
    batchnorm,
    channelshuffle,
    container,
    conv,
    distance,
    dropout,
    flatten,
    fold,
    instancenorm,
    linear,
    loss,
    module,
    normalization,
    padding,
    pixelshuffle,
    pooling,
    rnn,
    sparse,
    transformer,
    upsampling,
)
