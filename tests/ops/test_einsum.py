"""einsum: values and gradients against torch, float64 gradcheck, and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
from tests.helpers.gradcheck import gradcheck
from tests.helpers.parity import check_function_parity

rng = np.random.default_rng(0)


def _r(*shape):
    return rng.standard_normal(shape).astype(np.float32)


CASES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("iij->ij", [(3, 3, 2)]),
    ("...ij->...ji", [(2, 3, 4, 5)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (1, 4, 2)]),
    ("...ij,jk->...ik", [(5, 2, 3, 4), (4, 2)]),
    ("b...d,bd->b...", [(2, 3, 4, 5), (2, 5)]),
    ("bhqd,bhkd->bhqk", [(2, 3, 4, 5), (2, 3, 6, 5)]),
    ("ij,ij->ij", [(3, 4), (1, 4)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    ("i,i,i->", [(3,), (3,), (3,)]),
    ("ij,kl->ijkl", [(2, 3), (4, 2)]),
    ("Ab,bC->AC", [(2, 3), (3, 4)]),
    ("...", [(2, 3)]),
    ("ji", [(3, 4)]),
]


@pytest.mark.parametrize("equation, shapes", CASES, ids=[c[0] for c in CASES])
def test_einsum_matches_torch(equation, shapes):
    check_function_parity(lambda lib, *xs: lib.einsum(equation, *xs), [_r(*s) for s in shapes], rtol=1e-5,
                          atol=1e-5)


@pytest.mark.parametrize("equation, shapes", CASES, ids=[c[0] for c in CASES])
def test_einsum_gradcheck(equation, shapes):
    gradcheck(lambda *xs: nnstudio.einsum(equation, *xs), [_r(*s) for s in shapes])


def test_einsum_list_of_operands_and_int():
    a, b = _r(2, 3), _r(3, 2)
    out = nnstudio.einsum("ij,jk->ik", [nnstudio.tensor(a), nnstudio.tensor(b)])
    np.testing.assert_allclose(out.numpy(), a @ b, rtol=1e-5)
    check_function_parity(lambda lib, x: lib.einsum("ij->j", x), [np.arange(6).reshape(2, 3)])


@pytest.mark.parametrize("equation, shapes, match", [
    ("ij,jk->ik", [(3, 4)], "fewer operands"),
    ("ij->ij", [(3, 4), (4, 5)], "more operands"),
    ("ijk->i", [(3, 4)], r"number of subscripts in the equation \(3\) does not match"),
    ("ij,jk->ik", [(3, 4), (5, 6)], "do not broadcast"),
    ("ij->ik", [(3, 4)], "output subscript k does not appear"),
    ("ij->ii", [(3, 4)], "appears more than once"),
    ("i1->i", [(3, 4)], "invalid subscript"),
])
def test_einsum_errors(equation, shapes, match):
    import torch

    with pytest.raises(RuntimeError):
        torch.einsum(equation, *[torch.zeros(s) for s in shapes])
    with pytest.raises(RuntimeError, match=match):
        nnstudio.einsum(equation, *[nnstudio.zeros(s) for s in shapes])
