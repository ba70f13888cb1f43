"""The smaller `torch.backends.*` modules scripts touch (`mkldnn`, `mkl`, `openmp`, `opt_einsum`, `cpu`),
answered for a NumPy / CuPy engine: flags are accepted and have no effect."""

from __future__ import annotations

from types import ModuleType

from ..ops import mkl_blas as _mkl_blas


def _module(name: str, doc: str, **attrs) -> ModuleType:
    mod = ModuleType(f"nnstudio.backends.{name}", doc)
    mod.__dict__.update(attrs)
    return mod


mkldnn = _module("mkldnn", "oneDNN kernels: nnstudio does not call them.", enabled=True, deterministic=False,
                 allow_tf32=False, is_available=lambda: False)
mkl = _module("mkl", "Intel MKL: the matrix products run on it when the optional `mkl` package is installed "
              "(nnstudio/ops/mkl_blas.py), else on NumPy's BLAS.", is_available=lambda: _mkl_blas.available())
openmp = _module("openmp", "OpenMP: nnstudio's intra-op threads are its own (see set_num_threads).",
                 is_available=lambda: False)
opt_einsum = _module("opt_einsum", "opt_einsum path optimisation: NumPy's einsum(optimize=...) decides.",
                     enabled=True, strategy="auto", is_available=lambda: False)
cpu = _module("cpu", "The CPU backend.", get_cpu_capability=lambda: "DEFAULT")
