"""`torch.nn.modules`: every module class, one file per family named as torch's (`torch.nn.modules.loss._Loss`,
`torch.nn.modules.module.Module`, `torch.nn.modules.conv._ConvNd`, ...). `nnstudio.nn` re-exports `__all__`."""

from __future__ import annotations

from ..parallel.data_parallel import DataParallel  # noqa: F401  (not a torch.nn.modules file: torch.nn.parallel)
from ..parameter import Buffer, Parameter  # noqa: F401
from . import (
    activation,
    adaptive,
    batchnorm,
    channelshuffle,
    container,
    conv,
    distance,
    dropout,
    flatten,
    fold,
    instancenorm,
    lazy,  # noqa: F401  (LazyModuleMixin is not re-exported by torch.nn.modules)
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
    utils,  # noqa: F401
)
from .activation import *  # noqa: F403
from .adaptive import *  # noqa: F403
from .batchnorm import *  # noqa: F403
from .channelshuffle import *  # noqa: F403
from .container import *  # noqa: F403
from .conv import *  # noqa: F403
from .distance import *  # noqa: F403
from .dropout import *  # noqa: F403
from .flatten import *  # noqa: F403
from .fold import *  # noqa: F403
from .instancenorm import *  # noqa: F403
from .linear import *  # noqa: F403
from .loss import *  # noqa: F403
from .module import *  # noqa: F403
from .normalization import *  # noqa: F403
from .padding import *  # noqa: F403
from .pixelshuffle import *  # noqa: F403
from .pooling import *  # noqa: F403
from .rnn import *  # noqa: F403
from .sparse import *  # noqa: F403
from .transformer import *  # noqa: F403
from .upsampling import *  # noqa: F403

_FILES = (activation, adaptive, batchnorm, channelshuffle, container, conv, distance, dropout, flatten, fold,
          instancenorm, linear, loss, module, normalization, padding, pixelshuffle, pooling, rnn, sparse,
          transformer, upsampling)
__all__ = sorted(name for file in _FILES for name in file.__all__)
