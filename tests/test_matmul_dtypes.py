"""Matrix products of two dtypes (float32 @ float64, int64 @ float32) raise torch's RuntimeError, naming both
dtypes, where `*` would promote; one dtype works, integers included."""

from __future__ import annotations

import re

import pytest

import nnstudio

torch = pytest.importorskip("torch")

MIXED = {
    "matmul_2d": lambda t: t.ones(2, 2) @ t.ones(2, 2, dtype=t.float64),
    "mm": lambda t: t.mm(t.ones(2, 2), t.ones(2, 2, dtype=t.float64)),
    "mm_method": lambda t: t.ones(2, 3).mm(t.ones(3, 2, dtype=t.float64)),
    "long_at_float": lambda t: t.ones(2, 2, dtype=t.long) @ t.ones(2, 2),
    "int_at_long": lambda t: t.ones(2, 2, dtype=t.int32) @ t.ones(2, 2, dtype=t.long),
    "half_at_float": lambda t: t.ones(2, 2, dtype=t.float16) @ t.ones(2, 2),
    "batched_at_matrix": lambda t: t.ones(3, 2, 2) @ t.ones(2, 2, dtype=t.float64),
    "vector_at_matrix": lambda t: t.ones(2) @ t.ones(2, 2, dtype=t.float64),
    "matrix_at_vector": lambda t: t.matmul(t.ones(2, 2), t.ones(2, dtype=t.float64)),
    "mv": lambda t: t.mv(t.ones(2, 2), t.ones(2, dtype=t.float64)),
    "bmm": lambda t: t.bmm(t.ones(1, 2, 2), t.ones(1, 2, 2, dtype=t.float64)),
    "batched_4d": lambda t: t.ones(1, 2, 2, 2) @ t.ones(1, 2, 2, 2, dtype=t.float64),
    "dot": lambda t: t.dot(t.ones(2), t.ones(2, dtype=t.float64)),
    "vector_at_long_vector": lambda t: t.ones(2) @ t.ones(2, dtype=t.long),
    "einsum": lambda t: t.einsum("ij,jk->ik", t.ones(2, 2), t.ones(2, 2, dtype=t.float64)),
    "baddbmm": lambda t: t.baddbmm(t.ones(1, 2, 2), t.ones(1, 2, 2), t.ones(1, 2, 2, dtype=t.float64)),
    "linear": lambda t: t.nn.functional.linear(t.ones(2, 2, dtype=t.float64), t.ones(3, 2)),
}


@pytest.mark.parametrize("name", list(MIXED))
def test_mixed_dtypes_raise_torchs_runtime_error(name):
    with pytest.raises(RuntimeError) as theirs:
        MIXED[name](torch)
    with pytest.raises(RuntimeError) as ours:
        MIXED[name](nnstudio)
    said = str(theirs.value).lower().replace("long int", "long").replace("c10::half", "half")
    words = [w for w in ("float", "double", "long", "int", "half") if re.search(rf"\b{w}\b", said)]
    assert len(words) == 2  # torch names both dtypes; so do we
    assert all(re.search(rf"\b{w}\b", str(ours.value).lower()) for w in words), (str(ours.value), said)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8"])
def test_one_dtype_products_match_torch(dtype):
    for expr in ("a @ b", "a.mm(b)", "(a[None] @ b[None]).squeeze(0)", "a[0] @ b[:, 0]", "a @ b[:, 0]"):
        values = []
        for t in (nnstudio, torch):
            a = t.arange(6).reshape(2, 3).to(getattr(t, dtype))
            b = t.arange(6).reshape(3, 2).to(getattr(t, dtype))
            out = eval(expr, {"a": a, "b": b})  # noqa: S307
            values.append((str(out.dtype).split(".")[-1], out.tolist()))
        assert values[0] == values[1], expr
