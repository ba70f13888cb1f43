"""The base of the distributions built as a TransformedDistribution whose expand carries their parameters."""

from __future__ import annotations

from ..tensor import Tensor
from .transformed_distribution import TransformedDistribution


class _Transformed(TransformedDistribution):
    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(type(self), _instance)
        for k in self._carry:
            setattr(new, k, getattr(self, k).expand(tuple(batch_shape)) if isinstance(getattr(self, k), Tensor)
                    else getattr(self, k))
        return TransformedDistribution.expand(self, batch_shape, _instance=new)

    _carry: tuple = ()
