"""`nn.functional`: the math of the layers, as functions on tensors (torch's names and arguments).

Modules hold parameters and call these. Each function validates its input and raises an error that names
the function and the shapes involved.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._backend import defer, xp_of
from .._tensor.functions import broadcast_tensors, write_out
from ..autograd import apply
from ..ops import activation as A
from ..ops import dropout as D
from ..ops import linalg as L
from ..ops import loss as LO
from ..tensor import Tensor, _as_tensor, where

# ---------------------------------------------------------------------------- linear and activations


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x W^T + b.  input (*, in_features), weight (out_features, in_features), bias (out_features,)."""
    if input.ndim == 0 or input.shape[-1] != weight.shape[-1]:
        got = "x".join(map(str, input.shape)) if input.ndim <= 2 else str(list(input.shape))
        raise RuntimeError(
            f"linear: expected input with last dimension in_features={weight.shape[-1]}, got shape "
            f"{tuple(input.shape)} (mat1 and mat2 shapes cannot be multiplied ({got} and "
            f"{weight.shape[1]}x{weight.shape[0]}))")
    if input._data.dtype != weight._data.dtype:
        raise RuntimeError(f"linear: input dtype {input.dtype} does not match weight dtype {weight.dtype} "
                           "(call .float() on the input or .to(dtype) on the model)")
    if bias is None:
        return apply(L.Linear, input, weight)
    return apply(L.Linear, input, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y_k = x1^T W_k x2 + b_k.  input1 (N, in1), input2 (N, in2), weight (out, in1, in2) -> (N, out)."""
    y = ((input1.unsqueeze(1).unsqueeze(2) @ weight.unsqueeze(0)).squeeze(2) * input2.unsqueeze(1)).sum(-1)
    return y + bias if bias is not None else y


def _maybe_inplace(input: Tensor, inplace: bool, fn) -> Tensor:
    """fn(input), or with `inplace=True` written into `input` itself (torch's semantics: the caller may ignore the
    return value). The graph sees the old value through an alias, so gradients stay correct."""
    return input._inplace(fn) if inplace else fn(input)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: apply(A.Relu, x))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: x.clamp(min_val, max_val))


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: apply(A.LeakyRelu, x, slope=negative_slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: apply(A.Elu, x, alpha=alpha))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return apply(A.Gelu, input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: x * x.sigmoid())


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, lambda x: x * softplus(x).tanh())


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: F811
    return apply(A.Softplus, input, beta=beta, threshold=threshold)


def sigmoid(input: Tensor) -> Tensor:
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def _softmax_dim(ndim: int) -> int:
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return input.softmax(_softmax_dim(input.ndim) if dim is None else dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return input.log_softmax(_softmax_dim(input.ndim) if dim is None else dim, dtype=dtype)


def softmin(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:
    return softmax(-input, dim, dtype=dtype)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    result = input / input.norm(p, dim=dim, keepdim=True).clamp(min=eps)
    return result if out is None else write_out(result, out, "normalize")


# ---------------------------------------------------------------------------- dropout


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1 / (1 - p) (identity when not training)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _maybe_inplace(input, inplace, lambda x: x * 0.0)
    return _maybe_inplace(input, inplace, lambda x: apply(D.Dropout, x, p=p))


# ---------------------------------------------------------------------------- losses


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction (use 'mean', 'sum' or 'none')")


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")


def _check_same_shape(name: str, input: Tensor, target: Tensor) -> None:
    if input.shape != target.shape:
        raise ValueError(f"{name}: target shape {tuple(target.shape)} must match input shape "
                         f"{tuple(input.shape)}")


def _class_last(input: Tensor) -> Tensor:
    """(N, C, d1, ...) -> (N * d1 * ..., C); (N, C) unchanged; (C,) -> (1, C)."""
    if input.ndim == 1:
        return input.unsqueeze(0)
    if input.ndim == 2:
        return input
    dims = (0,) + tuple(range(2, input.ndim)) + (1,)
    return input.permute(*dims).reshape(-1, input.shape[1])


_TORCH_DTYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bool": "Bool", "int32": "Int",
                      "int16": "Short", "int8": "Char", "complex64": "ComplexFloat"}


def _check_class_weight(name: str, weight: Tensor | None, n_classes: int) -> None:
    """torch's check of a per-class `weight`: 1-D with one entry per class."""
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise RuntimeError(f"{name}: weight tensor should be defined either for all {n_classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")


def _check_class_target(name: str, input: Tensor, target: Tensor, ignore_index: int) -> None:
    if target._data.dtype.kind not in "iu":
        got = _TORCH_DTYPE_NAMES.get(str(target._data.dtype), str(target._data.dtype))
        raise RuntimeError(f"{name}: expected target dtype to be Long or Byte, but got {got}: a target of shape "
                           f"{tuple(target.shape)} holds class indices, so use target.long() (int64); class "
                           f"probabilities are floats with the input's shape {tuple(input.shape)}")
    expected = (input.shape[0],) + tuple(input.shape[2:]) if input.ndim >= 2 else ()
    if tuple(target.shape) != expected:
        raise ValueError(f"{name}: expected target of shape {expected} for input of shape {tuple(input.shape)}"
                         f" (class dimension 1), got {tuple(target.shape)}")
    c = input.shape[1] if input.ndim >= 2 else input.shape[0]
    t = target._data
    if t.size:
        bad = (t >= c) | (t < 0)
        bad = bad & (t != ignore_index)
        if xp_of(t) is not np:  # on the GPU: reported at the next read-out, so the step never waits
            defer(f"{name} target", bad.any(), lambda: IndexError(
                f"{name}: a target value was out of bounds for {c} classes (targets must be in [0, {c - 1}]); "
                f"checked on the GPU, so reported at this read-out rather than at the loss"))
        elif bool(bad.any()):
            raise IndexError(f"{name}: target value {int(t[bad].reshape(-1)[0])} is out of bounds for {c} classes "
                             f"(targets must be in [0, {c - 1}])")


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices. input (N, C) or (N, C, d1, ...) log-probabilities;
    target (N,) or (N, d1, ...) int64."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    target = _as_tensor(target)
    _check_class_target("nll_loss", input, target, ignore_index)
    _check_class_weight("nll_loss", weight, input.shape[1] if input.ndim >= 2 else input.shape[0])
    flat = _class_last(input)
    w = None if weight is None else weight._data
    out = apply(LO.NllLoss, flat, target=target._data.reshape(-1), weight=w, ignore_index=ignore_index,
                reduction=reduction)
    if reduction == "none":
        return out.reshape(target.shape)
    return out


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dimension (1, or 0 for 1-D input) followed by nll_loss.

    `target` holds class indices (int64, shape input.shape without dim 1) or class probabilities (float,
    same shape as input). `label_smoothing` in [0, 1] mixes in the uniform distribution.
    """
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    target = _as_tensor(target)
    class_dim = 0 if input.ndim == 1 else 1
    logp = input.log_softmax(class_dim)
    n_classes = input.shape[class_dim]
    _check_class_weight("cross_entropy", weight, n_classes)
    if target._data.dtype.kind == "f" and target.shape != input.shape and target.ndim == input.ndim - 1:
        _check_class_target("cross_entropy", input, target, ignore_index)  # class indices given as floats
    if target._data.dtype.kind == "f":
        _check_same_shape("cross_entropy", input, target)
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / n_classes
        wl = logp if weight is None else logp * weight.reshape((-1,) + (1,) * (input.ndim - 2))
        loss = -(wl * target).sum(class_dim)
        if reduction == "mean":
            return loss.sum() / loss.numel() if loss.numel() else loss.sum() * float("nan")  # torch: nan for none
        return _reduce(loss, reduction)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0:
        return nll
    valid = Tensor._wrap(target._data != ignore_index, None)
    if weight is not None:
        wl = logp * weight.reshape((-1,) + (1,) * (input.ndim - 2)) if input.ndim > 1 else logp * weight
        smooth = -wl.sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(~valid, 0.0)
    if reduction == "mean":
        if weight is not None:
            t = target._data[target._data != ignore_index]
            denom = weight._data[t].sum()
        else:
            denom = valid._data.sum()
        smooth = smooth.sum() / float(denom)
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _broadcast_target(input: Tensor, target) -> tuple[Tensor, Tensor]:
    """torch's regression losses broadcast input and target, warning when their shapes differ (the classic
    (N, 1) output against an (N,) target gives an (N, N) loss, whose mean torch returns: so do we)."""
    target = _as_tensor(target, input)
    if input.shape != target.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", UserWarning, stacklevel=3)
        input, target = broadcast_tensors(input, target)
    return input, target


def _weighted(loss: Tensor, input: Tensor, weight, reduction: str, mean_by_weight: bool) -> Tensor:
    """torch 2.13's `weight=` of mse / l1 / huber: elementwise, of input's size; 'mean' divides by weight.sum()
    for mse and l1, by the element count for huber."""
    if weight is None:
        return _reduce(loss, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    if reduction not in ("sum", "none"):
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")
    return _reduce(loss, reduction)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error (input and target broadcast, with torch's warning when their shapes differ)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    x, target = _broadcast_target(input, target)
    diff = x - target
    return _weighted(diff * diff, input, weight, reduction, True)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    reduction = _legacy_reduction(size_average, reduce, reduction)
    x, target = _broadcast_target(input, target)
    return _weighted((x - target).abs(), input, weight, reduction, True)


def _smooth_l1(x: Tensor, target: Tensor, beta: float) -> Tensor:
    d = (x - target).abs()
    if beta == 0:
        return d
    return where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    x, target = _broadcast_target(input, target)
    return _reduce(_smooth_l1(x, target, beta), _legacy_reduction(size_average, reduce, reduction))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    x, target = _broadcast_target(input, target)
    return _weighted(_smooth_l1(x, target, delta) * delta, input, weight, reduction, False)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """-w [y log x + (1 - y) log(1 - x)] for probabilities x in [0, 1] (logs clamped at -100 as torch)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    target = _as_tensor(target, input)
    _check_same_shape("binary_cross_entropy", input, target)
    x = input._data
    if x.size:
        outside = ((x < 0) | (x > 1)).any()
        error = lambda: RuntimeError(  # noqa: E731
            "binary_cross_entropy: all elements of input should be between 0 and 1 (apply sigmoid first, or "
            "use BCEWithLogitsLoss on raw scores)")
        if xp_of(x) is not np:  # on the GPU: reported at the next read-out, so the step never waits
            defer("binary_cross_entropy input", outside, error)
        elif outside:
            raise error()
    loss = apply(LO.BinaryCrossEntropy, input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + BCE in one numerically stable formula; `pos_weight` weighs the positive term per class."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    target = _as_tensor(target, input)
    _check_same_shape("binary_cross_entropy_with_logits", input, target)
    # log(1 + e^-|x|) + max(-x, 0) = -log sigmoid(x), computed without overflow
    log_sig_neg = input.abs().neg().exp().log1p() + (-input).relu()
    if pos_weight is not None:
        coef = (pos_weight - 1) * target + 1
        loss = (1 - target) * input + coef * log_sig_neg
    else:
        loss = (1 - target) * input + log_sig_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    if log_target:
        loss = target.exp() * (target - input)
    else:
        safe = target.clamp(min=1e-45)
        loss = where(target > 0, target * (safe.log() - input), 0.0)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0]
    return _reduce(loss, _legacy_reduction(size_average, reduce, reduction))


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    t = tensor._data
    if t.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor (int64)")
    n = int(t.max()) + 1 if num_classes == -1 else num_classes
    xp = xp_of(t)
    return Tensor._wrap((t[..., None] == xp.arange(n)).astype(np.int64), None)


# attention (nnstudio/nn/_functional_attention.py)
from ._functional_attention import multi_head_attention_forward, scaled_dot_product_attention  # noqa: E402, F401

# normalisation and embedding (nnstudio/nn/_functional_norm.py)
from ._functional_norm import batch_norm, embedding, group_norm, layer_norm  # noqa: E402, F401

# convolution, pooling and channel-wise dropout (nnstudio/nn/conv_functional.py, pooling_functional.py)
from .activation_extra_functional import hardsigmoid, hardswish, logsigmoid, prelu  # noqa: E402, F401
from .activation_more_functional import (  # noqa: E402, F401
    alpha_dropout,
    celu,
    feature_alpha_dropout,
    glu,
    hardshrink,
    rrelu,
    selu,
    softshrink,
    softsign,
    tanhshrink,
    threshold,
)
from .conv_functional import conv1d, conv2d, conv3d  # noqa: E402, F401
from .conv_transpose_functional import conv_transpose1d, conv_transpose2d, conv_transpose3d  # noqa: E402, F401
from .ctc import ctc_loss  # noqa: E402, F401
from .distance_functional import cosine_similarity, pairwise_distance, triplet_margin_loss  # noqa: E402, F401
from .embedding_bag import embedding_bag  # noqa: E402, F401
from .fold import fold, unfold  # noqa: E402, F401
from .fractional_pooling import (  # noqa: E402, F401
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
)
from .functional_aliases import (  # noqa: E402, F401
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d_with_indices,
    celu_,
    elu_,
    gumbel_softmax,
    hardtanh_,
    leaky_relu_,
    max_pool1d_with_indices,
    max_pool2d_with_indices,
    max_pool3d_with_indices,
    relu_,
    rrelu_,
    selu_,
    threshold_,
)
from .instancenorm import instance_norm  # noqa: E402, F401
from .interpolate_functional import (  # noqa: E402, F401
    interpolate,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)
from .loss_more_functional import (  # noqa: E402, F401
    cosine_embedding_loss,
    gaussian_nll_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    poisson_nll_loss,
    soft_margin_loss,
    triplet_margin_with_distance_loss,
)
from .multilabel_loss import multilabel_soft_margin_loss  # noqa: E402, F401
from .normalization_more import local_response_norm, rms_norm  # noqa: E402, F401
from .padding_functional import pad  # noqa: E402, F401
from .pooling_functional import (  # noqa: E402, F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool3d,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    dropout1d,
    dropout2d,
    dropout3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)
from .pooling_more import lp_pool1d, lp_pool2d, lp_pool3d, max_unpool1d, max_unpool2d, max_unpool3d  # noqa: E402, F401
from .sampling_functional import affine_grid, grid_sample, pdist  # noqa: E402, F401
from .shuffle_functional import channel_shuffle, pixel_shuffle, pixel_unshuffle  # noqa: E402, F401
