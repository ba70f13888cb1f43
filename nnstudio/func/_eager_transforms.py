"""Forward-mode products on reverse-mode autograd: `jvp`, `linearize`; and `functionalize` (as torch's
`_functorch/eager_transforms.py`).

nnstudio has no dual numbers, so J t comes from two reverse passes (the double-backward trick): with a dummy
cotangent u (zeros, requiring grad), g(u) = J^T u is computed with `create_graph=True`; g is linear in u, and its
vector-Jacobian product with t is J t. Every backward is itself differentiable, so this works for every op, and
nests (`grad` of a `jvp`, `jvp` of a `grad`).
"""

from __future__ import annotations

from collections.abc import Callable

from ..autograd.functional_grad import grad as _autograd_grad
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from ._pytree import leaves, rebuild, structure

__all__ = ["jvp", "linearize", "functionalize"]


def _check_tangents(api: str, flat_primals: list, flat_tangents: list) -> None:
    for i, (p, t) in enumerate(zip(flat_primals, flat_tangents)):
        if tuple(t.shape) != tuple(p.shape):
            raise RuntimeError(f"{api}: tangent:{i} with shape {tuple(t.shape)} doesn't match the shape "
                               f"{tuple(p.shape)} of the corresponding primal.")
        if t.dtype != p.dtype:
            raise RuntimeError(f"{api}: tangent:{i} with dtype {t.dtype} doesn't match the dtype {p.dtype} of the "
                               "corresponding primal.")


def _non_empty_tensors(api: str, flat: list, tree, what: str) -> None:
    if not flat:
        raise RuntimeError(f"{api}: Expected {what} to contain at least one Tensor.")
    if len(flat) != len(_all_leaves(tree)):
        bad = next(x for x in _all_leaves(tree) if not isinstance(x, Tensor))
        raise RuntimeError(f"{api}: Expected {what} to only contain Tensors, got {type(bad)}")


def _all_leaves(tree) -> list:
    if isinstance(tree, (tuple, list)):
        return [x for item in tree for x in _all_leaves(item)]
    if isinstance(tree, dict):
        return [x for item in tree.values() for x in _all_leaves(item)]
    return [tree]


class _Linearised:
    """func evaluated at the primals, with the graph of g(u) = J^T u kept for any number of J t products."""

    def __init__(self, api: str, func: Callable, primals: tuple, has_aux: bool, strict: bool = False):
        self.api, self.primals = api, primals
        self.flat_primals = leaves(primals)
        self.nested = any(p.requires_grad for p in self.flat_primals)
        inputs = [p if p.requires_grad else p.detach().requires_grad_(True) for p in self.flat_primals]
        with enable_grad():
            out = func(*rebuild(primals, list(inputs)))
            self.aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) if has_aux is "
                                       "True")
                out, self.aux = out
            self.out = out
            self.flat_out = leaves(out)
            if not self.flat_out:
                raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output (got output = "
                                   f"{out})")
            odd = next((x for x in _all_leaves(out) if not isinstance(x, Tensor)), None)
            if odd is not None:
                raise RuntimeError(f"{api}: expected f(*args) to return only tensors, got unsupported type "
                                   f"{type(odd)}")
            self.live = [i for i, o in enumerate(self.flat_out) if o.requires_grad]
            if strict and len(self.live) < len(self.flat_out):
                raise RuntimeError(f"{api[:-1]}, strict=True): The output of f is independent of the inputs. This "
                                   "is not allowed with strict=True.")
            from .. import zeros_like

            self.dummies = [zeros_like(self.flat_out[i]).requires_grad_(True) for i in self.live]
            vjps = _autograd_grad([self.flat_out[i] for i in self.live], inputs, grad_outputs=self.dummies,
                                  create_graph=True, allow_unused=True) if self.live else [None] * len(inputs)
        self.vjps = [(k, v) for k, v in enumerate(vjps) if v is not None and v.requires_grad]

    def output(self):
        if self.nested:
            return self.out
        return rebuild(self.out, [o.detach() for o in self.flat_out])

    def times(self, flat_tangents: list, retain: bool):
        """J t with the output's structure."""
        from .. import zeros_like

        nested = self.nested or any(t.requires_grad for t in flat_tangents)
        with enable_grad():
            if self.vjps:
                products = _autograd_grad([v for _, v in self.vjps], self.dummies,
                                          grad_outputs=[flat_tangents[k] for k, _ in self.vjps],
                                          retain_graph=retain or nested, create_graph=nested, allow_unused=True)
            else:
                products = [None] * len(self.dummies)
        by_out = dict(zip(self.live, products))
        flat = []
        for i, o in enumerate(self.flat_out):
            j = by_out.get(i)
            j = zeros_like(o) if j is None else j.to(dtype=o.dtype)
            flat.append(j if nested else j.detach())
        return rebuild(self.out, flat)


def jvp(func: Callable, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """(func(*primals), J t): the Jacobian of `func` at `primals` times `tangents` (pytrees of the primals'
    structure and shapes), with the output's structure; (output, J t, aux) with has_aux. `strict`: an output
    that does not depend on the primals is an error (else its J t is zeros)."""
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals).")
    flat_primals, flat_tangents = leaves(primals), leaves(tangents)
    if structure(primals) != structure(tangents):
        raise RuntimeError(f"{api}: Expected primals and tangents to have the same python structure. For example, "
                           "if primals is a tuple of 3 tensors, tangents also must be.")
    _non_empty_tensors(api, flat_primals, primals, "primals")
    _non_empty_tensors(api, flat_tangents, tangents, "tangents")
    _check_tangents(api, flat_primals, flat_tangents)
    lin = _Linearised(api, func, primals, has_aux, strict)
    out = (lin.output(), lin.times(flat_tangents, retain=False))
    return out + (lin.aux,) if has_aux else out


def linearize(func: Callable, *primals):
    """(func(*primals), jvp_fn): jvp_fn(*tangents) is J t at `primals`, for any number of tangents (the graph is
    kept between calls)."""
    api = "linearize(f, *primals)"
    lin = _Linearised(api, func, primals, has_aux=False)
    spec = structure(primals)

    def jvp_fn(*tangents):
        if structure(tangents) != spec:
            raise RuntimeError(f"Expected the tangents {structure(tangents)} to have the same argspec as the "
                               f"primals {spec}")
        flat_tangents = leaves(tangents)
        _check_tangents(api, lin.flat_primals, flat_tangents)
        return lin.times(flat_tangents, retain=True)

    return lin.output(), jvp_fn


def functionalize(func: Callable, *, remove: str = "mutations") -> Callable:
    """`func` with the same results and input mutations. torch rewrites in-place ops to out-of-place ones for its
    tracers; nnstudio runs eagerly, where that rewrite changes nothing, so the function is called as it is."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. Valid options "
            "are:\n     remove='mutations': all inplace and out= operators will be removed from the program, and "
            "replaced with their out-of-place equivalents.\n     remove='mutations_and_views': In addition to the "
            "above, all aliasing operators {view} will be replaced with their non-aliasing counterparts, "
            "{view}_copy.\n")

    def wrapped(*args, **kwargs):
        return func(*args, **kwargs)

    wrapped.__name__ = getattr(func, "__name__", "functionalized")
    wrapped.__doc__ = getattr(func, "__doc__", None)
    wrapped.__wrapped__ = func
    return wrapped
