"""How Tensor is put together (nnstudio/_tensor/): one mixin per topic, no name defined twice, every generated
in-place twin points at a method that exists, and no method attached after the class is built."""

from __future__ import annotations

import pytest

import nnstudio
from nnstudio import _tensor
from nnstudio._tensor.inplace import TWINS
from nnstudio.ops.pointwise import TABLE


def test_no_name_is_defined_by_two_mixins():
    _tensor.check_no_clash("Tensor", _tensor.TensorBase, _tensor.MIXINS)


def test_a_clash_fails_loudly():
    class A:
        __slots__ = ()

        def exp(self):
            return 1

    with pytest.raises(TypeError, match="'exp'.*ElementwiseMixin and A"):
        _tensor.check_no_clash("Tensor", _tensor.TensorBase, (*_tensor.MIXINS, A))


def test_every_method_comes_from_a_mixin_of_the_class():
    """Nothing is attached with setattr: the class's own dict holds only what `class Tensor` itself defines."""
    own = set(vars(nnstudio.Tensor)) - {"__module__", "__doc__", "__slots__", "__qualname__", "__firstlineno__",
                                         "__static_attributes__"}
    assert own == set(), own


def test_every_inplace_twin_targets_an_existing_method():
    for name, target in TWINS.items():
        if target is not None:
            assert hasattr(nnstudio.Tensor, target), f"{name} -> {target}"
            assert hasattr(nnstudio.Tensor, name), name
    for op in TABLE:
        if op.inplace and op.method:
            assert hasattr(nnstudio.Tensor, f"{op.name}_"), op.name


def test_at_most_eight_private_top_level_modules():
    from pathlib import Path

    private = sorted(p.name for p in Path(nnstudio.__file__).parent.glob("_*.py") if p.name != "__init__.py")
    assert len(private) <= 8, private
