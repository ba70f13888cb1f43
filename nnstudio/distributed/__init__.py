"""`torch.distributed`: nnstudio has no multi-process backend (no gloo, NCCL or MPI).

`is_available()` is False, so the usual `if dist.is_available() and dist.is_initialized():` guards take the
single-process path. `init_process_group` raises a RuntimeError that says so; calls that need a group raise
torch's ValueError ("Default process group has not been initialized ...").
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Backend", "ReduceOp", "all_gather", "all_reduce", "barrier", "broadcast", "destroy_process_group",
           "get_backend", "get_rank", "get_world_size", "init_process_group", "is_available", "is_initialized",
           "is_gloo_available", "is_nccl_available", "is_mpi_available", "is_torchelastic_launched", "reduce"]


class ReduceOp(Enum):
    SUM = "sum"
    PRODUCT = "product"
    MIN = "min"
    MAX = "max"
    AVG = "avg"


class Backend(str):
    GLOO = "gloo"
    NCCL = "nccl"
    MPI = "mpi"


def _no_group():
    raise ValueError("Default process group has not been initialized, please make sure to call "
                     "init_process_group.")


def is_available() -> bool:
    """False: nnstudio runs in one process on one device."""
    return False


def is_initialized() -> bool:
    return False


def is_gloo_available() -> bool:
    return False


def is_nccl_available() -> bool:
    return False


def is_mpi_available() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    return False


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, **kwargs) -> None:
    raise RuntimeError("torch.distributed.init_process_group: nnstudio has no distributed backend "
                       f"(asked for {backend!r}); run the script as a single process")


def destroy_process_group(group=None) -> None:
    _no_group()


def get_rank(group=None) -> int:
    _no_group()


def get_world_size(group=None) -> int:
    _no_group()


def get_backend(group=None) -> str:
    _no_group()


def barrier(group=None, async_op=False, device_ids=None) -> None:
    _no_group()


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False) -> None:
    _no_group()


def reduce(tensor, dst, op=ReduceOp.SUM, group=None, async_op=False) -> None:
    _no_group()


def broadcast(tensor, src, group=None, async_op=False) -> None:
    _no_group()


def all_gather(tensor_list, tensor, group=None, async_op=False) -> None:
    _no_group()
