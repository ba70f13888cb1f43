"""`instance_norm` of `nn.functional`: per-sample, per-channel statistics (running ones optional)."""

from __future__ import annotations

from ...autograd import no_grad
from ...tensor import Tensor
from .. import functional as F


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """input (N, C, *S) -> same shape; weight, bias, running_mean, running_var: (C,).

    use_input_stats=True: each (n, c) slice is normalised by its own mean and biased variance; the running
    buffers, when given, move towards the batch average of the per-instance mean and unbiased variance.
    use_input_stats=False: the running statistics normalise.
    """
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected input of shape (N, C, *) with spatial dims, got "
                         f"{tuple(input.shape)}")
    c = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"instance_norm: expected {name} with {c} elements (one per channel of input "
                               f"{tuple(input.shape)}), got shape {tuple(t.shape)}")
    spatial = tuple(range(2, input.ndim))
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: Expected running_mean and running_var to be defined when "
                             "use_input_stats is false")
        shape = (1, c) + (1,) * len(spatial)
        y = (input - running_mean.reshape(shape)) / (running_var.reshape(shape) + eps).sqrt()
        if weight is not None:
            y = y * weight.reshape(shape)
        if bias is not None:
            y = y + bias.reshape(shape)
        return y
    count = 1
    for d in spatial:
        count *= input.shape[d]
    if count <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(input.shape)}")
    if running_mean is not None or running_var is not None:
        with no_grad():
            x = input.detach()
            if running_mean is not None:
                m = x.mean(dim=spatial).mean(0).to(running_mean.dtype)
                running_mean.mul_(1 - momentum).add_(m * momentum)
            if running_var is not None:
                v = x.var(dim=spatial, unbiased=True).mean(0).to(running_var.dtype)
                running_var.mul_(1 - momentum).add_(v * momentum)
    return F.group_norm(input, c, weight, bias, eps)


__all__ = [
    "instance_norm",
]
