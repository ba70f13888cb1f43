"""`nn.functional`: the math of the layers, as functions on tensors (torch's names and arguments).

Modules hold parameters and call these. Each function validates its input and raises an error that names
the function and the shapes involved.
"""

from __future__ import annotations

import numpy as np

from .._backend import xp_of
from ..tensor import Tensor

# ---------------------------------------------------------------------------- linear and activations








































# ---------------------------------------------------------------------------- dropout




# ---------------------------------------------------------------------------- losses


































def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    t = tensor._data
    if t.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor (int64)")
    n = int(t.max()) + 1 if num_classes == -1 else num_classes
    xp = xp_of(t)
    return Tensor._wrap((t[..., None] == xp.arange(n)).astype(np.int64), None)


# attention (nnstudio/nn/_functional_attention.py)
from ._functional.activation import *  # noqa: E402, F403

# convolution, pooling and channel-wise dropout (nnstudio/nn/conv_functional.py, pooling_functional.py)
from ._functional.activation import (  # noqa: E402, F401  # noqa: E402, F401  # noqa: E402, F401
    _maybe_inplace,
    celu,
    celu_,
    elu_,
    glu,
    gumbel_softmax,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh_,
    leaky_relu_,
    log_softmax,
    logsigmoid,
    prelu,
    relu,
    relu_,
    rrelu,
    rrelu_,
    selu,
    selu_,
    sigmoid,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
    threshold_,
)
from ._functional.attention import *  # noqa: E402, F403
from ._functional.attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: E402, F401
from ._functional.batchnorm import *  # noqa: E402, F403

# normalisation and embedding (nnstudio/nn/_functional_norm.py)
from ._functional.batchnorm import batch_norm  # noqa: E402, F401
from ._functional.channelshuffle import *  # noqa: E402, F403
from ._functional.channelshuffle import channel_shuffle  # noqa: E402, F401
from ._functional.conv import *  # noqa: E402, F403
from ._functional.conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d  # noqa: E402, F401  # noqa: E402, F401
from ._functional.distance import *  # noqa: E402, F403
from ._functional.distance import (  # noqa: E402, F401
    cosine_similarity,
    pairwise_distance,
    pdist,  # noqa: E402, F401
)
from ._functional.dropout import *  # noqa: E402, F403
from ._functional.dropout import alpha_dropout, dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout  # noqa: E402, F401  # noqa: E402, F401
from ._functional.linear import *  # noqa: E402, F403
from ._functional.loss import *  # noqa: E402, F403
from ._functional.loss import (  # noqa: E402, F401
    cosine_embedding_loss,
    ctc_loss,  # noqa: E402, F401
    gaussian_nll_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,  # noqa: E402, F401
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_loss,  # noqa: E402, F401
    triplet_margin_with_distance_loss,
)
from ._functional.normalization import *  # noqa: E402, F403
from ._functional.normalization import group_norm, layer_norm, local_response_norm, rms_norm  # noqa: E402, F401  # noqa: E402, F401
from ._functional.pixelshuffle import *  # noqa: E402, F403
from ._functional.pixelshuffle import pixel_shuffle, pixel_unshuffle  # noqa: E402, F401
from ._functional.pooling import *  # noqa: E402, F403
from ._functional.pooling import (  # noqa: E402, F401  # noqa: E402, F401  # noqa: E402, F401  # noqa: E402, F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from ._functional_norm import embedding  # noqa: E402, F401
from .embedding_bag import embedding_bag  # noqa: E402, F401
from .fold import fold, unfold  # noqa: E402, F401
from .instancenorm import instance_norm  # noqa: E402, F401
from .interpolate_functional import (  # noqa: E402, F401
    interpolate,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from .padding_functional import pad  # noqa: E402, F401
from .sampling_functional import affine_grid, grid_sample  # noqa: E402, F401
