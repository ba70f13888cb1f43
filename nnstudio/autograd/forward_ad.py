"""`torch.autograd.forward_ad`: dual tensors and their tangents (Jacobian-vector products), on the reverse tape.

Inside `with dual_level():`, `make_dual(primal, tangent)` gives a tensor aliased to `primal` (same memory,
same shape) that carries `tangent`; ops and modules run on it as usual, and `unpack_dual(out)` gives
`UnpackedDualTensor(primal, tangent)` where `tangent` = J t, the derivative of `out` along the tangents of the
dual tensors it was computed from (None when it depends on none of them).

How: nnstudio has no per-op forward derivatives. A dual tensor is a graph node (`_MakeDual`, an identity for
backward) holding its tangent, so every op on it is recorded; `unpack_dual` finds the dual tensors `out` was
computed from and takes the double-vjp: with u a zero of out's shape that requires grad,
g(u) = J^T u = autograd.grad(out, duals, u, create_graph=True) is linear in u, and grad(<g, t>, u) = J t. Each
derivative is the one written for backward (engine.py), so forward mode covers every op that has a second
derivative. Two kinds of node stop the search and pass nothing on while a tangent is computed: a dual tensor (its
tangent is given, not derived from the tensors it was made from) and the `primal` of an unpacked dual (it has no
tangent, as in torch). A custom `autograd.Function` with a static `jvp(ctx, *tangents)` has its jvp called at
once on its inputs' tangents, and its outputs become dual tensors with the tangents it returned.

Limits (torch differs): tangents are found through the graph of reverse mode, so ops run under `no_grad()` on
a dual tensor carry no tangent, and a dual tensor reports `requires_grad=True` (it is recorded) where torch
reports its primal's flag; `unpack_dual(...).primal` has torch's `requires_grad`. A tangent carries a graph
(requires grad) exactly where it depends on a primal that requires grad; torch's per-op formulas attach one more
often (the tangent of `x * 2` for such an x has one, as x enters mul's formula with a zero factor).
"""

from __future__ import annotations

import threading
from typing import NamedTuple

from .function import Function
from .grad_mode import _GradMode

__all__ = ["UnpackedDualTensor", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual", "dual_level"]

_current_level = -1


class _Level:
    """One forward-AD level: its dual tensors have tangents only while it is `alive`."""

    def __init__(self, number: int) -> None:
        self.number, self.alive = number, True


_levels: list[_Level] = []


class _Cutting(threading.local):
    active = False  # True while unpack_dual differentiates back to the dual tensors


_cut = _Cutting()


class _Alias(Function):
    """z = a (a view): reverse mode passes through; while a tangent is computed nothing passes (see above)."""

    tensor_saves: dict = {}

    def forward(self, a):
        return a.view()

    def backward(self, g):
        return (None,) if _cut.active else (g,)


class _MakeDual(_Alias):
    """The node of a dual tensor, holding `tangent` for the level `level`."""

    def release(self) -> None:  # the tangent outlives a backward through the dual tensor
        kept = {k: self.__dict__.get(k) for k in ("tangent", "level", "alias")}
        super().release()
        self.__dict__.update(kept)


class _Primal(_Alias):
    """The node of a dual tensor's primal: a view that has no tangent."""


class UnpackedDualTensor(NamedTuple):
    """Namedtuple returned by `unpack_dual`: the primal and tangent components of a dual tensor."""

    primal: object
    tangent: object | None


class dual_level(_GradMode):
    """Context manager (and decorator) for forward AD: enters a level on entry, exits it (dropping every tangent
    made in it) on exit. `with dual_level() as level:` binds the level's number. Only one level at a time."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc) -> None:
        exit_dual_level()


def enter_dual_level() -> int:
    """Enter a new forward-AD level and make it the current one; returns its number (0)."""
    global _current_level
    if _levels:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _current_level += 1
    _levels.append(_Level(_current_level))
    return _current_level


def exit_dual_level(*, level: int | None = None) -> None:
    """Exit the current forward-AD level: every tangent of its dual tensors is dropped."""
    global _current_level
    if level is None:
        level = _current_level
    if level != _current_level or not _levels:
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that was created. This is "
                           "not supported.")
    _levels.pop().alive = False
    _current_level = level - 1


def _live_level(level: int | None) -> _Level | None:
    number = _current_level if level is None else level
    for lv in _levels:
        if lv.number == number:
            return lv
    return None


def make_dual(tensor, tangent, *, level: int | None = None):
    """A new tensor aliased to `tensor` (the primal) carrying `tangent` (same size) at the current level.

    Backward-differentiable: gradients flow through it to `tensor` as through a view.
    """
    from ..tensor import Tensor

    number = _current_level if level is None else level
    if number < 0:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first.")
    lv = _live_level(number)
    if lv is None:
        raise RuntimeError(f"make_dual: forward AD level {number} is not the current level")
    for what, t in (("primal", tensor), ("tangent", tangent)):
        if not isinstance(t, Tensor):
            raise TypeError(f"make_dual: expected the {what} to be a Tensor, got {type(t).__name__}")
        if not (t.is_floating_point() or t.is_complex()):
            raise ValueError(f"Expected {what} to be floating point or complex, but got: {t.dtype}")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {list(tensor.shape)} while the given "
                           f"forward gradient is of size {list(tangent.shape)}.")
    node = _MakeDual()
    node.inputs, node.parents, node.versions = (tensor,), (tensor._ctx,), (tensor._version,)
    node.needs_input_grad = (tensor.requires_grad,)
    node.tangent, node.level, node.alias = tangent, lv, node.forward(tensor._data)
    return Tensor._wrap(node.alias, node)


def _search(tensor, lv: _Level) -> tuple[list, bool]:
    """The dual nodes of level `lv` that `tensor` was computed from (not looking past one), and whether the
    graph reaches a leaf that really requires grad (torch's requires_grad of the primal)."""
    roots, seen, stack, real = [], set(), [(tensor._ctx, False)], False
    while stack:
        fn, beyond = stack.pop()  # beyond: reached only through a dual or a primal node (no tangent from there)
        if id(fn) in seen or (beyond and real) or (beyond and -id(fn) in seen):
            continue
        seen.add(-id(fn) if beyond else id(fn))
        is_root = isinstance(fn, _MakeDual) and fn.level is lv
        if is_root and not beyond:
            roots.append(fn)
        beyond = beyond or is_root or isinstance(fn, _Primal)
        for parent, need in zip(fn.parents, fn.needs_input_grad):
            if parent is None:
                real = real or need
            else:
                stack.append((parent, beyond))
    return roots, real


def _tangent(tensor, roots: list, real: bool):
    """J t for `tensor` and the dual nodes `roots` (double-vjp); with `real` (tensor's primal requires grad in
    reverse mode) the result carries the graph of its dependence on the primals, as torch's tangents do."""
    from .. import zeros_like
    from ..tensor import Tensor
    from .functional_grad import grad
    from .grad_mode import enable_grad

    if len(roots) == 1 and tensor._ctx is roots[0]:
        return roots[0].tangent
    duals = [Tensor._wrap(r.alias, r) for r in roots]
    with enable_grad():
        u = zeros_like(tensor.detach()).requires_grad_(True)
        _cut.active = True
        try:
            gs = grad(tensor, duals, u, retain_graph=True, create_graph=True, allow_unused=True)
        finally:
            _cut.active = False
        pairs = [(g, r.tangent) for g, r in zip(gs, roots) if g is not None and g.requires_grad]
        if not pairs:
            return zeros_like(tensor.detach())
        (jt,) = grad([g for g, _ in pairs], [u], [t.to(g.dtype) for g, t in pairs], allow_unused=True,
                     create_graph=real)
    return zeros_like(tensor.detach()) if jt is None else jt if real else jt.detach()


def tangent_of(tensor, level: int | None = None):
    """The tangent of `tensor` at `level` (the current one by default), or None: `unpack_dual(tensor).tangent`."""
    lv = _live_level(level)
    if lv is None or getattr(tensor, "_ctx", None) is None:
        return None
    roots, real = _search(tensor, lv)
    return _tangent(tensor, roots, real) if roots else None


def unpack_dual(tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """`(primal, tangent)` of `tensor` at `level` (the current one by default): `primal` is a view of its value
    without tangent (differentiable in reverse mode when `tensor`'s primal is), `tangent` is J t, or None when
    `tensor` was not computed from a dual tensor of that level."""
    from ..tensor import Tensor

    lv = _live_level(level)
    if lv is None or tensor._ctx is None:
        return UnpackedDualTensor(tensor, None)
    roots, real = _search(tensor, lv)
    if not roots:
        return UnpackedDualTensor(tensor, None)
    tangent = _tangent(tensor, roots, real)
    if not real:
        return UnpackedDualTensor(Tensor._wrap(tensor._data.view(), None), tangent)
    node = _Primal()
    node.inputs, node.parents, node.versions = (tensor,), (tensor._ctx,), (tensor._version,)
    node.needs_input_grad = (True,)
    return UnpackedDualTensor(Tensor._wrap(node.forward(tensor._data), node), tangent)


def custom_jvp(cls, ctx, args: tuple, result):
    """For a custom Function `cls` with a static `jvp`, called on `args` giving `result`: when an argument is a
    dual tensor of the current level, the outputs made dual tensors with the tangents `cls.jvp` returns."""
    from .. import zeros_like
    from ..tensor import Tensor
    from .grad_mode import no_grad

    if not _levels:
        return result
    tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return result
    tangents = [zeros_like(a.detach()) if t is None and isinstance(a, Tensor) else t for a, t in zip(args, tangents)]
    with no_grad():
        out_t = cls.jvp(ctx, *tangents)
    outputs = result if isinstance(result, tuple) else (result,)
    out_t = out_t if isinstance(out_t, tuple) else (out_t,)
    if len(out_t) != len(outputs):
        raise RuntimeError(f"{cls.__name__}.jvp returned {len(out_t)} tangents; expected one per output of forward "
                           f"({len(outputs)})")
    made = tuple(make_dual(o, t) if isinstance(o, Tensor) and isinstance(t, Tensor) and o.is_floating_point()
                 else o for o, t in zip(outputs, out_t))
    return made if isinstance(result, tuple) else made[0]
