"""How much of the pinned PyTorch's public surface nnstudio has, namespace by namespace.

    .venv/bin/python tools/torch_coverage.py            # the table (markdown) and the share
    .venv/bin/python tools/torch_coverage.py --missing  # also every missing name, namespace by namespace

A name is *public* when it does not start with `_`, is not a submodule, and is not a re-export of the standard
library's typing helpers or a docstring fragment (torch keeps a few strings and dicts such as `common_args` in
its namespaces). What nnstudio deliberately leaves out is in `EXCLUDED` below, one pattern per entry with the reason;
everything else counts, found or missing. tests/test_torch_coverage.py runs this and fails when the share drops.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from dataclasses import dataclass, field

# (namespace, pattern, why). The namespace "*" applies everywhere. Patterns are full-match regexes.
EXCLUDED: list[tuple[str, str, str]] = [
    ("*", r"q_.*|.*quantiz.*|dequantize|int_repr|qscheme|qint\d+|quint\w+|per_(channel|tensor)_\w+"
          r"|choose_qparams\w*|fused_moving_avg_obs_fake_quant|Q\w*Storage",
     "quantization: nnstudio has no quantized tensors"),
    ("*", r"(to_)?sparse_(csr|csc|bsr|bsc|compressed)\w*|(to_)?sparse_(csr|csc|bsr|bsc)|is_sparse_csr"
          r"|(crow|ccol|col|row)_indices(_copy)?|sspaddmm|saddmm|hspmm|smm|dsmm|hsmm|sparse_resize\w*"
          r"|resize_as_sparse_|sparse_mask|to_sparse_(bsc|bsr|csc|csr)|jagged|to_padded_tensor|is_nested",
     "sparse layouts beyond COO basics (CSR/CSC/BSR/BSC) and nested/jagged tensors"),
    ("*", r"(cudnn|miopen|mkldnn|fbgemm|native)_\w+|\w*_backward\w*|batch_norm_(backward|elemt|gather|stats|update)\w*"
          r"|conv_tbc|is_vulkan_available|is_vulkan|is_mkldnn|to_mkldnn|segment_reduce|norm_except_dim"
          r"|grid_sampler_[23]d|affine_grid_generator|embedding_renorm_|constant_pad_nd|slice_inverse"
          r"|\w+_copy|hash_tensor|nonzero_static|empty_permuted|unsafe_\w+",
     "backend kernels and functionalization copies that torch exposes for its own dispatcher"),
    ("*", r"Script\w*|\w+Type|AliasDb|Argument|ArgumentSpec|Block|CallStack|Capsule|Code|CompilationUnit"
          r"|CompleteArgumentSpec|ConcreteModuleType\w*|DeepCopyMemoTable|ErrorReport|ExecutionPlan|FileCheck"
          r"|FunctionSchema|Future|Gradient|Graph|GraphExecutorState|IODescriptor|InferredType|JITException"
          r"|LiteScriptModule|Node|OperatorInfo|StaticModule|TracingState|Use|Value|LockingLogger|LoggerBase"
          r"|NoopLogger|AggregationType|AVG|SUM|parse_ir|parse_schema|parse_type_comment|merge_type_from_type_comment"
          r"|unify_type_list|import_ir_module\w*|fork|wait|PyTorchFile(Reader|Writer)|(De)?[Ss]erializationStorageContext"
          r"|BenchmarkConfig|BenchmarkExecutionStats|ThroughputBenchmark|BroadcastingList\d|boolean_dispatch",
     "TorchScript / JIT internals"),
    ("torch", r"Type|FatalError|ModuleDict|ParameterDict|BufferDict",
     "TorchScript's C++ classes in the torch namespace (torch.nn has the real ModuleDict and ParameterDict)"),
    ("*", r"compile|cond|while_loop|[Ss]ym\w+|vmap",
     "torch.compile, symbolic shapes and functional transforms (torch.func)"),
    ("*", r"\w*Storage(Base)?|Storage|is_storage|from_file|storage|untyped_storage|storage_type|record_stream"
          r"|Stream|Event|DispatchKey\w*|ExcludeDispatchKeyGuard|DisableTorchFunction\w*|Tag|PRIVATE_OPS"
          r"|classproperty|get_file_path|prepare_multiprocessing_environment|profiler_allow_\w+|TYPE_CHECKING"
          r"|USE_\w+|compiled_with_cxx11_abi|handle_torch_function|has_torch_function\w*|is_tensor_like"
          r"|get_device_module|thread_safe_generator|init_num_threads|set_flush_denormal",
     "storage, streams, dispatcher and build internals"),
    ("*", r"autocast_(in|de)crement_nesting|clear_autocast_cache|\w*_(ipu|xla)_\w+|is_autocast_cache_enabled"
          r"|set_autocast_cache_enabled",
     "autocast internals and IPU/XLA autocast"),
    ("*", r"is_distributed|is_shared|share_memory_", "distributed / shared-memory backends"),
    ("nn", r"factory_kwargs|SyncBatchNorm|LinearCrossEntropy\w*",
     "distributed SyncBatchNorm and torch-internal helpers"),
    ("nn.functional", r"ScalingType|SwizzleType|scaled_mm|scaled_grouped_mm|grouped_mm|linear_cross_entropy"
                      r"|assert_int_or_pair|GRID_SAMPLE_\w+|DType",
     "float8 scaled matmuls (GPU-only kernels) and internal helpers"),
    ("autograd", r"DeviceType|Profiler\w+|SavedTensor|kineto_available|enforce_grad_layout_policy"
                 r"|is_view_replay_enabled|NestedIOFunction|is_multithreading_enabled|set_multithreading_enabled",
     "profiler and autograd-engine internals"),
    ("utils.data", r"\w*DataPipe|DataChunk|argument_validation|functional_datapipe|guaranteed_datapipes_determinism"
                   r"|non_deterministic|runtime_validation\w*",
     "DataPipes (deprecated in torch, removed from its docs)"),
    ("optim", r"swap_in_optimizer_params_and_state", "a torch-internal helper for tensor subclasses"),
]

# namespace label -> (torch module path or "Tensor", nnstudio path)
NAMESPACES: list[tuple[str, str]] = [
    ("torch", "nnstudio"), ("Tensor", "nnstudio.Tensor"), ("nn", "nnstudio.nn"),
    ("nn.functional", "nnstudio.nn.functional"), ("linalg", "nnstudio.linalg"),
    ("distributions", "nnstudio.distributions"), ("optim", "nnstudio.optim"), ("utils.data", "nnstudio.utils.data"),
    ("special", "nnstudio.special"), ("fft", "nnstudio.fft"), ("autograd", "nnstudio.autograd"),
]
_STDLIB = {"typing", "collections.abc", "builtins", "typing_extensions", "abc"}


@dataclass
class Row:
    namespace: str
    have: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    excluded: int = 0

    @property
    def total(self) -> int:
        return len(self.have) + len(self.missing)


def _resolve(path: str):
    """Import `a.b.C` as a module, or a module attribute (for `nnstudio.Tensor`); None when absent."""
    try:
        return importlib.import_module(path)
    except ImportError:
        mod, _, attr = path.rpartition(".")
        try:
            return getattr(importlib.import_module(mod), attr)
        except (ImportError, AttributeError):
            return None


def _public(obj, name: str) -> bool:
    if name.startswith("_"):
        return False
    try:
        value = getattr(obj, name)
    except Exception:  # noqa: BLE001 - a property that raises on the class still counts
        return True
    if isinstance(value, (types.ModuleType, str, dict)):  # submodules and docstring fragments
        return False
    module = getattr(value, "__module__", None) if isinstance(value, type) or callable(value) else None
    return module not in _STDLIB


def _excluded(label: str, name: str) -> bool:
    return any(ns in ("*", label) and re.fullmatch(pat, name) for ns, pat, _ in EXCLUDED)


def measure() -> list[Row]:
    """One row per namespace: the counted torch names nnstudio has and those it lacks."""
    import torch

    import nnstudio  # noqa: F401

    rows = []
    for label, ours_path in NAMESPACES:
        theirs = torch.Tensor if label == "Tensor" else importlib.import_module(f"torch.{label}" if label != "torch"
                                                                                  else "torch")
        ours = _resolve(ours_path)
        row = Row(label)
        for name in sorted(dir(theirs)):
            if not _public(theirs, name) or (label in ("special", "fft") and name == "Tensor"):
                continue
            if _excluded(label, name):
                row.excluded += 1
                continue
            (row.have if ours is not None and hasattr(ours, name) else row.missing).append(name)
        rows.append(row)
    return rows


def table(rows: list[Row]) -> str:
    """The markdown table the README shows."""
    lines = ["| namespace | nnstudio has | of torch's | share |", "|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| `{r.namespace}` | {len(r.have)} | {r.total} | {100 * len(r.have) / max(r.total, 1):.0f}% |")
    have, total = sum(len(r.have) for r in rows), sum(r.total for r in rows)
    lines.append(f"| **all** | **{have}** | **{total}** | **{100 * have / total:.1f}%** |")
    return "\n".join(lines)


def share(rows: list[Row]) -> float:
    return sum(len(r.have) for r in rows) / sum(r.total for r in rows)


def main(argv: list[str]) -> None:
    rows = measure()
    print(table(rows))
    if "--missing" in argv:
        for r in rows:
            print(f"\n## {r.namespace}: {len(r.missing)} missing\n" + " ".join(r.missing))


if __name__ == "__main__":
    main(sys.argv[1:])
