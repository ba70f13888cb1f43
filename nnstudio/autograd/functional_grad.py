"""`autograd.grad` and `autograd.backward`: the backward sweep from several outputs, to chosen inputs.

`grad(outputs, inputs)` returns d(sum_i <grad_outputs_i, outputs_i>)/d(inputs) as a tuple and writes no leaf's
`.grad`; only the part of the graph between the outputs and the inputs runs. `backward(tensors, grad_tensors)`
accumulates into `.grad` like `Tensor.backward`, from several tensors at once (and, with `inputs=`, only into
those tensors' `.grad`).

With `create_graph=True` the sweep runs on Tensors and the gradients carry their own graph (higher-order
gradients, see engine.py); `retain_graph` then defaults to True, as in torch.
"""

from __future__ import annotations

from collections.abc import Sequence

from .engine import _accumulate_graph_leaf, _accumulate_leaf, sweep


def _tensor_class():
    from ..tensor import Tensor

    return Tensor


def _as_tuple(value, what: str) -> tuple:
    Tensor = _tensor_class()
    if isinstance(value, Tensor):
        return (value,)
    if value is None and what == "grad_outputs":
        return ()
    if isinstance(value, Sequence):
        return tuple(value)
    raise TypeError(f"autograd: {what} must be a Tensor or a sequence of Tensors, got {type(value).__name__}")


def _root_gradients(outputs: tuple, grad_outputs: tuple, arg: str, create_graph: bool = False) -> list:
    """One gradient array per output: the given one (checked and cast) or ones for a scalar output. With
    `create_graph`, Tensors instead: a given Tensor keeps its history (so the result is differentiable in it)."""
    Tensor = _tensor_class()
    from .._backend import xp_of

    if grad_outputs and len(grad_outputs) != len(outputs):
        raise RuntimeError(f"autograd: {arg} has {len(grad_outputs)} entries but there are {len(outputs)} "
                           f"outputs; pass one per output (None for a scalar output)")
    grads = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"autograd: output {i} must be a Tensor, got {type(out).__name__}")
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn: "
                               f"nothing upstream of output {i} has requires_grad=True")
        given = grad_outputs[i] if grad_outputs else None
        xp = xp_of(out._data)
        if given is None:
            if out._data.size != 1:
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs: output {i} has "
                                   f"shape {tuple(out._data.shape)}; pass {arg}[{i}] shaped like it")
            ones = xp.ones(out._data.shape, dtype=out._data.dtype)
            grads.append(Tensor._wrap(ones, None) if create_graph else ones)
            continue
        g = given._data if isinstance(given, Tensor) else xp.asarray(given)
        if g.shape != out._data.shape:
            raise RuntimeError(f"Mismatch in shape: {arg}[{i}] has a shape of {tuple(g.shape)} and output[{i}] "
                               f"has a shape of {tuple(out._data.shape)}")
        if create_graph:
            given = given if isinstance(given, Tensor) else Tensor._wrap(g, None)
            grads.append(given if g.dtype == out._data.dtype else given._cast(out._data.dtype))
            continue
        grads.append(g.astype(out._data.dtype, copy=False))
    return grads


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused: bool | None = None, is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple:
    """Gradients of `outputs` with respect to `inputs`, returned as a tuple (no `.grad` is written).

    outputs: a tensor or a sequence of tensors; grad_outputs: one gradient per output, shaped like it (None
    for a scalar output means 1). inputs: a tensor or a sequence of tensors that require grad; the i-th
    result has the i-th input's shape. An input the outputs don't depend on raises unless `allow_unused`,
    in which case its result is None (or zeros with `materialize_grads`). The graph is freed unless
    `retain_graph` (which defaults to `create_graph`). With `create_graph=True` the results carry the graph of
    their computation (`requires_grad`, `grad_fn`) and can be differentiated again.
    """
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                             materialize_grads)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    Tensor = _tensor_class()
    outputs = _as_tuple(outputs, "outputs")
    inputs = _as_tuple(inputs, "inputs")
    if not inputs:
        raise RuntimeError("grad requires non-empty inputs.")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"autograd.grad: inputs[{i}] must be a Tensor, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors does not require grad (inputs[{i}], shape "
                               f"{tuple(t.shape)})")
    create_graph = bool(create_graph)
    root_grads = _root_gradients(outputs, _as_tuple(grad_outputs, "grad_outputs"), "grad_outputs", create_graph)
    keep = bool(retain_graph) if retain_graph is not None else create_graph
    captured = sweep(outputs, root_grads, keep, inputs, create_graph)
    handed = {id(g) for g in root_grads}
    result = []
    for i, t in enumerate(inputs):
        g = captured.get(id(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   f"graph. Set allow_unused=True if this is the desired behavior.")
            result.append(Tensor._wrap(t._data * 0, None) if materialize_grads else None)
            continue
        if create_graph:
            result.append(g)
            continue
        if id(g) in handed or g.base is not None:  # each result owns its buffer
            g = g.copy()
        handed.add(id(g))
        result.append(Tensor._wrap(g, None))
    return tuple(result)


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused, materialize_grads):
    """is_grads_batched: the first dim of every grad_output is a batch of vectors; one vector-Jacobian product
    per entry (a loop where torch uses vmap), stacked along a new first dim of each result."""
    from .. import stack

    outputs, grad_outputs = _as_tuple(outputs, "outputs"), _as_tuple(grad_outputs, "grad_outputs")
    if not grad_outputs or any(g is None for g in grad_outputs):
        raise RuntimeError("autograd.grad(is_grads_batched=True) needs a batched grad_output for every output")
    n = grad_outputs[0].shape[0]
    if any(g.shape[0] != n for g in grad_outputs):
        raise RuntimeError("autograd.grad(is_grads_batched=True): the grad_outputs differ in their batch size")
    rows = [grad(outputs, inputs, [g[i] for g in grad_outputs], retain_graph=True if i < n - 1 else retain_graph,
                 create_graph=create_graph, allow_unused=allow_unused, materialize_grads=materialize_grads)
            for i in range(n)]
    return tuple(None if rows[0][k] is None else stack([r[k] for r in rows], 0) for k in range(len(rows[0])))


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False,
             grad_variables=None, inputs=None) -> None:
    """Accumulate the gradients of `tensors` (weighted by `grad_tensors`, one per tensor, None for a scalar)
    into the `.grad` of every leaf, or only of `inputs` (leaf or not) when given. With `create_graph`, the
    `.grad`s carry the graph of their computation (and `retain_graph` defaults to True)."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors, "tensors")
    if not tensors:
        raise RuntimeError("autograd.backward: no tensors to differentiate")
    create_graph = bool(create_graph)
    root_grads = _root_gradients(tensors, _as_tuple(grad_tensors, "grad_outputs"), "grad_tensors", create_graph)
    keep = bool(retain_graph) if retain_graph is not None else create_graph
    if inputs is None:
        sweep(tensors, root_grads, keep, None, create_graph)
        return
    inputs = _as_tuple(inputs, "inputs")
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors does not require grad (inputs[{i}])")
    captured = sweep(tensors, root_grads, keep, inputs, create_graph)
    handed = {id(g) for g in root_grads}
    accumulate = _accumulate_graph_leaf if create_graph else _accumulate_leaf
    for t in inputs:
        g = captured.get(id(t))
        if g is not None:
            accumulate(t, g, handed)
