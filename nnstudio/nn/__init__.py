"""`nnstudio.nn`: torch.nn's modules, with the same names, arguments, defaults and state_dict keys.

The classes live in `nn/modules/<family>.py` (torch's file names), their math in `nn.functional`."""

from . import modules  # noqa: F401  (first: torch.nn.modules.<file>.<Class> paths, the classes)

# isort: split
from . import (
    functional,
    grad,
    init,
    parallel,
    saved_modules,  # noqa: F401  (whole modules in nnstudio.save files, without pickle)
    utils,
)
from .modules import *  # noqa: F403
from .parallel.data_parallel import DataParallel
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter
