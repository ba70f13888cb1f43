"""Pytrees for the transforms: arguments and results are tensors or (nested) tuples, lists and dicts of them."""

from __future__ import annotations

from ..tensor import Tensor


def leaves(tree) -> list:
    """The tensors of `tree`, depth first."""
    if isinstance(tree, Tensor):
        return [tree]
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in leaves(item)]
    if isinstance(tree, dict):
        return [leaf for item in tree.values() for leaf in leaves(item)]
    return []


def rebuild(tree, new: list):
    """`tree` with its tensors replaced, in order, by those of `new` (consumed from the front)."""
    if isinstance(tree, Tensor):
        return new.pop(0)
    if isinstance(tree, (tuple, list)):
        return type(tree)(rebuild(item, new) for item in tree)
    if isinstance(tree, dict):
        return {k: rebuild(v, new) for k, v in tree.items()}
    return tree


def structure(tree):
    """The shape of a pytree without its tensors: what must agree between primals and tangents."""
    if isinstance(tree, Tensor):
        return "*"
    if isinstance(tree, (tuple, list)):
        return (type(tree).__name__, tuple(structure(item) for item in tree))
    if isinstance(tree, dict):
        return ("dict", tuple((k, structure(v)) for k, v in tree.items()))
    return repr(tree)
