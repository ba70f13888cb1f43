"""`nn.functional`: the math of the layers, as functions on tensors (torch's names and arguments).

Modules hold parameters and call these. Each function validates its input and raises an error that names the
function and the shapes involved. They live in `nn/_functional/<family>.py`, named as the `nn/modules/` file of
the modules that call them; this file re-exports each file's `__all__`.
"""

from __future__ import annotations

from ..tensor import Tensor  # noqa: F401  (torch.nn.functional.Tensor)
from ._functional.activation import *  # noqa: F403
from ._functional.attention import *  # noqa: F403
from ._functional.batchnorm import *  # noqa: F403
from ._functional.channelshuffle import *  # noqa: F403
from ._functional.conv import *  # noqa: F403
from ._functional.distance import *  # noqa: F403
from ._functional.dropout import *  # noqa: F403
from ._functional.fold import *  # noqa: F403
from ._functional.instancenorm import *  # noqa: F403
from ._functional.linear import *  # noqa: F403
from ._functional.loss import *  # noqa: F403
from ._functional.normalization import *  # noqa: F403
from ._functional.padding import *  # noqa: F403
from ._functional.pixelshuffle import *  # noqa: F403
from ._functional.pooling import *  # noqa: F403
from ._functional.sparse import *  # noqa: F403
from ._functional.upsampling import *  # noqa: F403
