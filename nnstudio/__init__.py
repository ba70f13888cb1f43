"""nnstudio: see a neural network learn.

`import nnstudio` gives the same calls as `import torch` for tensors, autograd, `nn`, `optim` and
`utils.data`, on NumPy (CPU) or CuPy (GPU).
"""

from __future__ import annotations

from . import (
    _malloc,  # noqa: F401  tunes glibc on import: freed activations stay in the heap (no page faults per step)
    backends,
    linalg,  # torch.linalg
)
from . import tensor as _tensor_module  # noqa: F401  the module first: `nnstudio.tensor` is the function below
from ._backend import cuda_is_available as _cuda_is_available
from ._backend import device
from ._dtype import (
    bool_,
    double,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from ._random import Generator, initial_seed, manual_seed, seed
from ._tensor.functions import PUBLIC as _PUBLIC
from ._tensor.legacy_types import *  # noqa: F401,F403  (FloatTensor, LongTensor, ...)
from ._tensor.linalg import cdist
from ._tensor.printing import get_printoptions, set_printoptions
from ._tensor.reductions import std_mean, var_mean
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    is_tensor,
    linspace,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .linalg import tensor_norm as norm  # noqa: E402  (torch.norm)
from .ops.intraop import get_num_threads, set_num_threads  # noqa: E402
from .serialization import load, save
from .tensor import (
    Size,
    Tensor,
    cat,
    chunk,
    concat,
    concatenate,
    matmul,
    maximum,
    minimum,
    split,
    stack,
    where,
)

globals().update(_PUBLIC)  # torch.<name>(input, ...) for the methods, with out=
globals()["bool"] = bool_  # torch.bool; `bool_` keeps the builtin usable inside this module
globals()["float"] = float32
globals()["int"] = int32

__version__ = "0.1.0"


class _Cuda:
    """`nnstudio.cuda.is_available()` and friends, as in torch."""

    @staticmethod
    def is_available() -> bool:
        return _cuda_is_available()

    @staticmethod
    def device_count() -> int:
        return 1 if _cuda_is_available() else 0

    @staticmethod
    def manual_seed(seed_: int) -> None:
        manual_seed(seed_)

    manual_seed_all = manual_seed

    @staticmethod
    def synchronize() -> None:
        if _cuda_is_available():
            from ._backend import xp_for

            xp_for("cuda").cuda.Device().synchronize()


cuda = _Cuda()


def __getattr__(name: str):
    # subpackages load lazily so `import nnstudio` stays fast and free of import cycles
    import importlib

    if name in ("nn", "optim", "utils", "graph", "train", "data", "studio"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("Studio", "Dashboard"):
        return getattr(importlib.import_module(".studio", __name__), name)
    if name == "Trainer":
        return importlib.import_module(".train", __name__).Trainer
    if name == "ModelGraph":
        return importlib.import_module(".graph", __name__).ModelGraph
    raise AttributeError(f"module 'nnstudio' has no attribute {name!r}")




def load_ipython_extension(ipython) -> None:
    """`%load_ext nnstudio` registers the `%nnstudio` line magic (opens the Studio on a model or a design)."""
    from .studio.magics import load_ipython_extension as _load

    _load(ipython)


from ._torch_alias import install as _install_torch_alias  # noqa: E402

_install_torch_alias()  # `sys.modules["torch"] = nnstudio` then `import torch.nn` gives nnstudio.nn itself
