"""`torch.autograd.functional`: jacobian, hessian, vjp, jvp, hvp and vhp of a function of Tensors.

Each is built on `autograd.grad` (with `create_graph=True` where a derivative of a derivative is needed), as
torch does: `jvp` and `hvp` use the double-backward trick (the gradient of a vector-Jacobian product with respect
to its vector is a Jacobian-vector product). `inputs` and `v` are a Tensor or a tuple of Tensors; results have the
same structure. `create_graph=True` keeps the graph of the results so they can be differentiated again; `strict`
raises when an output or a derivative does not depend on an input (instead of returning zeros).
`vectorize=True` (torch's vmap) and the forward-mode strategies are accepted and give the same values: the
Jacobian is always built row by row with reverse mode (vectorize only changes torch's speed, not its results).
"""

from __future__ import annotations

from collections.abc import Callable

from .functional_grad import grad as _grad
from .grad_mode import enable_grad


def _tensor():
    from ..tensor import Tensor

    return Tensor


def _as_tuple(value, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    Tensor = _tensor()
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"the value at index {i} has" if is_tuple else f"the given {arg_name} has"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"{where} type {type(el)}.")
    return is_tuple, items


def _unpack(result, is_tuple):
    """Undo `_as_tuple`: a tuple when the argument was one, else its only element (two levels for a pair)."""
    if isinstance(is_tuple, tuple):
        outs_tuple, ins_tuple = is_tuple
        if not ins_tuple:
            result = tuple(el[0] for el in result)
        return result if outs_tuple else result[0]
    return result if is_tuple else result[0]


def _prepare(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """Fresh handles on the inputs: kept in the caller's graph under create_graph, else detached leaves."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(need_graph))
    return tuple(out)


def _finish(values, create_graph: bool):
    """Detach results (nested tuples too) unless their graph is wanted."""
    Tensor = _tensor()
    if isinstance(values, Tensor):
        return values if create_graph else values.detach()
    return tuple(_finish(v, create_graph) for v in values)


def _validate_v(v: tuple, other: tuple, other_is_tuple: bool) -> None:
    if len(v) != len(other):
        if other_is_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (el_v, el_o) in enumerate(zip(v, other)):
        if tuple(el_v.shape) != tuple(el_o.shape):
            prefix = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {el_o.size()} but got {el_v.size()}.")


def _check_requires_grad(values: tuple, kind: str, strict: bool) -> None:
    if not strict:
        return
    messages = {
        "outputs": "Output {i} of the user-provided function does not require gradients. The outputs must be "
                   "computed in a differentiable manner from the input when running in strict mode.",
        "jacobian": "While computing the hessian, found that the jacobian of the user-provided function with "
                    "respect to input {i} is independent of the input. This is not allowed in strict mode. You "
                    "should ensure that your function is twice differentiable and that the jacobian depends on the "
                    "inputs (this would be violated by a linear function for example).",
        "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the user-provided "
                       "function. This is not allowed in strict mode.",
    }
    for i, t in enumerate(values):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is not "
                               f"allowed in strict mode.")
        if not t.requires_grad:
            raise RuntimeError(messages[kind].format(i=i))


def _grad_of(outputs: tuple, inputs: tuple, grad_outputs=None, create_graph: bool = False,
             retain_graph: bool | None = None) -> tuple:
    """autograd.grad over the outputs that require grad (None per input when none does; None for unused)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs], retain_graph=retain_graph,
                 create_graph=create_graph, allow_unused=True)


_ZERO_MESSAGES = {
    "back": "The output of the user-provided function is independent of input {i}. This is not allowed in strict "
            "mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                  "using the double backward trick to compute forward mode gradients. This is not allowed in strict "
                  "mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. This is not allowed in "
                   "strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} in the grad_jacobian. "
                         "This is not allowed in strict mode as it prevents from using the double backward trick to "
                         "replace forward mode AD.",
}


def _fill_in_zeros(grads: tuple, refs: tuple, strict: bool, create_graph: bool, stage: str) -> tuple:
    from .. import zeros_like

    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_MESSAGES[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of input {i}. This is not "
                               f"allowed in strict mode when create_graph=True.")
        out.append(g)
    return tuple(out)


def vjp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T J): the vector-Jacobian product of `func` at `inputs` for `v` shaped like the output(s).
    `v` may be None only when func returns a single one-element Tensor."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = _prepare(v, create_graph, need_graph=False)
            _validate_v(v, outputs, out_tuple)
        elif len(outputs) != 1 or outputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                               "with a single element.")
        grads = _grad_of(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "back")
    return _unpack(_finish(outputs, create_graph), out_tuple), _unpack(_finish(result, create_graph), in_tuple)


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v): the Jacobian-vector product for `v` shaped like the input(s), by the double-backward
    trick. `v` may be None only for a single one-element input."""
    from .. import zeros_like

    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            _, v = _as_tuple(v, "v", "jvp")
            v = _prepare(v, create_graph, need_graph=False)
            _validate_v(v, inputs, in_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                               "Tensor with a single element.")
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        grad_outputs = tuple(zeros_like(o).requires_grad_(True) for o in outputs)
        grad_inputs = _grad_of(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
        grads = _grad_of(grad_inputs, grad_outputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, "back_trick")
    return _unpack(_finish(outputs, create_graph), out_tuple), _unpack(_finish(result, create_graph), out_tuple)


def jacobian(func: Callable, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode"):
    """The Jacobian of `func` at `inputs`: for one output of shape O and one input of shape I, a Tensor of shape
    O + I; for tuples, a tuple (per output) of tuples (per input). Computed row by row with autograd.grad."""
    from .. import stack, zeros_like

    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
                         'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, prefer '
                         'to use "reverse-mode".')
    if strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is "
                                  "only implemented for `vectorize=True`.")
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        result = []
        for i, out in enumerate(outputs):
            rows: list[list] = [[] for _ in inputs]
            flat = out.reshape(-1)
            for j in range(out.numel()):
                row = _grad_of((flat[j],), inputs, retain_graph=True, create_graph=create_graph)
                for k, (g, inp) in enumerate(zip(row, inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                               f"{k}. This is not allowed in strict mode.")
                        g = zeros_like(inp)
                    elif strict and create_graph and not g.requires_grad:
                        raise RuntimeError(f"The jacobian of the user-provided function is independent of input {k}. "
                                           f"This is not allowed in strict mode when create_graph=True.")
                    rows[k].append(g)
            result.append(tuple(
                (stack(r, 0) if r else zeros_like(inp).reshape((0,) + tuple(inp.shape)))
                .reshape(tuple(out.shape) + tuple(inp.shape)) for r, inp in zip(rows, inputs)))
        result = _finish(tuple(result), create_graph)
    return _unpack(result, (out_tuple, in_tuple))


def hessian(func: Callable, inputs, create_graph: bool = False, strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode"):
    """The Hessian of a scalar `func` at `inputs`: shape I + I for one input; a tuple of tuples (block (i, j) of
    shape I_i + I_j) for several. The Jacobian of the (create_graph) Jacobian."""
    if outer_jacobian_strategy == "forward-mode" and not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is "
                                  "only implemented for `vectorize=True`.")
    in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def single_output(*inp):
        _, out = _as_tuple(func(*inp), "outputs of the user-provided function", "hessian")
        if len(out) != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out[0].numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out[0].squeeze()

    def jac_func(*inp):
        jac = jacobian(single_output, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict)
    return _unpack(result, (in_tuple, in_tuple))


def _scalar_output(outputs: tuple, fn_name: str) -> None:
    if len(outputs) != 1:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single element")


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T H): the vector-Hessian product of a scalar `func` (v shaped like the input(s))."""
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            _, v = _as_tuple(v, "v", "vhp")
            v = _prepare(v, create_graph, need_graph=False)
            _validate_v(v, inputs, in_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                               "Tensor with a single element.")
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "vhp")
        _scalar_output(outputs, "vhp")
        _check_requires_grad(outputs, "outputs", strict)
        jac = _grad_of(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        grads = _grad_of(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back")
    return _unpack(_finish(outputs, create_graph), out_tuple), _unpack(_finish(result, create_graph), in_tuple)


def hvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), H v): the Hessian-vector product of a scalar `func`, by the double-backward trick (for a
    twice-differentiable func, H is symmetric and this equals vhp)."""
    from .. import zeros_like

    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
        inputs = _prepare(inputs, create_graph, need_graph=True)
        if v is not None:
            _, v = _as_tuple(v, "v", "hvp")
            v = _prepare(v, create_graph, need_graph=False)
            _validate_v(v, inputs, in_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                               "Tensor with a single element.")
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", "hvp")
        _scalar_output(outputs, "hvp")
        _check_requires_grad(outputs, "outputs", strict)
        jac = _grad_of(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        grad_jac = tuple(zeros_like(t).requires_grad_(True) for t in inputs)
        double_back = _grad_of(jac, inputs, grad_jac, create_graph=True)
        grads = _grad_of(double_back, grad_jac, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back_trick")
    return _unpack(_finish(outputs, create_graph), out_tuple), _unpack(_finish(result, create_graph), in_tuple)


__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]
