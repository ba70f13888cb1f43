"""Module backward hooks: `register_full_backward_hook` / `register_full_backward_pre_hook`, as torch.

A call of a hooked module routes its tensor inputs, and then its tensor outputs, through a `_Pack` node (all the
tensors raveled into one array) followed by one `_Unpack` slice per tensor. The engine reaches a `_Pack` node
only after every use of every slice, so its backward sees the complete gradients of all the tensors at once:
  - the outputs' `_Pack`: grad_output is known; `pre_hook(module, grad_output)` may replace it;
  - the inputs' `_Pack`: grad_input is known; `hook(module, grad_input, grad_output)` may replace it.
When no input requires grad, the hooks get grad_input of Nones at the outputs' `_Pack`, as torch's.
grad_input has one entry per positional argument (None for a non-tensor), grad_output one per output tensor
(None for an output no gradient reached).
"""

from __future__ import annotations

import warnings

from ..autograd import Function, apply
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor


class _CallState:
    """What the two `_Pack` nodes of one module call share."""

    def __init__(self, module, n_args: int) -> None:
        self.module, self.n_args = module, n_args
        self.input_index: list = []  # argument positions of the packed input tensors
        self.other_inputs: dict = {}  # position -> zeros, for the integer tensor arguments (as torch)
        self.grad_output: tuple | None = None
        self.reached: set = set()  # (role, slot) of each `_Unpack` a gradient reached


def _name(fn) -> str:
    return getattr(fn, "__name__", None) or repr(fn)


def _checked(results, grads: list, what: str, hook) -> list:
    """The hook's replacement for `grads` (a tuple/list with one tensor or None per entry)."""
    if isinstance(results, Tensor):
        results = (results,)
    if not isinstance(results, (tuple, list)) or len(results) != len(grads):
        got = len(results) if isinstance(results, (tuple, list)) else type(results).__name__
        kind = "pre hook" if what == "grad_output" else "hook"
        raise RuntimeError(f"Backward {kind} {_name(hook)!r} returned an invalid number of {what}, got {got}, "
                           f"but expected {len(grads)}")
    out = []
    for new, old in zip(results, grads):
        if new is None:
            out.append(None)
            continue
        if not isinstance(new, Tensor):
            raise TypeError(f"backward hook {_name(hook)!r} returned {type(new).__name__} in its {what}; "
                            f"expected a Tensor or None")
        if old is not None and tuple(new.shape) != tuple(old.shape):
            raise RuntimeError(f"hook {_name(hook)!r} has changed the size of value: {what} entry of shape "
                               f"{list(old.shape)} replaced by {list(new.shape)}")
        out.append(new)
    return out


class _Pack(Function):
    """The tensors raveled into one array (forward); their complete gradients, through the hooks (backward).
    Under create_graph `grad` is a Tensor: the hooks then see (and may return) gradients with history."""

    tensor_saves: dict = {}

    def forward(self, *arrays, state: _CallState, role: str):
        from .._backend import xp_of

        xp = xp_of(arrays[0])
        self.state, self.role = state, role
        self.shapes = [a.shape for a in arrays]
        self.sizes = [a.size for a in arrays]
        dtype = xp.result_type(*arrays)
        return xp.concatenate([xp.ravel(a).astype(dtype, copy=False) for a in arrays])

    def backward(self, grad):
        state, pieces, start = self.state, [], 0
        graph = isinstance(grad, Tensor)
        for slot, (shape, size) in enumerate(zip(self.shapes, self.sizes)):
            piece = grad[start:start + size].reshape(shape)
            # as torch: an input no gradient reached gets zeros, an output None
            reached = self.role == "input" or (self.role, slot) in state.reached
            pieces.append((piece if graph else Tensor._wrap(piece, None)) if reached else None)
            start += size
        module = state.module
        if self.role == "output":
            for hook in tuple(module.__dict__.get("_backward_pre_hooks", {}).values()):
                res = hook(module, tuple(pieces))
                if res is not None:
                    pieces = _checked(res, pieces, "grad_output", hook)
            state.grad_output = tuple(pieces)
            if not state.input_index:  # no input requires grad: the hooks fire here, with grad_input of Nones
                hooks = tuple(module.__dict__.get("_backward_hooks", {}).values())
                if hooks:
                    warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                                  "outputs since no inputs require gradients. See https://docs.pytorch.org/docs/main/"
                                  "generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for "
                                  "more details.", stacklevel=2)
                for hook in hooks:
                    hook(module, (None,) * state.n_args, state.grad_output)
        else:
            grad_input = [None] * state.n_args
            for pos, zeros in state.other_inputs.items():
                grad_input[pos] = Tensor._wrap(zeros, None)
            for pos, piece in zip(state.input_index, pieces):
                grad_input[pos] = piece
            for hook in tuple(module.__dict__.get("_backward_hooks", {}).values()):
                res = hook(module, tuple(grad_input), state.grad_output)
                if res is not None:
                    grad_input = _checked(res, grad_input, "grad_input", hook)
            pieces = [grad_input[pos] for pos in state.input_index]
        return tuple(None if p is None else p if graph else p._data for p in pieces)


class _Unpack(Function):
    """One tensor's slice of a `_Pack` array, in its own shape and dtype."""

    tensor_saves: dict = {}

    def forward(self, flat, *, start: int, shape: tuple, dtype, state: _CallState, key: tuple):
        self.size, self.start, self.state, self.key = flat.size, start, state, key
        stop = start + int(_prod(shape))
        return flat[start:stop].reshape(shape).astype(dtype, copy=False)

    def backward(self, grad):
        from .._backend import xp_of

        self.state.reached.add(self.key)
        if isinstance(grad, Tensor):  # create_graph: the same write into zeros, recorded
            from ..ops._ns import TENSOR

            return (TENSOR.index_add_zeros((self.size,), slice(self.start, self.start + grad.numel()),
                                           grad.reshape(-1), False),)
        full = xp_of(grad).zeros(self.size, dtype=grad.dtype)
        full[self.start:self.start + grad.size] = grad.ravel()
        return (full,)


def _prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _route(tensors: list, state: _CallState, role: str) -> list:
    packed = apply(_Pack, *tensors, state=state, role=role)
    out, start = [], 0
    for slot, t in enumerate(tensors):
        out.append(apply(_Unpack, packed, start=start, shape=t._data.shape, dtype=t._data.dtype, state=state,
                         key=(role, slot)))
        start += t._data.size
    return out


def _is_float(t) -> bool:
    return isinstance(t, Tensor) and t._data.dtype.kind in "fc"


def wrap_inputs(module, args: tuple) -> tuple[tuple, _CallState | None]:
    """`args` with the floating tensors routed through the inputs' `_Pack` (when one requires grad)."""
    if not is_grad_enabled():
        return args, None
    state = _CallState(module, len(args))
    index = [i for i, a in enumerate(args) if _is_float(a)]
    if any(args[i].requires_grad for i in index):
        state.input_index = index
        from .._backend import xp_of

        state.other_inputs = {i: xp_of(a._data).zeros(a._data.shape, dtype=a._data.dtype) for i, a in
                              enumerate(args) if isinstance(a, Tensor) and i not in index}
        routed = _route([args[i] for i in index], state, "input")
        args = list(args)
        for i, r in zip(index, routed):
            args[i] = r
        args = tuple(args)
    return args, state


def wrap_outputs(state: _CallState | None, out):
    """`out` (a tensor, or a tuple/list of them) with its tensors routed through the outputs' `_Pack`."""
    if state is None:
        return out
    items = [out] if isinstance(out, Tensor) else list(out) if isinstance(out, (tuple, list)) else []
    index = [i for i, o in enumerate(items) if _is_float(o)]
    if not any(items[i].requires_grad for i in index):
        return out
    routed = _route([items[i] for i in index], state, "output")
    for i, r in zip(index, routed):
        items[i] = r
    if isinstance(out, Tensor):
        return items[0]
    return type(out)(items) if isinstance(out, tuple) and type(out) is tuple else \
        (type(out)(*items) if isinstance(out, tuple) else items)
