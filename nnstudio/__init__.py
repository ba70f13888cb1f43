"""nnstudio: see a neural network learn.

`import nnstudio` gives the same calls as `import torch` for tensors, autograd, `nn`, `optim` and
`utils.data`, on NumPy (CPU) or CuPy (GPU).
"""

from __future__ import annotations

from . import (
    _malloc,  # noqa: F401  tunes glibc on import: freed activations stay in the heap (no page faults per step)
    backends,
    linalg,  # torch.linalg
    return_types,  # torch.return_types: max(dim), sort, topk, linalg.slogdet ... named tuples
)
from . import tensor as _tensor_module  # noqa: F401  the module first: `nnstudio.tensor` is the function below
from ._backend import cuda_is_available as _cuda_is_available
from ._backend import device
from ._dtype import (
    bool_,
    cdouble,
    cfloat,
    complex64,
    complex128,
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
from ._tensor.statistics import histogramdd
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    empty_permuted,
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


from . import (  # noqa: E402  (torch.accelerator, torch.amp, torch.cuda, torch.sparse)
    accelerator,
    amp,
    cuda,
    sparse,
)
from ._dtype import STORAGE_LESS_DTYPES as _STORAGE_LESS_DTYPES  # noqa: E402
from ._dtype import layout, sparse_coo, strided  # noqa: E402
from ._toplevel import config as _config  # noqa: E402  (finfo, memory formats, determinism flags, interop)
from ._toplevel import control_flow as _control_flow  # noqa: E402  (torch.cond, torch.while_loop, sym_int ...)
from ._toplevel import layer_forms as _layer_forms  # noqa: E402  (torch.lstm, torch.native_batch_norm, ...)
from .amp import GradScaler, autocast  # noqa: E402
from .amp.autocast_mode import (  # noqa: E402
    get_autocast_cpu_dtype,
    get_autocast_dtype,
    get_autocast_gpu_dtype,
    is_autocast_cpu_enabled,
    is_autocast_enabled,
    set_autocast_cpu_dtype,
    set_autocast_cpu_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
    set_autocast_gpu_dtype,
)
from .functional import istft, stft  # noqa: E402  (torch.functional's short-time Fourier transforms)
from .sparse import sparse_coo_tensor, spmm  # noqa: E402

for _part in (_config, _control_flow, _layer_forms):
    globals().update({k: getattr(_part, k) for k in _part.__all__})
globals().update(_config.NN_FUNCTIONAL_ALIASES)  # torch.conv2d, torch.dropout, ... (nn.functional's)
del _part

globals().update(_STORAGE_LESS_DTYPES)  # torch.bfloat16, torch.complex32, float8...: named, not storable
chalf = _STORAGE_LESS_DTYPES["complex32"]

from ._tensor.keyword_aliases import accept_numpy_keywords_in as _accept_numpy_keywords_in  # noqa: E402

_accept_numpy_keywords_in(globals())  # torch.std_mean(x, axis=1), torch.sum(x, axis=0, keepdims=True)


def __getattr__(name: str):
    # subpackages load lazily so `import nnstudio` stays fast and free of import cycles
    import importlib

    if name in ("nn", "optim", "utils", "graph", "train", "data", "studio", "distributions", "distributed", "onnx",
                "hub", "multiprocessing", "sparse", "cpu", "func", "compiler", "version", "special", "jit",
                "testing", "random", "profiler", "fft"):
        return importlib.import_module(f".{name}", __name__)
    if name in ("Studio", "Dashboard"):
        return getattr(importlib.import_module(".studio", __name__), name)
    if name in ("compile", "vmap"):
        return getattr(importlib.import_module(".compiler" if name == "compile" else ".func", __name__), name)
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
