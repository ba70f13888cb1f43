"""`torch.version`: what this build is (nnstudio's version; no CUDA or ROCm toolkit is compiled in)."""

from __future__ import annotations

__version__ = "0.1.0"
cuda: str | None = None  # CuPy brings its own CUDA at run time; nothing is compiled against one
hip: str | None = None
xpu: str | None = None
debug = False
git_version = "unknown"
