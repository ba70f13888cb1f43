"""What a piece of program prints under torch and under nnstudio, for comparing printed text exactly."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable


def printed(lib, program: Callable) -> str:
    """stdout of `program(lib)`, with "nnstudio" read as "torch" (nnstudio prints its own name where torch
    prints torch's: dtypes, Size, legacy type names)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        program(lib)
    return buf.getvalue().replace("nnstudio", "torch")


def assert_prints_as_torch(program: Callable) -> None:
    """`program(lib)` prints the same text with nnstudio as with torch."""
    import torch

    import nnstudio

    ours, theirs = printed(nnstudio, program), printed(torch, program)
    assert ours == theirs, f"nnstudio printed:\n{ours}\ntorch printed:\n{theirs}"
