"""`torch.var_mean` / `torch.std_mean`: the variance (or standard deviation) and the mean in one call."""

from __future__ import annotations

from .tensor import Tensor


def _options(dim, unbiased, correction, name: str):
    """torch's overloads: (input, unbiased), (input, dim, unbiased, keepdim), (input, dim, *, correction)."""
    if isinstance(dim, bool):  # var_mean(x, True): the bool is `unbiased`
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{name}(): pass either unbiased or correction, not both")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def var_mean(input: Tensor, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
             correction: float | None = None) -> tuple[Tensor, Tensor]:
    """(variance, mean) over `dim` (all dims when None): var = sum((x - mean)^2) / (N - correction), with
    correction 1 (Bessel's, the default) or 0 (unbiased=False). Both keep the reduced dims with keepdim."""
    if not isinstance(input, Tensor):
        raise TypeError(f"var_mean(): input must be a Tensor, got {type(input).__name__}")
    dim, correction = _options(dim, unbiased, correction, "var_mean")
    return input.var(dim, keepdim=keepdim, correction=correction), input.mean(dim, keepdim=keepdim)


def std_mean(input: Tensor, dim=None, unbiased: bool | None = None, keepdim: bool = False, *,
             correction: float | None = None) -> tuple[Tensor, Tensor]:
    """(standard deviation, mean) over `dim`; arguments as `var_mean`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"std_mean(): input must be a Tensor, got {type(input).__name__}")
    dim, correction = _options(dim, unbiased, correction, "std_mean")
    return input.std(dim, keepdim=keepdim, correction=correction), input.mean(dim, keepdim=keepdim)


__all__ = ["var_mean", "std_mean"]
