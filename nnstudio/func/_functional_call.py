"""`functional_call` (run a module with other tensors standing in for its own) and `stack_module_state` (the
parameters and buffers of M like modules stacked along a new dim 0, for ensembling with `vmap`), as torch's
`_functorch/functional_call.py`."""

from __future__ import annotations

from contextlib import contextmanager

from ..tensor import Tensor

__all__ = ["functional_call", "stack_module_state"]


@contextmanager
def _swapped(module, tensors: dict, strict: bool):
    """Put `tensors` (dotted names) in place of the module's parameters, buffers or attributes meanwhile."""
    known = dict(module.named_parameters(remove_duplicate=False)) | dict(module.named_buffers(remove_duplicate=False))
    if strict:
        missing, unexpected = sorted(set(known) - set(tensors)), sorted(set(tensors) - set(known))
        if missing or unexpected:
            raise RuntimeError(f"functional_call got unexpected keys {unexpected[:5]} and misses keys {missing[:5]}")
    saved = []
    try:
        for name, value in tensors.items():
            owner_name, _, attr = name.rpartition(".")
            owner = module.get_submodule(owner_name) if owner_name else module
            for group in ("_parameters", "_buffers"):
                table = owner.__dict__.get(group, {})
                if attr in table:
                    saved.append((table, attr, table[attr]))
                    table[attr] = value
                    break
            else:
                saved.append((owner.__dict__, attr, owner.__dict__.get(attr, _MISSING)))
                owner.__dict__[attr] = value
        yield
    finally:
        for table, attr, old in reversed(saved):
            if old is _MISSING:
                table.pop(attr, None)
            else:
                table[attr] = old


_MISSING = object()


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs: dict | None = None, *,
                    tie_weights: bool = True, strict: bool = False):
    """`module(*args, **kwargs)` with the tensors of `parameter_and_buffer_dicts` (a dict of dotted names, or a
    sequence of dicts) standing in for the module's own; the module is unchanged afterwards."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        merged = dict(dicts)
    else:
        merged = {}
        for d in dicts:
            overlap = set(merged) & set(d)
            if overlap:
                raise ValueError(f"functional_call: {sorted(overlap)[0]!r} appears in more than one dict")
            merged.update(d)
    args = () if args is None else (args if isinstance(args, tuple) else (args,))
    with _swapped(module, merged, strict):
        return module(*args, **(kwargs or {}))


def stack_module_state(models) -> tuple[dict, dict]:
    """(params, buffers): dicts by dotted name of the models' tensors stacked along a new dim 0, shape (M, *shape).
    The stacked parameters are new leaves (requiring grad when every model's does), unrelated to the models'."""
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_params = [dict(m.named_parameters()) for m in models]
    all_buffers = [dict(m.named_buffers()) for m in models]
    params = {k: _stacked_leaf([p[k] for p in all_params], k) for k in all_params[0]}
    buffers = {k: _stacked_leaf([b[k] for b in all_buffers], k) for k in all_buffers[0]}
    return params, buffers


def _stacked_leaf(tensors: list[Tensor], name: str) -> Tensor:
    from .. import stack

    flags = {t.requires_grad for t in tensors}
    if len(flags) > 1:
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack(tensors)
    return result.detach().requires_grad_() if flags == {True} else result
