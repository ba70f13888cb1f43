"""`Tensor`, composed from one mixin per topic; each file of this package holds one topic.

    base.py         storage, properties, conversion and casting, autograd handles, factories (TensorBase)
    arithmetic.py   + - * / ** % //, comparisons, logical and bitwise ops, clamp, isclose
    elementwise.py  the elementwise table's methods (ops/pointwise.py) and activations
    complex.py      complex dtypes: .real / .imag, conj, angle, view_as_real / view_as_complex, complex, polar
    reductions.py   sum / mean / var / max ..., scans (cumsum, cumprod), logsumexp
    statistics.py   order statistics and running reductions: median, mode, quantile, cummax, histc, diff, cov
    movement.py     views and rearrangements: view, permute, squeeze, expand, split, flip, roll, triangles
    indexing.py     t[...] and t[...] = v, gather, masked ops, sort / topk, scatter, index_put
    inplace.py      every `name_` method, through one `_inplace` path with torch's dtype rule
    linalg.py       @, matmul, dot, outer, norm and the torch.linalg methods
    printing.py     repr / str / format and the print options
    sparse.py       COO sparse tensors on dense storage (to_sparse, indices, values, ...)
    functions.py    the free functions (cat, stack, where, ...) and `function_from_method`
    promotion.py    type promotion, broadcasting checks, the casting rule
    legacy_types.py FloatTensor, LongTensor, ...
    keyword_aliases.py  NumPy's axis= / keepdims= for dim= / keepdim=, as torch's argument parser

Where does a new method go? In the mixin of its topic; a new elementwise op is a row of `ops/pointwise.py`.
Two mixins defining the same name is an error at import (`compose`), never a silent override.
"""

from __future__ import annotations

from .arithmetic import ArithmeticMixin
from .base import Size, TensorBase, as_tensor, bind_tensor_class, infer_numpy, wrap
from .complex import ComplexMixin, refuse_complex
from .elementwise import ElementwiseMixin
from .indexing import IndexingMixin, convert_index
from .inplace import InplaceMixin
from .keyword_aliases import accept_numpy_keywords
from .linalg import LinalgMixin
from .movement import MovementMixin
from .printing import PrintingMixin
from .promotion import promote
from .reductions import ReductionMixin
from .sparse import SparseMixin
from .statistics import StatisticsMixin

MIXINS = (ArithmeticMixin, ComplexMixin, ElementwiseMixin, ReductionMixin, StatisticsMixin, MovementMixin,
          IndexingMixin, InplaceMixin, LinalgMixin, PrintingMixin, SparseMixin)
_IGNORED = {"__module__", "__doc__", "__slots__", "__qualname__", "__dict__", "__weakref__", "__firstlineno__",
            "__static_attributes__"}


def own_names(cls: type) -> set:
    """The names a mixin defines (its generated part and its written base together)."""
    names = set()
    for klass in cls.__mro__[:-1]:
        names |= set(vars(klass)) - _IGNORED
    return names


def check_no_clash(name: str, root: type, mixins: tuple) -> None:
    """Raise when two parts of `name` define the same attribute: a silent override would hide one of them."""
    seen: dict = {}
    clashes = []
    for part in (root, *mixins):
        for attr in sorted(own_names(part)):
            if attr in seen:
                clashes.append(f"{attr!r} ({seen[attr].__name__} and {part.__name__})")
            seen[attr] = part
    if clashes:
        raise TypeError(f"{name}: names defined by two parts: {', '.join(clashes)}; keep one (each method lives in "
                        "the mixin of its topic)")


check_no_clash("Tensor", TensorBase, MIXINS)
for _part in (TensorBase, *MIXINS):
    accept_numpy_keywords(_part)  # x.sum(axis=0, keepdims=True), as torch's argument parser takes them
    refuse_complex(_part)  # max / sort / softmax ... of a complex tensor raise, as torch's
del _part


class Tensor(*MIXINS, TensorBase):
    """A multi-dimensional array that can record its history for automatic differentiation.

    `Tensor(data)` copies `data` into a float32 tensor (torch's legacy constructor); prefer `nnstudio.tensor`.
    """

    __slots__ = ()
    __module__ = "nnstudio"  # printed as torch prints its class: <class 'nnstudio.Tensor'>


bind_tensor_class(Tensor)

__all__ = ["Tensor", "Size", "TensorBase", "MIXINS", "check_no_clash", "own_names", "as_tensor", "wrap", "infer_numpy",
           "convert_index", "promote"]
