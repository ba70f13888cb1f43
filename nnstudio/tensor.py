"""`nnstudio.tensor`, the module: the `Tensor` class and the core free functions.

The class is composed in `nnstudio/_tensor/` (one file per topic); this module keeps the import path
`from nnstudio.tensor import Tensor` (and the helpers other layers import) working.
"""

from __future__ import annotations

from ._tensor import Size, Tensor
from ._tensor.base import _as_tensor, _infer_numpy
from ._tensor.functions import cat, chunk, concat, concatenate, matmul, maximum, minimum, split, stack, where
from ._tensor.indexing import convert_index as _convert_index
from ._tensor.promotion import _promote
from .autograd import no_grad

__all__ = ["Tensor", "Size", "matmul", "maximum", "minimum", "where", "cat", "concat", "concatenate", "stack",
           "split", "chunk", "no_grad", "_as_tensor", "_infer_numpy", "_convert_index", "_promote"]
