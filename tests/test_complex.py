"""complex64 / complex128 tensors against torch: creation, printing, promotion, the complex parts and casts,
and gradients in torch's convention (float64, through real losses)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
Z = rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))
W = rng.standard_normal((4, 2)) + 1j * rng.standard_normal((4, 2))
X = rng.standard_normal((3, 4))


def _name(dtype) -> str:
    return str(dtype).split(".")[-1]


def _values(t) -> np.ndarray:
    return np.asarray(t.detach().resolve_conj().numpy())


PRINTED = [[1 + 2j, 3 - 1j], [1.5 + 2j, -3.25 - 1e-3j, 100j], [[1e-5 + 2j, 3 - 1j]] * 2, 1 + 2j, [1 + 2j, 3 - 10j],
           [0j, -0.0 - 0.0j], [float("nan") + 1j, float("inf") - 2j], [1e10 + 1j, 2j],
           (rng.standard_normal((3, 30)) + 1j * rng.standard_normal((3, 30))).tolist(),
           (rng.standard_normal((40, 40)) + 1j * rng.standard_normal((40, 40))).tolist()]


@pytest.mark.parametrize("case", range(len(PRINTED)))
@pytest.mark.parametrize("dtype", ["complex64", "complex128", None])
def test_printing_matches_torch(case, dtype):
    ours = nnstudio.tensor(PRINTED[case], dtype=None if dtype is None else getattr(nnstudio, dtype))
    theirs = torch.tensor(PRINTED[case], dtype=None if dtype is None else getattr(torch, dtype))
    assert repr(ours).replace("nnstudio.", "torch.") == repr(theirs)


def test_printing_suffixes_and_default_complex_follow_torch():
    for lib in (nnstudio, torch):
        assert _name(lib.tensor([1 + 2j]).dtype) == "complex64"
    pairs = [(nnstudio.tensor([1 + 2j], requires_grad=True) * 2, torch.tensor([1 + 2j], requires_grad=True) * 2),
             (nnstudio.zeros(0, dtype=nnstudio.complex64), torch.zeros(0, dtype=torch.complex64))]
    for ours, theirs in pairs:
        assert repr(ours).replace("nnstudio.", "torch.") == repr(theirs)
    nnstudio.set_default_dtype(nnstudio.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for make in (lambda lib: lib.tensor([1 + 2j]), lambda lib: lib.tensor([1 + 2j], dtype=lib.complex64)):
            assert repr(make(nnstudio)).replace("nnstudio.", "torch.") == repr(make(torch))
    finally:
        nnstudio.set_default_dtype(nnstudio.float32)
        torch.set_default_dtype(torch.float32)


def test_creation_and_dtype_flags_match_torch():
    for lib in (nnstudio, torch):
        assert _name(lib.tensor(np.array([1 + 2j])).dtype) == "complex128"
        assert _name(lib.tensor([1, 2.5 + 0j]).dtype) == "complex64"
        assert _name(lib.zeros(2, dtype=lib.cdouble).dtype) == "complex128"
    for name in ("complex64", "complex128"):
        ours, theirs = getattr(nnstudio, name), getattr(torch, name)
        assert (ours.is_complex, ours.is_floating_point, ours.is_signed, ours.itemsize) == \
            (theirs.is_complex, theirs.is_floating_point, theirs.is_signed, theirs.itemsize)
    assert not nnstudio.float32.is_complex and nnstudio.cfloat is nnstudio.complex64
    a, b = nnstudio.tensor([1 + 2j]), torch.tensor([1 + 2j])
    assert (a.is_complex(), nnstudio.is_complex(a), a.is_floating_point(), a.is_signed(), a.element_size()) == \
        (b.is_complex(), torch.is_complex(b), b.is_floating_point(), b.is_signed(), b.element_size())
    assert a.sum().item() == b.sum().item() and a.tolist() == b.tolist()
    with pytest.raises(TypeError, match="complex32"):
        nnstudio.zeros(2, dtype=nnstudio.chalf)


def _ops(lib):
    a = lib.tensor([1 + 2j, 3 - 1j])
    f = lib.tensor([0.5, -2.0])
    d = lib.tensor([0.5, -2.0], dtype=lib.float64)
    i = lib.tensor([1, 2])
    m = lib.tensor([[1 + 1j, 2], [0.5j, -1]])
    return {
        "a+f": a + f, "f*a": f * a, "a/f": a / f, "f/a": f / a, "a-d": a - d, "i*a": i * a, "a/i": a / i,
        "f*1j": f * 1j, "d*1j": d * 1j, "i*1j": i * 1j, "a*a": a * a, "a/a": a / a, "a+2": a + 2, "a*0.5": a * 0.5,
        "a**2": a ** 2, "neg": -a, "sum": a.sum(), "mean": a.mean(), "exp": a.exp(), "abs": a.abs(),
        "angle": a.angle(), "mm": m @ m, "real": a.real, "imag": a.imag, "conj": a.conj(),
        "conj_physical": a.conj_physical(), "torch.real": lib.real(a), "torch.imag": lib.imag(a),
        "view_as_real": lib.view_as_real(a), "view_as_complex": lib.view_as_complex(lib.tensor([[1., 2.], [3., 4.]])),
        "complex": lib.complex(f, f * 2), "polar": lib.polar(f.abs(), f), "cfloat": f.cfloat(), "cdouble": f.cdouble(),
        "to": f.to(lib.complex128), "eq": a == a, "isreal": lib.tensor([1 + 0j, 1j]).isreal(),
        "real_of_real": f.real, "conj_of_real": f.conj(), "angle_of_real": f.angle(),
    }


def test_arithmetic_promotion_and_parts_match_torch():
    ours, theirs = _ops(nnstudio), _ops(torch)
    for key in theirs:
        assert _name(ours[key].dtype) == _name(theirs[key].dtype), key
        np.testing.assert_allclose(_values(ours[key]), _values(theirs[key]), rtol=1e-6, err_msg=key)


def test_casting_to_real_warns_and_keeps_the_real_part_as_torch():
    for lib in (nnstudio, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = lib.tensor([1 + 2j, -3.5 + 1j]).to(lib.float32)
        assert out.tolist() == [1.0, -3.5]
        assert any(w.category is UserWarning and "discards the imaginary part" in str(w.message) for w in caught)


@pytest.mark.parametrize("call", [lambda lib: lib.ones(2).imag, lambda lib: lib.view_as_real(lib.ones(2)),
                                  lambda lib: lib.view_as_complex(lib.ones(3)),
                                  lambda lib: lib.view_as_complex(lib.ones(3, 2, dtype=lib.int64)),
                                  lambda lib: lib.complex(lib.ones(2), lib.ones(2, dtype=lib.float64)),
                                  lambda lib: lib.tensor([1 + 2j], requires_grad=True).sum().backward()])
def test_errors_match_torch(call):
    with pytest.raises(Exception) as theirs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(nnstudio)
    assert str(ours.value).replace("nnstudio.", "torch.") == str(theirs.value)


def _losses(lib):
    return {
        "abs2": lambda z, w, x: (z.abs() ** 2).sum(),
        "mul_conj": lambda z, w, x: ((z * z.conj() * 1.5j + z * x).abs()).sum(),
        "div": lambda z, w, x: ((z / (x + 3j)).real * 2 + (x / z).imag).sum(),
        "matmul": lambda z, w, x: ((z @ w).abs() ** 2).mean(),
        "angle": lambda z, w, x: (z.angle() * x).sum(),
        "view_as_real": lambda z, w, x: (lib.view_as_real(z * x) ** 3).sum(),
        "view_as_complex": lambda z, w, x: (lib.view_as_complex(lib.stack([x, x * x], -1)) * z).abs().sum(),
        "complex": lambda z, w, x: (lib.complex(x, x.exp()) * z).real.sum(),
        "polar": lambda z, w, x: (lib.polar(x.exp(), x) * z).imag.sum(),
        "holomorphic": lambda z, w, x: (z.exp().sin() * z.sqrt()).abs().sum(),
        "cast": lambda z, w, x: (x.to(lib.complex128) * z).abs().sum() + z.real.sum(),
        "index_cat": lambda z, w, x: (z[1:, ::2] * z[:2, 1::2]).abs().sum() + lib.cat([z, z.conj()]).real.sum(),
        "reductions": lambda z, w, x: (z.sum(0) * z.mean(1)[:1]).abs().sum(),
        "log_tanh": lambda z, w, x: (z.tanh() + z.log()).abs().sum(),
        "to_real": lambda z, w, x: (z * w.sum()).to(lib.float64).sum(),
    }


@pytest.mark.parametrize("name", sorted(_losses(nnstudio)))
def test_gradients_follow_torch_convention(name):
    results = []
    for lib in (nnstudio, torch):
        z, w, x = (lib.tensor(v, requires_grad=True) for v in (Z, W, X))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = _losses(lib)[name](z, w, x)
        out.backward()
        results.append((float(out.detach()), [None if t.grad is None else _values(t.grad) for t in (z, w, x)]))
    (ours, ours_grads), (theirs, theirs_grads) = results
    assert ours == pytest.approx(theirs, rel=1e-12)
    for a, b in zip(ours_grads, theirs_grads):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.dtype == b.dtype
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_second_derivatives_through_complex_match_torch():
    grads = []
    for lib in (nnstudio, torch):
        z = lib.tensor(Z, requires_grad=True)
        loss = (lib.view_as_real(z * z.conj() * z).pow(2) + z.angle().unsqueeze(-1)).sum()
        (g,) = lib.autograd.grad(loss, z, create_graph=True)
        (g.abs() ** 2).sum().backward()
        grads.append((_values(g), _values(z.grad)))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_grad_fn_names_match_torch():
    for make in (lambda lib, z: z.real, lambda lib, z: z.imag, lambda lib, z: z.conj_physical(),
                 lambda lib, z: z.angle(), lambda lib, z: lib.view_as_real(z), lambda lib, z: z * z):
        names = [type(make(lib, lib.tensor([1 + 2j], requires_grad=True)).grad_fn).__name__ for lib in (torch,)]
        ours = make(nnstudio, nnstudio.tensor([1 + 2j], requires_grad=True)).grad_fn
        assert nnstudio._tensor.printing.grad_fn_name(ours) == names[0]


def _more(lib):
    z = lib.tensor([1 + 2j, 3 - 1j])
    f = lib.tensor([1.0, 2.0])
    m = lib.tensor([[1j, 2], [3, 4j]])
    return {"full": lib.full((2,), 1 + 2j), "ones_like": lib.ones_like(z), "add_": z.clone().add_(1j),
            "mul_": z.clone().mul_(f), "where": lib.where(f > 1, z, 0), "stack": lib.stack([z, f]),
            "eq_scalar": z == (1 + 2j), "isclose": lib.isclose(z, z + 1e-9), "prod": z.prod(), "cumsum": z.cumsum(0),
            "norm": lib.linalg.norm(z), "vector_norm_1": lib.linalg.vector_norm(z, 1), "vdot": lib.vdot(z, z),
            "dot": lib.dot(z, z), "sqrt": lib.tensor([-1 + 0j]).sqrt(), "pow": z ** (0.5 + 1j),
            "reciprocal": z.reciprocal(), "sgn": z.sgn(), "mH": m.mH, "adjoint": m.adjoint(), "H": m.H,
            "mT": m.mT, "eye": lib.eye(2, dtype=lib.complex64), "var": z.var(), "std": z.std(),
            "sum_dtype": f.sum(dtype=lib.complex128), "sigmoid": z.sigmoid(),
            "from_numpy": lib.from_numpy(np.array([1j, 2]))}


def test_more_complex_operations_match_torch():
    ours, theirs = _more(nnstudio), _more(torch)
    for key in theirs:
        assert _name(ours[key].dtype) == _name(theirs[key].dtype), key
        np.testing.assert_allclose(_values(ours[key]), _values(theirs[key]), rtol=1e-6, err_msg=key)
    assert nnstudio.tensor([1j]).type().replace("nnstudio", "torch") == torch.tensor([1j]).type()
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Float"):
        nnstudio.ones(2).add_(nnstudio.tensor([1j, 2]))


def test_random_complex_draws_have_torchs_distribution():
    for draw, part_var, part_mean in ((nnstudio.randn, 0.5, 0.0), (nnstudio.rand, 1 / 12, 0.5)):
        z = draw(200_000, dtype=nnstudio.complex64)
        assert z.dtype == nnstudio.complex64
        for part in (z.real, z.imag):
            assert abs(part.var().item() - part_var) < 0.01 and abs(part.mean().item() - part_mean) < 0.01
    assert abs(torch.randn(200_000, dtype=torch.complex64).real.var().item() - 0.5) < 0.01  # torch's convention


def test_complex_tensors_save_and_load(tmp_path):
    z = nnstudio.tensor([1 + 2j, 3 - 1j], dtype=nnstudio.complex128)
    nnstudio.save({"z": z}, tmp_path / "z.pt")
    back = nnstudio.load(tmp_path / "z.pt")["z"]
    assert back.dtype == nnstudio.complex128 and back.tolist() == z.tolist()


def _refused_rows():
    from nnstudio.ops.pointwise import BY_NAME, NO_COMPLEX, NO_COMPLEX_RUNTIME

    return sorted(n for n in NO_COMPLEX | NO_COMPLEX_RUNTIME if BY_NAME[n].function or BY_NAME[n].special)


@pytest.mark.parametrize("name", _refused_rows())
def test_elementwise_rows_torch_refuses_for_complex_are_refused(name):
    from nnstudio.ops.pointwise import BY_NAME

    op = BY_NAME[name]
    kinds = []
    for lib in (torch, nnstudio):
        fn = getattr(lib, name, None) if op.function else None
        fn = fn or getattr(lib.special, op.special or name)
        with pytest.raises((NotImplementedError, RuntimeError)) as caught:
            fn(*[lib.tensor([0.3 + 0.4j, -0.5 + 0.2j])] * op.arity)
        kinds.append(type(caught.value))
    assert kinds[0] is kinds[1]


@pytest.mark.parametrize("call", [lambda lib, z: z < 1, lambda lib, z: z >= z, lambda lib, z: lib.ones(2) > z,
                                  lambda lib, z: z.clamp(0, 1), lambda lib, z: lib.relu(z),
                                  lambda lib, z: lib.nn.functional.relu(z)])
def test_complex_values_have_no_order_as_in_torch(call):
    for lib in (torch, nnstudio):
        with pytest.raises(NotImplementedError) as caught:
            call(lib, lib.tensor([1 + 2j, 3 - 1j]))
        if lib is torch:
            expected = str(caught.value)
    assert str(caught.value) == expected


REFUSED_FOR_COMPLEX = {
    "max()": lambda L, x: x.max(), "max(dim)": lambda L, x: x.max(0), "min()": lambda L, x: L.min(x),
    "amax": lambda L, x: x.amax(), "argmax": lambda L, x: x.argmax(), "argmin": lambda L, x: L.argmin(x),
    "sort": lambda L, x: x.sort(), "argsort": lambda L, x: L.argsort(x), "topk": lambda L, x: x.topk(1),
    "softmax": lambda L, x: L.nn.functional.softmax(x, 0), "log_softmax": lambda L, x: x.log_softmax(0),
    "cummax": lambda L, x: x.cummax(0), "median": lambda L, x: x.median(),
    "maximum": lambda L, x: L.maximum(x, x), "minimum of real and complex": lambda L, x: L.minimum(L.ones(2), x),
}


@pytest.mark.parametrize("name", list(REFUSED_FOR_COMPLEX))
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_orderings_of_complex_tensors_are_refused_as_torch_refuses_them(name, dtype):
    """NumPy would order complex numbers lexicographically; torch refuses, with these kinds and words."""
    raised = []
    for lib in (nnstudio, torch):
        x = lib.tensor([1 + 2j, 3 - 1j], dtype=getattr(lib, dtype))
        with pytest.raises((RuntimeError, NotImplementedError)) as info:
            REFUSED_FOR_COMPLEX[name](lib, x)
        raised.append((info.type, str(info.value)))
    assert raised[0] == raised[1]
