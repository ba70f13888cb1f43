"""torch.return_types: the named tuples of max(dim), sort, topk, median, linalg.slogdet ... have torch's type
names, fields, printed text and tuple behaviour."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
from nnstudio import return_types

torch = pytest.importorskip("torch")

A = np.array([[4.0, 1.0, 2.0], [1.0, 5.0, 0.5], [2.0, 0.5, 6.0]], dtype=np.float32)

CALLS = {
    "max": lambda t, x: t.max(x, 1),
    "max_keepdim": lambda t, x: x.max(dim=0, keepdim=True),
    "min": lambda t, x: x.min(0),
    "sort": lambda t, x: x.sort(descending=True),
    "torch_sort": lambda t, x: t.sort(x, 0),
    "topk": lambda t, x: x.topk(2),
    "median": lambda t, x: x.median(1),
    "nanmedian": lambda t, x: t.nanmedian(x, 0),
    "mode": lambda t, x: t.mode(x.round(), 1),
    "kthvalue": lambda t, x: x.kthvalue(2, 1),
    "cummax": lambda t, x: x.cummax(1),
    "cummin": lambda t, x: t.cummin(x, 0),
    "aminmax": lambda t, x: t.aminmax(x),
    "aminmax_dim": lambda t, x: x.aminmax(dim=1),
    "frexp": lambda t, x: t.frexp(x),
    "histogram": lambda t, x: t.histogram(x, bins=3),
    "slogdet": lambda t, x: t.slogdet(x),
    "linalg_slogdet": lambda t, x: t.linalg.slogdet(x),
    "linalg_eigh": lambda t, x: t.linalg.eigh(x),
    "linalg_qr": lambda t, x: t.linalg.qr(x),
    "qr": lambda t, x: x.qr(),
    "svd": lambda t, x: t.svd(x),
    "linalg_svd": lambda t, x: t.linalg.svd(x),
    "linalg_inv_ex": lambda t, x: t.linalg.inv_ex(x),
    "linalg_cholesky_ex": lambda t, x: t.linalg.cholesky_ex(x),
    "linalg_solve_ex": lambda t, x: t.linalg.solve_ex(x, x),
    "linalg_lu_factor": lambda t, x: t.linalg.lu_factor(x),
    "linalg_lu": lambda t, x: t.linalg.lu(x),
    "lu_unpack": lambda t, x: t.lu_unpack(*t.linalg.lu_factor(x)),
    "geqrf": lambda t, x: t.geqrf(x),
}


def _both(name):
    ours = CALLS[name](nnstudio, nnstudio.tensor(A))
    theirs = CALLS[name](torch, torch.tensor(A))
    return ours, theirs


@pytest.mark.parametrize("name", list(CALLS))
def test_type_fields_and_values_match_torch(name):
    ours, theirs = _both(name)
    assert type(ours).__module__ == "nnstudio.return_types"
    assert type(ours).__name__ == type(theirs).__name__
    assert isinstance(ours, tuple) and len(ours) == len(theirs) == type(theirs).n_fields == type(ours).n_fields
    assert not hasattr(ours, "_fields") and not hasattr(theirs, "_fields")  # struct sequences, not namedtuples
    fields = return_types.FIELDS[type(ours).__name__]
    for i, field in enumerate(fields):
        a, b = getattr(ours, field), getattr(theirs, field)
        assert a is ours[i]
        if name in ("linalg_eigh", "linalg_qr", "qr", "svd", "linalg_svd", "geqrf") and field != "S" \
                and field != "eigenvalues":
            continue  # factors are unique only up to signs
        np.testing.assert_allclose(np.asarray(a.numpy()), b.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["max", "max_keepdim", "min", "sort", "topk", "median", "mode", "kthvalue",
                                  "cummax", "cummin", "aminmax", "aminmax_dim", "slogdet", "linalg_slogdet",
                                  "linalg_inv_ex"])
def test_printed_text_matches_torch(name):
    ours, theirs = _both(name)
    assert repr(ours).replace("nnstudio", "torch") == repr(theirs)
    assert str(ours).replace("nnstudio", "torch") == str(theirs)


def test_tuple_behaviour_matches_torch():
    for lib in (nnstudio, torch):
        x = lib.tensor(A)
        values, indices = lib.max(x, 1)
        r = x.max(1)
        assert r[1] is r.indices and r[-2] is r.values and len(r[:1]) == 1
        assert lib.equal(values, r[0]) and lib.equal(indices, r.indices)
        assert tuple(r) == (r.values, r.indices) and r == (r.values, r.indices)
        with pytest.raises(AttributeError):
            r.values = None
        rebuilt = type(r)((values, indices))
        assert type(rebuilt) is type(r) and rebuilt.indices is indices
        with pytest.raises(TypeError):
            type(r)((values,))
        cls, args = r.__reduce__()
        assert cls is type(r) and args[0][0] is r.values and args[0][1] is r.indices


def test_namespace_matches_torch():
    ours = sorted(cls.__name__ for cls in return_types.all_return_types)
    theirs = sorted(cls.__name__ for cls in torch.return_types.all_return_types)
    assert ours == theirs
    for name in theirs:
        assert getattr(nnstudio.return_types, name).__name__ == name
        n = getattr(torch.return_types, name).n_fields
        text = repr(getattr(nnstudio.return_types, name)(tuple(range(n))))
        assert text.replace("nnstudio", "torch") == repr(getattr(torch.return_types, name)(tuple(range(n))))
