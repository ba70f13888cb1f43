"""`torch.func`: function transforms on nnstudio's tape-based autograd.

- `functional_call(module, params_and_buffers, args)`: run a module with other tensors in place of some of its
  parameters and buffers (the module is left as it was, even when the call raises); `stack_module_state(models)`
  stacks M like models' tensors for ensembling with `vmap` (`_functional_call.py`).
- `grad`, `grad_and_value`: the gradient of a function returning a scalar, with respect to `argnums`; built on
  `autograd.grad(..., create_graph=True)`, so transforms nest (`grad(grad(f))` is the second derivative).
- `vjp`, `jacrev`, `jacfwd`, `hessian`: on `autograd.functional` (rows of the Jacobian one backward pass each).
- `jvp`, `linearize`: Jacobian-vector products by the double-backward trick; `functionalize` (eager here: the
  function as it is) (`_eager_transforms.py`).
- `vmap(func, in_dims, out_dims)`: maps `func` over a dimension by calling it once per slice and stacking the
  results (no batching rule is needed, so every op works; it costs one call per slice). `randomness` is
  accepted as in torch ("error", "different", "same": slices draw in turn, so "different" is what happens).
- `replace_all_batch_norm_modules_(root)`: BatchNorm without running statistics (`_batch_norm_replacement.py`).

Pytrees (`_pytree.py`): arguments and results may be tensors or (nested) tuples, lists and dicts of tensors.
"""

from __future__ import annotations

from collections.abc import Callable

from ..autograd import functional as _functional
from ..autograd.functional_grad import grad as _autograd_grad
from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from ._batch_norm_replacement import replace_all_batch_norm_modules_
from ._eager_transforms import functionalize, jvp, linearize
from ._functional_call import functional_call, stack_module_state
from ._pytree import leaves as _leaves
from ._pytree import rebuild as _rebuild

__all__ = ["functional_call", "stack_module_state", "grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev",
           "jacfwd", "hessian", "vmap", "functionalize", "replace_all_batch_norm_modules_"]


# ----------------------------------------------------------------------------------------------- grad
def _argnums(argnums, n_args: int) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums or any(not isinstance(a, int) or not -n_args <= a < n_args for a in nums):
        raise RuntimeError(f"Got argnums={argnums!r}, but the function was called with {n_args} positional "
                           "argument(s)")
    return tuple(a % n_args for a in nums)


def grad_and_value(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """A function returning (gradient of `func` w.r.t. the arguments `argnums`, `func`'s value); `func` must
    return a one-element tensor (and an aux value when has_aux)."""

    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args))
        nested = any(leaf.requires_grad for i in nums for leaf in _leaves(args[i]))
        args = list(args)
        for i in nums:
            args[i] = _rebuild(args[i], [leaf if leaf.requires_grad else leaf.detach().requires_grad_(True)
                                         for leaf in _leaves(args[i])])
        with enable_grad():
            out = func(*args, **kwargs)
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: (output, aux) "
                                   "if has_aux is True")
            out, aux = out
        if not isinstance(out, Tensor) or out.numel() != 1:
            shape = f" of shape {tuple(out.shape)}" if isinstance(out, Tensor) else ""
            raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                               f"{type(out).__name__}{shape}")
        leaves = [leaf for i in nums for leaf in _leaves(args[i])]
        grads = list(_autograd_grad(out, leaves, create_graph=True, allow_unused=True))
        grads = [g if g is not None else leaf.detach() * 0 for g, leaf in zip(grads, leaves)]
        if not nested:
            grads = [g.detach() for g in grads]
            out = out.detach()
        per_arg = [_rebuild(args[i], grads) for i in nums]
        result = per_arg[0] if isinstance(argnums, int) else tuple(per_arg)
        return (result, (out, aux)) if has_aux else (result, out)

    return wrapper


def grad(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """A function returning the gradient of `func` (a scalar) w.r.t. its arguments `argnums` (and the aux value
    when has_aux); nests: `grad(grad(f))(x)` is f''(x)."""
    both = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = both(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


# ----------------------------------------------------------------------------------------------- Jacobians
def vjp(func: Callable, *primals, has_aux: bool = False):
    """(func(*primals), vjp_fn): vjp_fn(cotangent) gives the vector-Jacobian product per primal. As in torch,
    the output and the products carry a graph only when a primal requires grad (a transform nested in another)."""
    nested = any(p.requires_grad for p in primals)
    primals = tuple(p if p.requires_grad else p.detach().requires_grad_(True) for p in primals)
    with enable_grad():
        out = func(*primals)
    aux = None
    if has_aux:
        out, aux = out

    def vjp_fn(*cotangents):
        outs, cots = _leaves(out), _leaves(cotangents)
        grads = _autograd_grad(outs, primals, grad_outputs=cots, create_graph=True, allow_unused=True)
        grads = tuple(g if g is not None else p.detach() * 0 for g, p in zip(grads, primals))
        return grads if nested else tuple(g.detach() for g in grads)

    shown = out if nested else _detach_tree(out)
    return (shown, vjp_fn, aux) if has_aux else (shown, vjp_fn)


def _jacobian_fn(func: Callable, argnums, has_aux: bool) -> Callable:
    def wrapper(*args):
        nums = _argnums(argnums, len(args))
        aux_box = []

        def of_selected(*selected):
            full = list(args)
            for i, value in zip(nums, selected):
                full[i] = value
            out = func(*full)
            if has_aux:
                out, aux = out
                aux_box.append(aux)
            return out

        selected = tuple(args[i] for i in nums)
        jac = _functional.jacobian(of_selected, selected, create_graph=True)  # a tuple: one per selected input
        if not any(a.requires_grad for a in selected):
            jac = _detach_tree(jac)
        result = jac[0] if isinstance(argnums, int) else jac
        return (result, aux_box[0]) if has_aux else result

    return wrapper


def _detach_tree(tree):
    return _rebuild(tree, [leaf.detach() for leaf in _leaves(tree)])


def jacrev(func: Callable, argnums=0, *, has_aux: bool = False, chunk_size=None) -> Callable:
    """The Jacobian of `func` w.r.t. the arguments `argnums`, one backward pass per output element."""
    return _jacobian_fn(func, argnums, has_aux)


def jacfwd(func: Callable, argnums=0, has_aux: bool = False, *, randomness: str = "error") -> Callable:
    """The Jacobian of `func` (the same values as jacrev; computed by reverse passes, as nnstudio has no
    forward-mode AD)."""
    return _jacobian_fn(func, argnums, has_aux)


def hessian(func: Callable, argnums=0) -> Callable:
    """The Hessian of a scalar `func` w.r.t. the argument `argnums`: jacrev of jacrev."""
    return jacrev(jacrev(func, argnums), argnums)


# ----------------------------------------------------------------------------------------------- vmap
def _dims_per_leaf(tree, dims) -> list:
    """One in_dim (int or None) per tensor leaf of `tree`, from an int/None or a structure like `tree`."""
    if dims is None or isinstance(dims, int):
        return [dims] * len(_leaves(tree))
    if isinstance(tree, (tuple, list)) and isinstance(dims, (tuple, list)):
        if len(tree) != len(dims):
            raise ValueError(f"vmap: in_dims has {len(dims)} entries where the arguments have {len(tree)}")
        return [d for item, dim in zip(tree, dims) for d in _dims_per_leaf(item, dim)]
    if isinstance(tree, dict) and isinstance(dims, dict):
        return [d for k, item in tree.items() for d in _dims_per_leaf(item, dims[k])]
    raise ValueError(f"vmap: in_dims {dims!r} does not match the structure of the arguments")


def vmap(func: Callable, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None) -> Callable:
    """`func` mapped over dimension `in_dims` of its inputs; results stacked along `out_dims`."""
    from .. import stack

    def wrapper(*args, **kwargs):
        leaves = _leaves(args)
        dims = _dims_per_leaf(args, in_dims if isinstance(in_dims, (tuple, list)) else
                              (in_dims,) * len(args) if isinstance(in_dims, int) or in_dims is None else in_dims)
        sizes = {leaf.shape[d] for leaf, d in zip(leaves, dims) if d is not None}
        if not sizes:
            raise ValueError("vmap: at least one input must be mapped (in_dims all None)")
        if len(sizes) > 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sorted(sizes)} for the mapped dimension")
        (n,) = sizes
        results = []
        for i in range(n):
            sliced = [leaf.select(d, i) if d is not None else leaf for leaf, d in zip(leaves, dims)]
            results.append(func(*_rebuild(args, sliced), **kwargs))
        first = results[0]
        per_result = [_leaves(r) for r in results]
        outs = _leaves(first)
        out_dim_list = _dims_per_leaf(first, out_dims) if not isinstance(out_dims, int) else [out_dims] * len(outs)
        stacked = [stack([pr[j] for pr in per_result], dim=out_dim_list[j]) for j in range(len(outs))]
        return _rebuild(first, stacked)

    return wrapper
