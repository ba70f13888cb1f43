"""Tensor layouts with torch's names: `strided` (every nnstudio tensor's storage) and `sparse_coo`."""

from __future__ import annotations


class layout:
    """A memory layout; nnstudio stores every tensor densely and marks COO tensors with `sparse_coo`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"nnstudio.{self.name}"


strided = layout("strided")
sparse_coo = layout("sparse_coo")
