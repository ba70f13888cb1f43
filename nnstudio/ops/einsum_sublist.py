"""torch.einsum's sublist format: einsum(op1, [0, 1], op2, [1, 2], [0, 2]) as the equation 'AB,BC->AC'.

A sublist holds ints in [0, 52) (0-25 name 'A'-'Z', 26-51 name 'a'-'z', as torch) and `...` (Ellipsis); an
optional last sublist gives the output.
"""

from __future__ import annotations

from collections.abc import Sequence


def _subscript(n, k: int) -> str:
    if n is Ellipsis:
        return "..."
    if isinstance(n, bool) or not isinstance(n, int) and not hasattr(n, "__index__"):
        raise TypeError(f"einsum(): sublist {k} holds {n!r} ({type(n).__name__}); subscripts are ints in "
                        f"[0, 52) or Ellipsis")
    n = int(n.__index__())
    if not 0 <= n < 52:
        raise ValueError(f"einsum(): subscript {n} in sublist {k} is not within the valid range [0, 52)")
    return chr(ord("A") + n) if n < 26 else chr(ord("a") + n - 26)


def _term(sublist, k: int) -> str:
    if not isinstance(sublist, Sequence) or isinstance(sublist, str):
        raise TypeError(f"einsum(): expected a sublist (a list of ints) after operand {k}, got "
                        f"{type(sublist).__name__}")
    return "".join(_subscript(n, k) for n in sublist)


def sublist_to_equation(args: tuple) -> tuple[str, tuple]:
    """(equation, operands) from einsum's sublist arguments: op, sublist, op, sublist, ..., [output sublist]."""
    pairs, out = args, None
    if len(args) % 2 == 1:
        pairs, out = args[:-1], args[-1]
    if not pairs:
        raise RuntimeError("einsum(): must provide at least one operand")
    operands = pairs[0::2]
    terms = [_term(s, k) for k, s in enumerate(pairs[1::2])]
    equation = ",".join(terms)
    if out is not None:
        equation += "->" + _term(out, len(terms))
    return equation, tuple(operands)


__all__ = ["sublist_to_equation"]
