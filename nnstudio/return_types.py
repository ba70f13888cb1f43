"""torch.return_types: the named tuples that `max(dim)`, `sort`, `topk`, `linalg.slogdet`, ... return.

Each is a `tuple` subclass (indexable, unpackable, equal to the plain tuple of its values) with one read-only
attribute per field, like torch's struct sequences: `torch.max(x, 1)` gives `return_types.max(values, indices)`,
printed as torch prints it::

    torch.return_types.max(
    values=tensor([3., 7.]),
    indices=tensor([1, 1]))

As in torch they have no `_fields` (they are not `collections.namedtuple`s), and each has an `_out` twin.
"""

from __future__ import annotations

from operator import itemgetter

#: torch's struct sequences and their fields, in order (torch 2.13's torch.return_types.all_return_types)
FIELDS: dict[str, tuple[str, ...]] = {
    "aminmax": ("min", "max"),
    "cummax": ("values", "indices"),
    "cummin": ("values", "indices"),
    "frexp": ("mantissa", "exponent"),
    "geqrf": ("a", "tau"),
    "histogram": ("hist", "bin_edges"),
    "histogramdd": ("hist", "bin_edges"),
    "kthvalue": ("values", "indices"),
    "linalg_cholesky_ex": ("L", "info"),
    "linalg_eig": ("eigenvalues", "eigenvectors"),
    "linalg_eigh": ("eigenvalues", "eigenvectors"),
    "linalg_inv_ex": ("inverse", "info"),
    "linalg_ldl_factor": ("LD", "pivots"),
    "linalg_ldl_factor_ex": ("LD", "pivots", "info"),
    "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"),
    "linalg_lu": ("P", "L", "U"),
    "linalg_lu_factor": ("LU", "pivots"),
    "linalg_lu_factor_ex": ("LU", "pivots", "info"),
    "linalg_qr": ("Q", "R"),
    "linalg_slogdet": ("sign", "logabsdet"),
    "linalg_solve_ex": ("result", "info"),
    "linalg_svd": ("U", "S", "Vh"),
    "lu_unpack": ("P", "L", "U"),
    "max": ("values", "indices"),
    "median": ("values", "indices"),
    "min": ("values", "indices"),
    "mode": ("values", "indices"),
    "nanmedian": ("values", "indices"),
    "qr": ("Q", "R"),
    "slogdet": ("sign", "logabsdet"),
    "sort": ("values", "indices"),
    "svd": ("U", "S", "V"),
    "topk": ("values", "indices"),
    "triangular_solve": ("solution", "cloned_coefficient"),
}


class _StructSequence(tuple):
    """A fixed-length tuple with named, read-only fields (the base of every return type)."""

    __slots__ = ()
    _names: tuple[str, ...] = ()
    n_fields = n_sequence_fields = 0
    n_unnamed_fields = 0

    def __new__(cls, sequence=(), dict=None):  # noqa: A002 - torch's (and CPython's struct sequence) argument name
        values = tuple(sequence)
        if len(values) != cls.n_fields:
            raise TypeError(f"{cls.__module__}.{cls.__name__}() takes a {cls.n_fields}-sequence "
                            f"({len(values)}-sequence given)")
        return super().__new__(cls, values)

    def __repr__(self) -> str:
        body = ",\n".join(f"{name}={value!r}" for name, value in zip(self._names, self))
        return f"{type(self).__module__}.{type(self).__name__}(\n{body})"

    def __reduce__(self):
        return type(self), (tuple(self),)


def _make(name: str, fields: tuple[str, ...]) -> type:
    attrs = {name_: property(itemgetter(i), doc=f"Field {i} of {name}.") for i, name_ in enumerate(fields)}
    attrs.update(__slots__=(), __module__=__name__, __qualname__=name, _names=fields, n_fields=len(fields),
                 n_sequence_fields=len(fields), __match_args__=fields,
                 __doc__=f"{name}({', '.join(fields)}): torch.return_types.{name}.")
    return type(name, (_StructSequence,), attrs)


all_return_types: list[type] = []
for _name, _fields in FIELDS.items():
    all_return_types.append(_make(_name, _fields))
    if _name != "histogramdd":
        all_return_types.append(_make(f"{_name}_out", _fields))
globals().update({cls.__name__: cls for cls in all_return_types})

__all__ = ["all_return_types", *(cls.__name__ for cls in all_return_types)]
del _name, _fields
