"""The elementwise table: every pointwise op declared once, as (name, forward, derivatives, dtype rule).

From each `Pointwise` entry the engine generates a primitive (`FUNCTIONS[name]`, a `Function` subclass named as
torch names its backward node), the Tensor method, the torch function with `out=`, the in-place method
(`name_`) and the gradcheck / torch-parity tests (tests/ops/test_pointwise_table.py). To add an op, add a row.

Formulas over a namespace
-------------------------
`forward(ns, *inputs, **params)` and each derivative `d(*inputs, out, g, ns, **params)` are plain expressions
over a namespace `ns` that spells functions with torch's names (`ns.cos`, `ns.where`, `ns.digamma`,
`ns.polygamma(n, x)`, ...) and over Python's operators. The same formula therefore runs

- on raw arrays, with `ns = array_namespace(xp)` (NumPy or CuPy, special functions from `scipy.special` /
  `cupyx.scipy.special`): the fast first-order backward used by every primitive; and
- on Tensors, with `ns = nnstudio._tensor.elementwise.TENSOR_NS` (nnstudio's own functions): the derivative is
  then itself a recorded graph, which is what higher-order gradients (`create_graph=True`) need.

So a derivative must use only operators, Python numbers and `ns.<torch name>` calls: no `.astype`, no in-place
updates, no NumPy-only idioms. `g` is the incoming gradient, `out` the forward's result (reuse it: `exp` is
`g * out`). A derivative of `None` marks an op without a gradient (comparisons-like results, `floor_divide`).

Dtype rules: "float" (integer and bool inputs become the default float dtype first, as torch's `exp`),
"keep" (the input dtype is kept: `abs`, `floor`, `sign`), "promote" (two inputs promoted, integers stay
integers: `fmod`, `remainder`), "float_only" (integer inputs refused with torch's NotImplementedError: `frac`,
`hypot`, `logaddexp`), "int_only" (floating inputs refused likewise: `gcd`, shifts).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .._backend import xp_of
from ..autograd import Function
from ._util import unbroadcast

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


# ---------------------------------------------------------------------- the array namespace

# torch's spelling -> NumPy's, where they differ
_XP_ALIASES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh", "acosh": "arccosh",
               "atanh": "arctanh", "atan2": "arctan2", "pow": "power", "arcsin": "arcsin"}
# torch's name -> scipy.special's (looked up lazily: importing nnstudio does not import scipy)
_SPECIAL = {"erf": "erf", "erfc": "erfc", "erfinv": "erfinv", "erfcx": "erfcx", "lgamma": "gammaln",
            "gammaln": "gammaln", "digamma": "digamma", "polygamma": "polygamma", "i0": "i0", "i0e": "i0e",
            "i1": "i1", "i1e": "i1e", "ndtr": "ndtr", "ndtri": "ndtri", "log_ndtr": "log_ndtr",
            "sigmoid": "expit", "expit": "expit", "logit": "logit", "xlogy": "xlogy", "xlog1py": "xlog1py",
            "entr": "entr", "zeta": "zeta", "gammainc": "gammainc", "gammaincc": "gammaincc",
            "multigammaln": "multigammaln", "bessel_j0": "j0", "bessel_j1": "j1", "bessel_y0": "y0",
            "bessel_y1": "y1", "modified_bessel_i0": "i0", "modified_bessel_i1": "i1", "modified_bessel_k0": "k0",
            "modified_bessel_k1": "k1", "scaled_modified_bessel_k0": "k0e", "scaled_modified_bessel_k1": "k1e",
            "airy": "airy", "eval_chebyt": "eval_chebyt", "eval_chebyu": "eval_chebyu",
            "eval_legendre": "eval_legendre", "eval_laguerre": "eval_laguerre", "eval_hermite": "eval_hermite",
            "eval_hermitenorm": "eval_hermitenorm"}


class ArrayNamespace:
    """The functions of one array module (NumPy or CuPy) under torch's names, plus the special functions."""

    def __init__(self, xp) -> None:
        self.__dict__.update({k: getattr(xp, k) for k in dir(xp) if not k.startswith("_")})
        self.__dict__.update({k: getattr(xp, v) for k, v in _XP_ALIASES.items() if hasattr(xp, v)})
        self._xp = xp
        self.rsqrt = lambda x: 1 / xp.sqrt(x)
        self.frac = lambda x: x - xp.trunc(x)
        self.sgn = xp.sign

    def __getattr__(self, name: str):  # only reached for names not set above: the special functions
        target = _SPECIAL.get(name)
        if target is None:
            raise AttributeError(f"the array namespace has no function {name!r}")
        module = "scipy.special" if self._xp.__name__ == "numpy" else "cupyx.scipy.special"
        try:
            fn = getattr(importlib.import_module(module), target)
        except ImportError as exc:  # pragma: no cover - scipy is a dependency
            raise RuntimeError(f"{name}: nnstudio computes special functions with {module}; install scipy") from exc
        self.__dict__[name] = fn
        return fn


_NAMESPACES: dict = {}


def array_namespace(xp) -> ArrayNamespace:
    """The namespace over `xp` that the table's formulas run on (built once per array module)."""
    ns = _NAMESPACES.get(xp)
    if ns is None:
        ns = _NAMESPACES[xp] = ArrayNamespace(xp)
    return ns


# ---------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Pointwise:
    """One elementwise op.

    name: torch's name (method, function, `name_` in place). forward(ns, *inputs, **params) -> array.
    derivatives: one formula per input, d(*inputs, out, g, ns, **params) -> gradient (None: not differentiable).
    dtype: "float" | "keep" | "promote" | "float_only" | "int_only" (see the module docstring). params: (name, default)
    pairs after the inputs.
    inplace: torch has `name_`. method: torch has `Tensor.name`. special: also (or only, when `method` and
    `function` are False) in `torch.special` under this name. domain: the test inputs' range per input ("real",
    "pos", "unit", "gt1", "01", "away0", "int"). torch_name: torch's backward node name where it is not
    `<Name>Backward0`.
    """

    name: str
    forward: Callable
    derivatives: tuple | None
    dtype: str = "float"
    params: tuple = ()
    inplace: bool = True
    method: bool = True
    function: bool = True
    special: str | None = None
    domain: tuple = ("real",)
    torch_name: str | None = None
    doc: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def arity(self) -> int:
        return len(self.domain)


def _zero(*args, **kwargs):
    """The derivative of a piecewise-constant op (floor, sign, ...): zero, shaped like the gradient."""
    return args[-2] * 0


def _logit_d(x, out, g, ns, eps=None):
    d = g / (x * (1 - x))
    if eps is None:
        return d
    return ns.where((x < eps) | (x > 1 - eps), d * 0, d)


def _logit(ns, x, eps=None):
    if eps is not None:
        x = ns.clip(x, eps, 1 - eps)
    return ns.log(x / (1 - x))


def _sinc_d(x, out, g, ns):
    safe = ns.where(x == 0, 1.0, x)
    return ns.where(x == 0, g * 0, g * (ns.cos(math.pi * safe) - out) / safe)


def _copysign_d(x, y, out, g, ns):
    safe = ns.where(x == 0, 1.0, x)
    return ns.where(x == 0, g * 0, g * out / safe)


def _fmax_d(pick_first):
    def d(x, y, out, g, ns):
        first = (x >= y) | ns.isnan(y) if pick_first else (x <= y) | ns.isnan(y)
        return ns.where(first, g, g * 0)

    def d_other(x, y, out, g, ns):
        first = (x >= y) | ns.isnan(y) if pick_first else (x <= y) | ns.isnan(y)
        return ns.where(first, g * 0, g)

    return d, d_other


def _complex_abs_d(x, out, g, ns):
    """d|z| for complex z in torch's convention: g z / |z| (0 at z = 0), written so it differentiates again."""
    zero = out == 0
    return ns.where(zero, g * 0, g / ns.where(zero, out * 0 + 1, out)) * x


def _round(ns, x, decimals=0):
    if x.dtype.kind != "f":
        return x.copy()
    return ns.round(x, decimals) if decimals else ns.round(x)


def _keep_int(fn_name):
    def forward(ns, x):
        return getattr(ns, fn_name)(x) if x.dtype.kind == "f" else x.copy()

    return forward


def _i1_d(x, out, g, ns):
    safe = ns.where(x == 0, 1.0, x)
    return ns.where(x == 0, g * 0.5, g * (ns.i0(x) - out / safe))


def _i1e_d(x, out, g, ns):
    safe = ns.where(x == 0, 1.0, x)
    return ns.where(x == 0, g * 0.5, g * (ns.i0e(x) - out * (ns.sign(x) + 1 / safe)))


def _bessel_j1_d(x, out, g, ns):
    safe = ns.where(x == 0, 1.0, x)
    return ns.where(x == 0, g * 0.5, g * (ns.bessel_j0(x) - out / safe))


def _spherical_j0_d(x, out, g, ns):
    safe = ns.where(x == 0, 1.0, x)
    return ns.where(x == 0, g * 0, g * (ns.cos(safe) - out) / safe)


def _chebyshev(first: str, shifted: bool):
    """A Chebyshev-family polynomial by its three-term recurrence p_(k+1) = 2 x p_k - p_(k-1), p_0 = 1 and p_1
    = x (T), 2x (U), 2x - 1 (V) or 2x + 1 (W); shifted ones at 2x - 1. n < 0 gives 0, as torch."""

    def forward(ns, x, n):
        x = 2 * x - 1 if shifted else x
        n = ns.broadcast_to(ns.asarray(n), ns.broadcast_shapes(x.shape, ns.asarray(n).shape))
        x = ns.broadcast_to(x, n.shape)
        prev, cur = ns.ones_like(x), {"T": x, "U": 2 * x, "V": 2 * x - 1, "W": 2 * x + 1}[first]
        out = ns.where(n == 0, prev, ns.where(n == 1, cur, 0 * x))
        top = int(n.max()) if n.size else 0
        for k in range(2, top + 1):
            prev, cur = cur, 2 * x * cur - prev
            out = ns.where(n == k, cur, out)
        return ns.where(n < 0, 0 * x, out)

    return forward


P = Pointwise
TABLE: tuple[Pointwise, ...] = (
    # exponentials and logarithms
    P("exp", lambda ns, x: ns.exp(x), (lambda x, out, g, ns: g * out,), doc="e ** input"),
    P("exp2", lambda ns, x: ns.exp2(x), (lambda x, out, g, ns: g * out * _LN2,), special="exp2", doc="2 ** input"),
    P("expm1", lambda ns, x: ns.expm1(x), (lambda x, out, g, ns: g * (out + 1),), special="expm1",
      doc="e ** input - 1, exact for small inputs"),
    P("log", lambda ns, x: ns.log(x), (lambda x, out, g, ns: g / x,), domain=("pos",), doc="natural logarithm"),
    P("log2", lambda ns, x: ns.log2(x), (lambda x, out, g, ns: g / (x * _LN2),), domain=("pos",),
      doc="base-2 logarithm"),
    P("log10", lambda ns, x: ns.log10(x), (lambda x, out, g, ns: g / (x * _LN10),), domain=("pos",),
      doc="base-10 logarithm"),
    P("log1p", lambda ns, x: ns.log1p(x), (lambda x, out, g, ns: g / (x + 1),), domain=("pos",), special="log1p",
      doc="log(1 + input), exact for small inputs"),
    P("sqrt", lambda ns, x: ns.sqrt(x), (lambda x, out, g, ns: g / (2 * out),), domain=("pos",),
      doc="square root"),
    P("rsqrt", lambda ns, x: ns.rsqrt(x), (lambda x, out, g, ns: g * (-0.5) * out * out * out,), domain=("pos",),
      doc="1 / sqrt(input)"),
    P("reciprocal", lambda ns, x: 1 / x, (lambda x, out, g, ns: -g * out * out,), domain=("away0",),
      doc="1 / input"),
    # trigonometry
    P("sin", lambda ns, x: ns.sin(x), (lambda x, out, g, ns: g * ns.cos(x),), doc="sine"),
    P("cos", lambda ns, x: ns.cos(x), (lambda x, out, g, ns: -g * ns.sin(x),), doc="cosine"),
    P("tan", lambda ns, x: ns.tan(x), (lambda x, out, g, ns: g * (1 + out * out),), domain=("unit",),
      doc="tangent"),
    P("asin", lambda ns, x: ns.asin(x), (lambda x, out, g, ns: g / ns.sqrt(1 - x * x),), domain=("unit",),
      doc="inverse sine"),
    P("acos", lambda ns, x: ns.acos(x), (lambda x, out, g, ns: -g / ns.sqrt(1 - x * x),), domain=("unit",),
      doc="inverse cosine"),
    P("atan", lambda ns, x: ns.atan(x), (lambda x, out, g, ns: g / (1 + x * x),), doc="inverse tangent"),
    P("sinh", lambda ns, x: ns.sinh(x), (lambda x, out, g, ns: g * ns.cosh(x),), doc="hyperbolic sine"),
    P("cosh", lambda ns, x: ns.cosh(x), (lambda x, out, g, ns: g * ns.sinh(x),), doc="hyperbolic cosine"),
    P("asinh", lambda ns, x: ns.asinh(x), (lambda x, out, g, ns: g / ns.sqrt(x * x + 1),),
      doc="inverse hyperbolic sine"),
    P("acosh", lambda ns, x: ns.acosh(x), (lambda x, out, g, ns: g / ns.sqrt(x * x - 1),), domain=("gt1",),
      doc="inverse hyperbolic cosine"),
    P("atanh", lambda ns, x: ns.atanh(x), (lambda x, out, g, ns: g / (1 - x * x),), domain=("unit",),
      doc="inverse hyperbolic tangent"),
    P("deg2rad", lambda ns, x: ns.deg2rad(x), (lambda x, out, g, ns: g * (math.pi / 180),),
      doc="degrees to radians"),
    P("rad2deg", lambda ns, x: ns.rad2deg(x), (lambda x, out, g, ns: g * (180 / math.pi),),
      doc="radians to degrees"),
    P("sinc", lambda ns, x: ns.sinc(x), (_sinc_d,), special="sinc", doc="sin(pi x) / (pi x), 1 at 0"),
    # special functions
    P("erf", lambda ns, x: ns.erf(x), (lambda x, out, g, ns: g * _TWO_OVER_SQRT_PI * ns.exp(-x * x),),
      special="erf", doc="error function"),
    P("erfc", lambda ns, x: ns.erfc(x), (lambda x, out, g, ns: -g * _TWO_OVER_SQRT_PI * ns.exp(-x * x),),
      special="erfc", doc="complementary error function 1 - erf(input)"),
    P("erfinv", lambda ns, x: ns.erfinv(x), (lambda x, out, g, ns: g * (0.5 * math.sqrt(math.pi)) *
                                              ns.exp(out * out),), domain=("unit",), special="erfinv",
      doc="inverse error function"),
    P("lgamma", lambda ns, x: ns.lgamma(x), (lambda x, out, g, ns: g * ns.digamma(x),), domain=("pos",),
      doc="log |Gamma(input)|"),
    P("digamma", lambda ns, x: ns.digamma(x), (lambda x, out, g, ns: g * ns.polygamma(1, x),), domain=("pos",),
      special="digamma", doc="d/dx log Gamma(x)"),
    P("polygamma", lambda ns, x, n=0: ns.polygamma(n, x), (lambda x, out, g, ns, n=0: g * ns.polygamma(n + 1, x),),
      params=(("n", 0),), domain=("pos",), function=False, special=None,
      doc="the n-th derivative of digamma (as functions: polygamma(n, input))"),
    P("i0", lambda ns, x: ns.i0(x), (lambda x, out, g, ns: g * ns.i1(x),), special="i0",
      doc="modified Bessel function of the first kind, order 0"),
    P("i1", lambda ns, x: ns.i1(x), (_i1_d,), method=False, function=False, inplace=False, special="i1",
      doc="modified Bessel function of the first kind, order 1"),
    P("erfcx", lambda ns, x: ns.erfcx(x), (lambda x, out, g, ns: g * (2 * x * out - _TWO_OVER_SQRT_PI),),
      method=False, function=False, inplace=False, special="erfcx", doc="exp(x^2) erfc(x)"),
    P("ndtr", lambda ns, x: ns.ndtr(x), (lambda x, out, g, ns: g * _INV_SQRT_2PI * ns.exp(-0.5 * x * x),),
      method=False, function=False, inplace=False, special="ndtr", doc="the standard normal CDF"),
    P("ndtri", lambda ns, x: ns.ndtri(x), (lambda x, out, g, ns: g * (1 / _INV_SQRT_2PI) *
                                            ns.exp(0.5 * out * out),),
      domain=("01",), method=False, function=False, inplace=False, special="ndtri",
      doc="the inverse of the standard normal CDF"),
    P("log_ndtr", lambda ns, x: ns.log_ndtr(x), (lambda x, out, g, ns: g * _INV_SQRT_2PI *
                                                  ns.exp(-0.5 * x * x - out),),
      method=False, function=False, inplace=False, special="log_ndtr", doc="log of the standard normal CDF"),
    P("i0e", lambda ns, x: ns.i0e(x), (lambda x, out, g, ns: g * (ns.i1e(x) - ns.sign(x) * out),),
      method=False, function=False, inplace=False, special="i0e", doc="exp(-|x|) i0(x)"),
    P("i1e", lambda ns, x: ns.i1e(x), (_i1e_d,), method=False, function=False, inplace=False, special="i1e",
      doc="exp(-|x|) i1(x)"),
    P("entr", lambda ns, x: ns.entr(x), (lambda x, out, g, ns: -g * (ns.log(x) + 1),), domain=("pos",),
      method=False, function=False, inplace=False, special="entr", doc="-x log x (0 at 0, -inf below)"),
    P("expit", lambda ns, x: ns.sigmoid(x), (lambda x, out, g, ns: g * out * (1 - out),), method=False,
      function=False, inplace=False, special="expit", torch_name="SigmoidBackward0", doc="1 / (1 + exp(-x))"),
    P("bessel_j0", lambda ns, x: ns.bessel_j0(x), (lambda x, out, g, ns: -g * ns.bessel_j1(x),), method=False,
      function=False, inplace=False, special="bessel_j0", doc="Bessel function of the first kind, order 0"),
    P("bessel_j1", lambda ns, x: ns.bessel_j1(x), (_bessel_j1_d,), method=False, function=False, inplace=False,
      special="bessel_j1", doc="Bessel function of the first kind, order 1"),
    P("bessel_y0", lambda ns, x: ns.bessel_y0(x), (lambda x, out, g, ns: -g * ns.bessel_y1(x),), domain=("pos",),
      method=False, function=False, inplace=False, special="bessel_y0",
      doc="Bessel function of the second kind, order 0"),
    P("bessel_y1", lambda ns, x: ns.bessel_y1(x), (lambda x, out, g, ns: g * (ns.bessel_y0(x) - out / x),),
      domain=("pos",), method=False, function=False, inplace=False, special="bessel_y1",
      doc="Bessel function of the second kind, order 1"),
    P("modified_bessel_i0", lambda ns, x: ns.i0(x), (lambda x, out, g, ns: g * ns.i1(x),), method=False,
      function=False, inplace=False, special="modified_bessel_i0", doc="modified Bessel function I0"),
    P("modified_bessel_i1", lambda ns, x: ns.i1(x), (_i1_d,), method=False, function=False, inplace=False,
      special="modified_bessel_i1", doc="modified Bessel function I1"),
    P("modified_bessel_k0", lambda ns, x: ns.modified_bessel_k0(x),
      (lambda x, out, g, ns: -g * ns.modified_bessel_k1(x),),
      domain=("pos",), method=False, function=False, inplace=False, special="modified_bessel_k0",
      doc="modified Bessel function K0"),
    P("modified_bessel_k1", lambda ns, x: ns.modified_bessel_k1(x),
      (lambda x, out, g, ns: -g * (ns.modified_bessel_k0(x) + out / x),), domain=("pos",), method=False,
      function=False, inplace=False, special="modified_bessel_k1", doc="modified Bessel function K1"),
    P("scaled_modified_bessel_k0", lambda ns, x: ns.scaled_modified_bessel_k0(x),
      (lambda x, out, g, ns: g * (out - ns.scaled_modified_bessel_k1(x)),), domain=("pos",), method=False,
      function=False, inplace=False, special="scaled_modified_bessel_k0", doc="exp(x) K0(x)"),
    P("scaled_modified_bessel_k1", lambda ns, x: ns.scaled_modified_bessel_k1(x),
      (lambda x, out, g, ns: g * (out - ns.scaled_modified_bessel_k0(x) - out / x),), domain=("pos",),
      method=False, function=False, inplace=False, special="scaled_modified_bessel_k1", doc="exp(x) K1(x)"),
    P("spherical_bessel_j0", lambda ns, x: ns.sinc(x / math.pi), (_spherical_j0_d,), method=False, function=False,
      inplace=False, special="spherical_bessel_j0", doc="sin(x) / x"),
    P("logit", _logit, (_logit_d,), params=(("eps", None),), domain=("01",), special="logit",
      doc="log(p / (1 - p)), input clamped to [eps, 1 - eps] when eps is given"),
    # piecewise and sign-like (zero gradient almost everywhere)
    P("abs", lambda ns, x: ns.abs(x),
      (lambda x, out, g, ns: g * ns.sign(x) if x.dtype.kind != "c" else _complex_abs_d(x, out, g, ns),),
      dtype="keep", domain=("away0",), doc="absolute value"),
    P("sign", lambda ns, x: ns.sign(x), (_zero,), dtype="keep", doc="-1, 0 or 1"),
    P("sgn", lambda ns, x: ns.sign(x), (_zero,), dtype="keep", doc="the sign (as sign for real inputs)"),
    P("floor", _keep_int("floor"), (_zero,), dtype="keep", doc="round down (gradient zero, as torch)"),
    P("ceil", _keep_int("ceil"), (_zero,), dtype="keep", doc="round up (gradient zero)"),
    P("trunc", _keep_int("trunc"), (_zero,), dtype="keep", doc="round toward zero (gradient zero)"),
    P("fix", _keep_int("trunc"), (_zero,), dtype="keep", torch_name="TruncBackward0", doc="alias of trunc"),
    P("round", _round, (_zero,), dtype="keep", params=(("decimals", 0),), special="round",
      extra={"torch_name_with_params": "RoundBackward1"},
      doc="round half to even, to `decimals` places (gradient zero)"),
    P("frac", lambda ns, x: ns.frac(x), (lambda x, out, g, ns: g,),
      dtype="float_only", doc="the fractional part input - trunc(input)"),
    P("nan_to_num", lambda ns, x, nan=0.0, posinf=None, neginf=None: ns.nan_to_num(x, nan=nan, posinf=posinf,
                                                                                     neginf=neginf),
      (lambda x, out, g, ns, **_: ns.where(ns.isfinite(x), g, g * 0),), dtype="keep",
      params=(("nan", 0.0), ("posinf", None), ("neginf", None)), doc="NaN and infinities replaced by numbers"),
    # two inputs (broadcast; gradients summed back to each input's shape)
    P("atan2", lambda ns, y, x: ns.atan2(y, x), (lambda y, x, out, g, ns: g * x / (x * x + y * y),
                                                 lambda y, x, out, g, ns: -g * y / (x * x + y * y)),
      domain=("real", "away0"), doc="the angle of (other, input): atan(input / other) in the right quadrant"),
    P("hypot", lambda ns, x, y: ns.hypot(x, y), (lambda x, y, out, g, ns: g * x / out,
                                                 lambda x, y, out, g, ns: g * y / out),
      domain=("away0", "away0"), dtype="float_only", doc="sqrt(input^2 + other^2)"),
    P("fmod", lambda ns, x, y: ns.fmod(x, y), (lambda x, y, out, g, ns: g,
                                               lambda x, y, out, g, ns: -g * ns.trunc(x / y)),
      dtype="promote", domain=("real", "away0"), torch_name="FmodBackward1",
      doc="remainder of truncated division (the sign of input)"),
    P("remainder", lambda ns, x, y: ns.remainder(x, y), (lambda x, y, out, g, ns: g,
                                                         lambda x, y, out, g, ns: -g * ns.floor(x / y)),
      dtype="promote", domain=("real", "away0"), torch_name="RemainderBackward1",
      doc="remainder of floor division (the sign of other), as Python's %"),
    P("copysign", lambda ns, x, y: ns.copysign(x, y), (_copysign_d, lambda x, y, out, g, ns: g * 0),
      domain=("away0", "away0"), doc="|input| with the sign of other"),
    P("logaddexp", lambda ns, x, y: ns.logaddexp(x, y), (lambda x, y, out, g, ns: g * ns.exp(x - out),
                                                         lambda x, y, out, g, ns: g * ns.exp(y - out)),
      domain=("real", "real"), inplace=False, dtype="float_only", doc="log(exp(input) + exp(other))"),
    P("logaddexp2", lambda ns, x, y: ns.logaddexp2(x, y), (lambda x, y, out, g, ns: g * ns.exp2(x - out),
                                                           lambda x, y, out, g, ns: g * ns.exp2(y - out)),
      domain=("real", "real"), inplace=False, dtype="float_only", doc="log2(2^input + 2^other)"),
    P("xlogy", lambda ns, x, y: ns.xlogy(x, y), (lambda x, y, out, g, ns: ns.where(x == 0, g * 0, g * ns.log(y)),
                                                 lambda x, y, out, g, ns: g * x / y),
      domain=("real", "pos"), special="xlogy", doc="input * log(other), 0 where input is 0"),
    P("xlog1py", lambda ns, x, y: ns.xlog1py(x, y),
      (lambda x, y, out, g, ns: ns.where(x == 0, g * 0, g * ns.log1p(y)), lambda x, y, out, g, ns: g * x / (y + 1)),
      domain=("real", "pos"), method=False, function=False, inplace=False, special="xlog1py",
      doc="input * log1p(other), 0 where input is 0"),
    P("fmax", lambda ns, x, y: ns.fmax(x, y), _fmax_d(True), dtype="promote", domain=("real", "real"),
      inplace=False, doc="elementwise maximum that ignores NaN"),
    P("fmin", lambda ns, x, y: ns.fmin(x, y), _fmax_d(False), dtype="promote", domain=("real", "real"),
      inplace=False, doc="elementwise minimum that ignores NaN"),
    P("floor_divide", lambda ns, x, y: ns.floor_divide(x, y), None, dtype="promote", domain=("real", "away0"),
      doc="floor(input / other) (no gradient)"),
    P("airy_ai", lambda ns, x: ns.airy(x)[0], None, method=False, function=False, inplace=False,
      special="airy_ai", doc="the Airy function Ai (no gradient, as torch)"),
    P("chebyshev_polynomial_v", _chebyshev("V", False), None, domain=("unit", "int"), method=False,
      function=False, inplace=False, special="chebyshev_polynomial_v",
      doc="Chebyshev polynomial V_n (no gradient)"),
    P("chebyshev_polynomial_w", _chebyshev("W", False), None, domain=("unit", "int"), method=False,
      function=False, inplace=False, special="chebyshev_polynomial_w",
      doc="Chebyshev polynomial W_n (no gradient)"),
    P("shifted_chebyshev_polynomial_t", _chebyshev("T", True), None, domain=("01", "int"),
      method=False, function=False, inplace=False, special="shifted_chebyshev_polynomial_t",
      doc="shifted Chebyshev polynomial T*_n = T_n(2x - 1) (no gradient)"),
    P("shifted_chebyshev_polynomial_u", _chebyshev("U", True), None, domain=("01", "int"),
      method=False, function=False, inplace=False, special="shifted_chebyshev_polynomial_u",
      doc="shifted Chebyshev polynomial U*_n = U_n(2x - 1) (no gradient)"),
    P("shifted_chebyshev_polynomial_v", _chebyshev("V", True), None, domain=("01", "int"),
      method=False, function=False, inplace=False, special="shifted_chebyshev_polynomial_v",
      doc="shifted Chebyshev polynomial V*_n = V_n(2x - 1) (no gradient)"),
    P("shifted_chebyshev_polynomial_w", _chebyshev("W", True), None, domain=("01", "int"),
      method=False, function=False, inplace=False, special="shifted_chebyshev_polynomial_w",
      doc="shifted Chebyshev polynomial W*_n = W_n(2x - 1) (no gradient)"),
    P("zeta", lambda ns, x, q: ns.zeta(x, q), None, domain=("gt1", "pos"), method=False, function=False,
      inplace=False, special="zeta", doc="the Hurwitz zeta function (no gradient)"),
    P("gammainc", lambda ns, a, x: ns.gammainc(a, x), None, domain=("pos", "pos"), method=False, function=False,
      inplace=False, special="gammainc", dtype="float_only",
      extra={"kernel": "igamma"}, doc="the regularized lower incomplete gamma function (no gradient)"),
    P("gammaincc", lambda ns, a, x: ns.gammaincc(a, x), None, domain=("pos", "pos"), method=False, function=False,
      inplace=False, special="gammaincc", dtype="float_only",
      extra={"kernel": "igammac"}, doc="the regularized upper incomplete gamma function (no gradient)"),
    P("igamma", lambda ns, a, x: ns.gammainc(a, x), None, domain=("pos", "pos"), inplace=True,
      dtype="float_only", doc="the regularized lower incomplete gamma function (no gradient)"),
    P("igammac", lambda ns, a, x: ns.gammaincc(a, x), None, domain=("pos", "pos"), inplace=True,
      dtype="float_only", doc="the regularized upper incomplete gamma function (no gradient)"),
    P("chebyshev_polynomial_t", lambda ns, x, n: ns.eval_chebyt(n, x), None, domain=("unit", "int"), method=False,
      function=False, inplace=False, special="chebyshev_polynomial_t", doc="Chebyshev polynomial T_n (no gradient)"),
    P("chebyshev_polynomial_u", lambda ns, x, n: ns.eval_chebyu(n, x), None, domain=("unit", "int"), method=False,
      function=False, inplace=False, special="chebyshev_polynomial_u", doc="Chebyshev polynomial U_n (no gradient)"),
    P("legendre_polynomial_p", lambda ns, x, n: ns.eval_legendre(n, x), None, domain=("unit", "int"),
      method=False, function=False, inplace=False, special="legendre_polynomial_p",
      doc="Legendre polynomial P_n (no gradient)"),
    P("laguerre_polynomial_l", lambda ns, x, n: ns.eval_laguerre(n, x), None, domain=("real", "int"),
      method=False, function=False, inplace=False, special="laguerre_polynomial_l",
      doc="Laguerre polynomial L_n (no gradient)"),
    P("hermite_polynomial_h", lambda ns, x, n: ns.eval_hermite(ns.asarray(n).astype("int64"), x), None,
      domain=("real", "int"), method=False, function=False, inplace=False, special="hermite_polynomial_h",
      doc="physicists' Hermite polynomial H_n (no gradient)"),
    P("hermite_polynomial_he", lambda ns, x, n: ns.eval_hermitenorm(ns.asarray(n).astype("int64"), x), None,
      domain=("real", "int"), method=False, function=False, inplace=False, special="hermite_polynomial_he",
      doc="probabilists' Hermite polynomial He_n (no gradient)"),
    P("nextafter", lambda ns, x, y: ns.nextafter(x, y), None, domain=("real", "real"),
      dtype="float_only", doc="the next floating-point value after input toward other (no gradient)"),
    P("heaviside", lambda ns, x, v: ns.heaviside(x, v), None, dtype="promote", domain=("real", "real"),
      doc="0 below zero, 1 above, `values` at zero (no gradient)"),
    P("gcd", lambda ns, x, y: ns.gcd(x, y), None, dtype="int_only", domain=("int", "int"),
      doc="the greatest common divisor (integers; no gradient)"),
    P("lcm", lambda ns, x, y: ns.lcm(x, y), None, dtype="int_only", domain=("int", "int"),
      doc="the least common multiple (integers; no gradient)"),
    P("bitwise_left_shift", lambda ns, x, y: ns.left_shift(x, y), None, dtype="int_only",
      extra={"kernel": "lshift"}, domain=("int", "int"),
      doc="input << other (integers)"),
    P("bitwise_right_shift", lambda ns, x, y: ns.right_shift(x, y), None, dtype="int_only",
      extra={"kernel": "rshift"}, domain=("int", "int"),
      doc="input >> other (integers)"),
    P("ldexp", lambda ns, x, y: x * ns.exp2(y), (lambda x, y, out, g, ns: g * ns.exp2(y),
                                                 lambda x, y, out, g, ns: g * out * _LN2),
      domain=("real", "real"), doc="input * 2 ** other"),
)
del P

BY_NAME: dict[str, Pointwise] = {op.name: op for op in TABLE}


# ---------------------------------------------------------------------- the primitive generated per entry


# the rows torch refuses for complex inputs (NotImplementedError, or RuntimeError for the second set)
NO_COMPLEX = frozenset("""airy_ai atan2 bessel_j0 bessel_j1 bessel_y0 bessel_y1 bitwise_left_shift bitwise_right_shift
    ceil chebyshev_polynomial_t chebyshev_polynomial_u chebyshev_polynomial_v chebyshev_polynomial_w copysign digamma
    entr erf erfc erfcx erfinv fix floor floor_divide fmod frac gammainc gammaincc gcd hermite_polynomial_h
    hermite_polynomial_he hypot i0 i0e i1 i1e igamma igammac laguerre_polynomial_l lcm legendre_polynomial_p lgamma
    log_ndtr logaddexp2 logit modified_bessel_i0 modified_bessel_i1 modified_bessel_k0 modified_bessel_k1 ndtr ndtri
    nextafter remainder round scaled_modified_bessel_k0 scaled_modified_bessel_k1 shifted_chebyshev_polynomial_t
    shifted_chebyshev_polynomial_u shifted_chebyshev_polynomial_v shifted_chebyshev_polynomial_w sign
    spherical_bessel_j0 trunc xlog1py xlogy zeta""".split())
NO_COMPLEX_RUNTIME = frozenset({"deg2rad", "rad2deg", "fmax", "fmin", "heaviside"})


def _refuse_complex(op: Pointwise, array) -> None:
    kind = "ComplexFloat" if array.dtype.itemsize == 8 else "ComplexDouble"
    if op.name in NO_COMPLEX_RUNTIME:
        raise RuntimeError(f"{op.name} is not supported for complex inputs (got {kind}), as in torch")
    raise NotImplementedError(f'"{op.extra.get("kernel", op.name)}_cpu" not implemented for \'{kind}\'')


class PointwiseFunction(Function):
    """A table entry as a differentiable primitive: forward and backward both evaluate the entry's formulas on
    the array namespace. Subclasses (one per entry, named after it) only set `op`."""

    op: Pointwise
    tensor_saves = {"arrays": "inputs", "out": "out"}  # lifted to Tensors under create_graph (autograd/engine.py)

    def forward(self, *arrays, **params):
        if arrays[0].dtype.kind == "c" and (self.op.name in NO_COMPLEX or self.op.name in NO_COMPLEX_RUNTIME):
            _refuse_complex(self.op, arrays[0])
        xp = xp_of(arrays[0])
        ns = _NAMESPACES.get(xp) or array_namespace(xp)
        out = self.op.forward(ns, *arrays, **params)
        if getattr(out, "dtype", None) != arrays[0].dtype and self.op.dtype != "bool" and \
                arrays[0].dtype.kind != "c":  # abs of a complex tensor is real
            out = xp.asarray(out, dtype=arrays[0].dtype)
        if True in self.needs_input_grad:
            self.arrays, self.out, self.params = arrays, out, params
            if params and "torch_name_with_params" in self.op.extra and any(
                    v != d for (k, d), v in zip(self.op.params, params.values())):
                self.torch_name = self.op.extra["torch_name_with_params"]  # round(decimals=2): RoundBackward1
        return out

    def backward(self, g):
        # a Tensor `g` means create_graph: the same formulas then run on Tensors and record their own graph
        ns = _tensor_namespace() if hasattr(g, "_ctx") else array_namespace(xp_of(g))
        grads = []
        for i, d in enumerate(self.op.derivatives):
            if not self.needs_input_grad[i]:
                grads.append(None)
                continue
            gi = d(*self.arrays, self.out, g, ns, **self.params)
            grads.append(unbroadcast(gi, self.arrays[i].shape) if gi.shape != self.arrays[i].shape else gi)
        return tuple(grads)


def _tensor_namespace():
    from .._tensor.elementwise import TENSOR_NS  # the engine layer above; only reached under create_graph

    return TENSOR_NS


def _class_name(op: Pointwise) -> str:
    """torch's node-name stem: CamelCase parts, a letter after a digit capitalised (log1p -> Log1P, i1e -> I1E),
    "Special" in front of the rows that only torch.special has."""
    name = "".join(part[:1].upper() + part[1:] for part in op.name.split("_"))
    name = re.sub(r"(?<=[0-9])([a-z])", lambda m: m.group(1).upper(), name)
    return name if op.method or op.function or not op.special else f"Special{name}"


FUNCTIONS: dict[str, type[PointwiseFunction]] = {
    op.name: type(_class_name(op), (PointwiseFunction,), {
        "op": op, "__module__": __name__,
        "__doc__": f"{op.name}: {op.doc} (generated from the elementwise table)",
        **({"torch_name": op.torch_name} if op.torch_name else {})})
    for op in TABLE if op.derivatives is not None or op.dtype != "bool"
}

__all__ = ["Pointwise", "TABLE", "BY_NAME", "FUNCTIONS", "PointwiseFunction", "array_namespace"]
