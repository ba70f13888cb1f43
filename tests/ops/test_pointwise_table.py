"""Tests generated from the elementwise table (nnstudio/ops/pointwise.py), one set per row, against torch 2.13:
values (float32, float64, integer inputs), gradients, the backward node's name, a float64 gradcheck, the second
derivative (the formulas on Tensors), the in-place twin with torch's dtype rule, and `out=`."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck

import nnstudio
import nnstudio.special
from nnstudio._tensor.printing import grad_fn_name
from nnstudio.ops.pointwise import TABLE

ROWS = {op.name: op for op in TABLE}
DIFFERENTIABLE = sorted(n for n, op in ROWS.items() if op.derivatives is not None)
# extra parameter sets tested besides the defaults
PARAMS = {"polygamma": [{"n": 1}, {"n": 2}], "round": [{"decimals": 2}], "logit": [{"eps": 0.2}],
          "nan_to_num": [{"nan": 1.5, "posinf": 9.0, "neginf": -9.0}]}
INT_VALUES = {"real": [-2, -1, 0, 1, 2], "pos": [1, 2, 3], "unit": [0], "gt1": [2, 3], "away0": [-2, 1, 2],
              "int": [0, 1, 2, 3]}


def sample(domain: str, shape, rng) -> np.ndarray:
    if domain == "real":
        return rng.uniform(-2.0, 2.0, shape)
    if domain == "pos":
        return rng.uniform(0.3, 3.0, shape)
    if domain == "unit":
        return rng.uniform(-0.9, 0.9, shape)
    if domain == "gt1":
        return rng.uniform(1.2, 3.0, shape)
    if domain == "01":
        return rng.uniform(0.05, 0.95, shape)
    if domain == "away0":
        return rng.uniform(0.3, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    if domain == "int":
        return rng.integers(0, 5, shape).astype(np.float64)
    raise ValueError(domain)


def inputs_for(op, seed: int = 0):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4)] if op.arity == 1 else [(3, 4), (4,)]
    arrays = [sample(d, s, rng) for d, s in zip(op.domain, shapes)]
    return [a.astype(np.int64) for a in arrays] if op.dtype == "int_only" else arrays


def call(lib, op, args, params):
    """The op as the library's user calls it: torch.name, torch.special.name, or the method."""
    if op.name == "polygamma":
        return lib.polygamma(params.get("n", 0), args[0])
    if op.function:
        return getattr(lib, op.name)(*args, **params)
    if op.special:
        return getattr(lib.special, op.special)(*args, **params)
    return getattr(args[0], op.name)(*args[1:], **params)


def param_sets(name):
    return [{}] + PARAMS.get(name, [])


CASES = [(n, i) for n in sorted(ROWS) for i in range(len(param_sets(n)))]


def _ids(cases):
    return [f"{n}-{i}" for n, i in cases]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_values_match_torch(case, dtype):
    name, k = case
    op, params = ROWS[name], param_sets(name)[k]
    if op.dtype == "int_only":
        with pytest.raises(NotImplementedError) as theirs:
            call(torch, op, [torch.tensor(a.astype(dtype)) for a in inputs_for(op)], params)
        with pytest.raises(NotImplementedError) as ours:
            call(nnstudio, op, [nnstudio.tensor(a.astype(dtype)) for a in inputs_for(op)], params)
        assert str(ours.value) == str(theirs.value)
        return
    arrays = [a.astype(dtype) for a in inputs_for(op)]
    ours = call(nnstudio, op, [nnstudio.tensor(a) for a in arrays], params)
    theirs = call(torch, op, [torch.tensor(a) for a in arrays], params)
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    tol = 2e-5 if dtype == "float32" else 1e-9
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", sorted(n for n, op in ROWS.items() if all(d in INT_VALUES for d in op.domain)))
def test_integer_inputs_follow_torch(name):
    """Integer inputs: the same result dtype and values as torch (float ops promote, the rest keep the dtype),
    or the same error kind."""
    op = ROWS[name]
    data = [INT_VALUES[d] for d in op.domain]
    if op.arity == 2:
        data = [data[0], data[1][:1] * len(data[0])]
    try:
        theirs = call(torch, op, [torch.tensor(d) for d in data], {})
    except (RuntimeError, TypeError) as exc:
        with pytest.raises(type(exc)):
            call(nnstudio, op, [nnstudio.tensor(d) for d in data], {})
        return
    ours = call(nnstudio, op, [nnstudio.tensor(d) for d in data], {})
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64), rtol=1e-6,
                               atol=1e-6, equal_nan=True)


def _grads(lib, op, arrays, params, cot):
    ts = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
    out = call(lib, op, ts, params)
    if not out.requires_grad:  # torch has no derivative for some special functions (bessel_*): nnstudio does
        return out, None
    (out * lib.tensor(cot)).sum().backward()
    return out, [t.grad for t in ts]


DIFF_CASES = [(n, i) for n, i in CASES if ROWS[n].derivatives is not None]
COMPOSED_IN_TORCH = {"ndtr", "expit"}  # torch builds these from other ops: its node is named after the last


@pytest.mark.parametrize("case", DIFF_CASES, ids=_ids(DIFF_CASES))
def test_gradients_and_node_name_match_torch(case):
    name, k = case
    op, params = ROWS[name], param_sets(name)[k]
    arrays = inputs_for(op, seed=1)
    cot = np.random.default_rng(2).standard_normal(np.broadcast_shapes(*[a.shape for a in arrays]))
    ours, our_grads = _grads(nnstudio, op, arrays, params, cot)
    theirs, their_grads = _grads(torch, op, arrays, params, cot)
    if their_grads is None:
        pytest.skip(f"torch.{name} has no gradient (nnstudio's is gradchecked below)")
    for i, (a, b) in enumerate(zip(our_grads, their_grads)):
        if b is None:
            assert a is None or not np.any(a.numpy()), f"{name}: torch gives input {i} no gradient"
            continue
        np.testing.assert_allclose(a.numpy(), (b + 0).numpy(), rtol=1e-7, atol=1e-9, err_msg=f"{name} input {i}")
    if name not in COMPOSED_IN_TORCH:
        assert grad_fn_name(ours.grad_fn) == type(theirs.grad_fn).__name__


@pytest.mark.parametrize("case", DIFF_CASES, ids=_ids(DIFF_CASES))
def test_gradcheck_float64(case):
    name, k = case
    op, params = ROWS[name], param_sets(name)[k]
    if name == "polygamma":
        gradcheck(lambda x: x.polygamma(params.get("n", 0)), inputs_for(op, seed=3))
        return
    gradcheck(lambda *ts: call(nnstudio, op, list(ts), params), inputs_for(op, seed=3))


@pytest.mark.parametrize("name", [n for n in DIFFERENTIABLE if ROWS[n].arity == 1])
def test_second_derivative_matches_torch(name):
    """The derivative formula evaluated on Tensors (create_graph=True) differentiates again as torch's."""
    op = ROWS[name]
    arrays = inputs_for(op, seed=4)
    results = []
    for lib in (nnstudio, torch):
        x = lib.tensor(arrays[0], dtype=lib.float64, requires_grad=True)
        y = call(lib, op, [x], {})
        if not y.requires_grad:
            pytest.skip(f"torch.{name} has no gradient")
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        if not g.requires_grad:  # a zero derivative (floor, sign): torch's gradient has no graph either
            results.append(np.zeros_like(arrays[0]))
            continue
        (gg,) = lib.autograd.grad((g * lib.tensor(arrays[0])).sum(), x, allow_unused=True)
        results.append(np.zeros_like(arrays[0]) if gg is None else (gg.detach() + 0).numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6, atol=1e-8)


INPLACE = sorted(n for n, op in ROWS.items() if op.inplace and op.method)


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_twin(name):
    op = ROWS[name]
    assert hasattr(torch.Tensor, f"{name}_"), f"torch has no {name}_; set inplace=False in the row"
    arrays = inputs_for(op, seed=5)
    expected = call(nnstudio, op, [nnstudio.tensor(a) for a in arrays], {})
    x = nnstudio.tensor(arrays[0])
    before = x._version
    out = getattr(x, f"{name}_")(*[nnstudio.tensor(a) for a in arrays[1:]])
    assert out is x and x._version > before
    np.testing.assert_array_equal(x.numpy(), expected.numpy())


@pytest.mark.parametrize("name", [n for n in INPLACE if ROWS[n].dtype == "float"
                                  and all(d in INT_VALUES for d in ROWS[n].domain)])
def test_inplace_on_integers_raises_as_torch(name):
    op = ROWS[name]
    data = [INT_VALUES[d][:1] for d in op.domain]
    extra = (1,) if name == "polygamma" else ()
    with pytest.raises(RuntimeError) as theirs:
        getattr(torch.tensor(data[0]), f"{name}_")(*[torch.tensor(d) for d in data[1:]], *extra)
    with pytest.raises(RuntimeError) as ours:
        getattr(nnstudio.tensor(data[0]), f"{name}_")(*[nnstudio.tensor(d) for d in data[1:]], *extra)
    if name != "ldexp":  # torch's ldexp_ is mul_ by 2 ** other, and its message says "ldexp can't be cast"
        assert str(ours.value) == str(theirs.value)


def test_div_inplace_on_long_raises_as_torch():
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        nnstudio.tensor([1, 2, 3]).div_(2)
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        nnstudio.tensor([1, 2, 3]).add_(1.5)
    x = nnstudio.tensor([1.0, 2.0])
    x.add_(nnstudio.tensor([1, 1]))  # an integer result into a float tensor is fine
    assert x.tolist() == [2.0, 3.0]


OUT = sorted(n for n, op in ROWS.items() if op.function or op.special)


@pytest.mark.parametrize("name", OUT)
def test_out_argument(name):
    op = ROWS[name]
    arrays = inputs_for(op, seed=6)
    args = [nnstudio.tensor(a) for a in arrays]
    expected = call(nnstudio, op, args, {})
    out = nnstudio.empty(expected.shape, dtype=expected.dtype)
    fn = getattr(nnstudio, name) if op.function else getattr(nnstudio.special, op.special)
    got = fn(*args, out=out)
    assert got is out
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    if op.dtype == "float":
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
            fn(*args, out=nnstudio.zeros(expected.shape, dtype=nnstudio.int64))


def test_every_row_is_reachable_as_torch_names_it():
    for op in TABLE:
        if op.method:
            assert hasattr(torch.Tensor, op.name), f"torch.Tensor has no {op.name}: set method=False"
            assert hasattr(nnstudio.Tensor, op.name)
        if op.function:
            assert hasattr(torch, op.name) and hasattr(nnstudio, op.name), op.name
        if op.special:
            assert hasattr(torch.special, op.special) and hasattr(nnstudio.special, op.special), op.special


def test_nan_to_num_replaces_like_torch():
    data = [float("nan"), float("inf"), -float("inf"), 1.5]
    for kw in ({}, {"nan": 2.0}, {"posinf": 7.0, "neginf": -7.0}):
        np.testing.assert_array_equal(nnstudio.nan_to_num(nnstudio.tensor(data), **kw).numpy(),
                                      torch.nan_to_num(torch.tensor(data), **kw).numpy())


def test_table_parameters_are_checked():
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        nnstudio.tensor([0.5]).logit(bogus=1)


def test_special_is_reachable_without_importing_it():
    import subprocess
    import sys

    code = "import nnstudio; print(float(nnstudio.special.erf(nnstudio.tensor(0.5))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert abs(float(out.stdout) - 0.5204998778) < 1e-6
