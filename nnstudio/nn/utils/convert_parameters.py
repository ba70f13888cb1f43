"""`parameters_to_vector` / `vector_to_parameters`, as in `torch.nn.utils`."""

from __future__ import annotations

from collections.abc import Iterable

from ...tensor import Tensor, cat


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters flattened into one 1-D tensor (length = total number of elements), in order."""
    params = list(parameters)
    _same_device(params)
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D `vec` into each parameter's data (the inverse of the above)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    params = list(parameters)
    _same_device(params)
    need = sum(p.numel() for p in params)
    if vec.dim() != 1 or vec.numel() < need:
        raise RuntimeError(f"vector_to_parameters: vec of shape {list(vec.shape)} cannot fill parameters with "
                           f"{need} elements in all")
    start = 0
    for p in params:
        n = p.numel()
        p.data = vec.detach()[start:start + n].reshape(p.shape)
        start += n


def _same_device(params: list) -> None:
    devices = {str(p.device) for p in params}
    if len(devices) > 1:
        raise TypeError(f"Found two parameters on different devices, this is currently not supported "
                        f"({sorted(devices)})")
