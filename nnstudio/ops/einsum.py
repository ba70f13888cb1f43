"""Einstein summation: `parse_equation` turns torch's equation (with '...' and an implicit output) into explicit
single-letter subscripts, and `Einsum` is the differentiable primitive.

Forward: z = einsum(s_1, ..., s_n -> s_out)(a_1, ..., a_n), after broadcasting every size-1 dimension to the size
the other operands give its letter. Backward for operand k: the same contraction with operand k replaced by the
output gradient, da_k = einsum(s_out, s_j (j != k) -> s_k); letters only operand k has are broadcast back,
repeated letters (a diagonal, 'ii') write onto that diagonal, and broadcast dimensions are summed.
"""

from __future__ import annotations

import string

from .._backend import xp_of
from ..autograd import Function
from ._ns import ns_of

_LETTERS = string.ascii_letters


def _check_letters(term: str, equation: str) -> None:
    for ch in term:
        if ch not in _LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {equation.index(ch)} in the equation "
                               f"string '{equation}', subscripts must be in [a-zA-Z]")


def parse_equation(equation: str, shapes: list) -> tuple:
    """(input subscripts, output subscripts, sizes by letter) with '...' expanded into fresh letters.

    `shapes` are the operands' shapes. Raises torch's RuntimeError when the equation does not fit them.
    """
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        more = "more" if len(shapes) > len(terms) else "fewer"
        raise RuntimeError(f"einsum(): {more} operands were provided than specified in the equation "
                           f"'{equation}' ({len(shapes)} operands, {len(terms)} subscript terms)")
    used = set(eq.replace(".", "").replace(",", "").replace("-", "").replace(">", ""))
    fresh = [ch for ch in _LETTERS if ch not in used]
    ell_ndim = 0
    for k, (term, shape) in enumerate(zip(terms, shapes)):
        if term.count("...") > 1 or term.replace("...", "").count("."):
            raise RuntimeError(f"einsum(): found more than one ellipsis, or a stray '.', in term {k} of "
                               f"'{equation}'")
        _check_letters(term.replace("...", ""), equation)
        named = len(term.replace("...", ""))
        if "..." in term:
            if named > len(shape):
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) is more than "
                                   f"the number of dimensions ({len(shape)}) for operand {k}")
            ell_ndim = max(ell_ndim, len(shape) - named)
        elif named != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does not match the "
                               f"number of dimensions ({len(shape)}) for operand {k} and no ellipsis was given")
    ell = "".join(fresh[:ell_ndim])
    ins = []
    for term, shape in zip(terms, shapes):
        if "..." in term:
            n = len(shape) - len(term.replace("...", ""))
            term = term.replace("...", ell[ell_ndim - n:])
        ins.append(term)
    if arrow:
        _check_letters(rhs.replace("...", ""), equation)
        out = rhs.replace("...", ell)
        for ch in out:
            if out.count(ch) > 1:
                raise RuntimeError(f"einsum(): output subscript {ch} appears more than once in the output of "
                                   f"'{equation}'")
            if not any(ch in t for t in ins):
                raise RuntimeError(f"einsum(): output subscript {ch} does not appear in the equation for any "
                                   f"input operand of '{equation}'")
    else:
        counts = {}
        for t in ins:
            for ch in t:
                counts[ch] = counts.get(ch, 0) + 1
        out = ell + "".join(sorted(ch for ch, c in counts.items() if c == 1 and ch not in ell))
    sizes = {}
    for k, (term, shape) in enumerate(zip(ins, shapes)):
        for ch, n in zip(term, shape):
            prev = sizes.get(ch, 1)
            if prev != 1 and n != 1 and prev != n:
                listed = " ".join(f"{list(s)}" for s in shapes)
                raise RuntimeError(f"einsum(): operands do not broadcast: subscript '{ch}' has size {prev} and "
                                   f"size {n} (operand {k}) in '{equation}' with operand shapes {listed}")
            sizes[ch] = max(prev, n)
    return ins, out, sizes


def _diagonal_view(xp, a, term: str, letters: str):
    """A writeable view of `a` (subscripts `term`, letters repeated) indexed by the unique `letters`."""
    strides = [sum(a.strides[i] for i, c in enumerate(term) if c == ch) for ch in letters]
    shape = [a.shape[term.index(ch)] for ch in letters]
    return xp.lib.stride_tricks.as_strided(a, shape=shape, strides=strides)


class Einsum(Function):
    """z = einsum(ins -> out)(*arrays); see the module docstring for the backward rule. Under create_graph the
    same rule runs on Tensors (each gradient is itself an einsum, recorded); a repeated subscript (a diagonal)
    has no second derivative yet."""

    tensor_saves = {"ins_t": "inputs"}

    def forward(self, *arrays, ins=(), out="", sizes=None):
        xp = xp_of(arrays[0])
        self.ins, self.out, self.shapes = ins, out, [a.shape for a in arrays]
        full = [self._broadcast(xp, a, t, sizes) for a, t in zip(arrays, ins)]
        self.full = full if True in self.needs_input_grad else None
        eq = ",".join(ins) + "->" + out
        return xp.asarray(xp.einsum(eq, *full, optimize=len(full) > 2))

    @staticmethod
    def _broadcast(xp, a, term: str, sizes: dict):
        target = tuple(sizes[ch] for ch in term)
        return a if a.shape == target else xp.broadcast_to(a, target)

    def backward(self, g):
        graph = hasattr(g, "_ctx")
        xp = ns_of(g)
        if graph:
            full = [xp.broadcast_to(t, a.shape) if tuple(t.shape) != a.shape else t
                    for t, a in zip(self.ins_t, self.full)]
            if any(len(set(term)) != len(term) for term in self.ins):
                raise NotImplementedError("create_graph=True: einsum with a repeated subscript in one operand (a "
                                          "diagonal) has no second derivative in nnstudio yet")
        else:
            full = self.full
        grads = []
        for k, (term, shape) in enumerate(zip(self.ins, self.shapes)):
            if not self.needs_input_grad[k]:
                grads.append(None)
                continue
            others = [t for j, t in enumerate(self.ins) if j != k]
            arrays = [a for j, a in enumerate(full) if j != k]
            unique = "".join(dict.fromkeys(term))
            seen = set(self.out).union(*others) if others else set(self.out)
            kept = "".join(ch for ch in unique if ch in seen)
            eq = ",".join([self.out] + others) + "->" + kept
            gk = _einsum_tensors(eq, g, *arrays) if graph else xp.einsum(eq, g, *arrays, optimize=len(arrays) > 1)
            full_shape = self.full[k].shape
            # letters that only this operand has: the gradient is constant along them
            sizes = {ch: full_shape[term.index(ch)] for ch in unique}
            gk = xp.reshape(gk, [sizes[ch] if ch in kept else 1 for ch in unique])
            gk = xp.broadcast_to(gk, [sizes[ch] for ch in unique])
            if len(unique) != len(term):  # repeated letters: the gradient lives on the diagonal
                dense = xp.zeros(full_shape, dtype=g.dtype)
                _diagonal_view(xp, dense, term, unique)[...] = gk
                gk = dense
            elif not graph:
                gk = xp.ascontiguousarray(gk)
            axes = tuple(i for i, n in enumerate(shape) if n == 1 and full_shape[i] != 1)
            if axes:
                gk = xp.sum(gk, axis=axes, keepdims=True)
            grads.append(xp.cast_like(gk, g))
        return tuple(grads)


def _einsum_tensors(equation: str, *operands):
    """einsum of Tensors, recorded (the gradient of an einsum under create_graph)."""
    from ..autograd import apply

    lhs, out = equation.split("->")
    ins = lhs.split(",")
    sizes = {ch: n for term, t in zip(ins, operands) for ch, n in zip(term, t.shape)}
    return apply(Einsum, *operands, ins=ins, out=out, sizes=sizes)


__all__ = ["Einsum", "parse_equation"]
