"""`trace`: any ``nn.Module`` with a ``forward`` -> a design, by running forward on stand-in tensors.

``forward`` runs once on `Proxy` inputs (see ``trace_proxy``). Calls to layers the registry has become blocks named
after their submodule path (``encoder.layers.0`` -> ``encoder_layers_0``) with the module's weights kept beside the
design (``weights``); the functions and tensor methods of ``trace_ops`` become their blocks (``F.relu`` -> ReLU,
``+`` -> Add, ``x.view(x.size(0), -1)`` -> Flatten, ``out[:, -1]`` -> Select ...). A module the user wrote (a
residual block) and the containers (Sequential, TransformerEncoder) are *inlined*: their own calls are recorded,
so every block of the design stays a registry block that the builder can edit and export.

What cannot become a fixed design (a tensor's values in an ``if``, ``len(x)``, iterating over a tensor, an
operation without a block) raises one `TraceError` naming the operation, the line of forward and what to do; the
result is built and compared with the module on random input before it is returned, so a design that does not
compute what the module computes is never returned either.

Only the thread that traces sees the stand-ins: the patches (``Module.__call__``, the functions of ``nnstudio`` and
``nnstudio.nn.functional``, the Tensor operators) pass every call without a stand-in straight through, and they
are in place only while a trace runs.
"""

from __future__ import annotations

import inspect
import linecache
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any

from .errors import GraphError
from .names import fresh_name, name_problem
from .registry import REGISTRY
from .spec import CALL_ATTENTION, CALL_FIRST, LAYER, OUTPUT
from .trace_ops import ALTERNATIVES, FUNCTIONS, METHODS
from .trace_patch import patched
from .trace_proxy import BatchSize, HiddenState, Opaque, Proxy, TraceError, ZeroState

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../nnstudio
_HERE = os.path.dirname(os.path.abspath(__file__))
_LOCK = threading.RLock()  # one trace at a time (the patches are process-wide)

#: library modules traced through (their forward calls registry layers), not refused as unknown layers
INLINE = frozenset({"Sequential", "TransformerEncoder", "TransformerDecoder", "Transformer"})


class Tracer:
    """One trace of ``root.forward`` into a `ModelGraph` (see the module docstring)."""

    def __init__(self, root: Any, graph: Any) -> None:
        self.root = root
        self.graph = graph
        self.paths = {id(m): p for p, m in root.named_modules()}
        self.params = {id(p): n for n, p in root.named_parameters()}
        self.buffers = {id(b): n for n, b in root.named_buffers()}
        self.param_nodes: dict[int, Proxy] = {}
        self.called: set[str] = set()
        self.states: dict[str, dict] = {}
        self.taken = {self._clean(p) for p in [*self.paths.values(), *self.params.values()] if p}
        self.batch = BatchSize(self)
        self.auto_dtype = False  # set by trace when the Inputs' dtype was not given

    # ---- messages -------------------------------------------------------------------------------------------------
    def where(self) -> str:
        """The innermost line of user code on the stack (outside nnstudio), else the innermost outside the tracer."""
        frame = sys._getframe(1)
        fallback = None
        while frame is not None:
            path = os.path.abspath(frame.f_code.co_filename)
            if not path.startswith(_PACKAGE + os.sep):
                break
            if fallback is None and os.path.dirname(path) != _HERE:
                fallback = frame
            frame = frame.f_back
        frame = frame or fallback
        if frame is None:
            return "an unknown line"
        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
        return f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}: {line}"

    def refusal(self, op: str, why: str, fix: str) -> TraceError:
        """One error: the operation, why it cannot be a block, the line of forward, what to do."""
        return TraceError(f"cannot make a design of {type(self.root).__name__}: {op} — {why}.\n"
                          f"  at {self.where()}\n  what to do: {fix}")

    def known_hint(self, name: str = "") -> str:
        """What to do instead of ``name`` (a function or method without a block)."""
        better = f"use {ALTERNATIVES[name]}; or " if name in ALTERNATIVES else ""
        return (f"{better}write it with layers the builder has (Linear, Conv2d, ReLU ... or F.relu, +, *, torch.cat, "
                f"flatten/view/reshape, permute, mean, x[:, -1]), or keep this step outside the model")

    # ---- recording ------------------------------------------------------------------------------------------------
    @staticmethod
    def _clean(path: str) -> str:
        return path.replace(".", "_")

    def spec(self, layer_type: str) -> Any:
        return REGISTRY[layer_type]

    def _name(self, prefix: str, path: str | None = None) -> str:
        """The submodule path as a name (``layer1.0.conv1`` -> ``layer1_0_conv1``; a path that starts with a digit,
        in a Sequential, gets the type's prefix: ``2`` -> ``fc2``), else ``prefix`` and a number."""
        if path:
            name = self._clean(path)
            if name[:1].isdigit():
                name = f"{prefix or 'layer'}{name}"
            if not name_problem(name) and name not in self.graph.nodes:
                return name
        taken = self.taken | set(self.graph.nodes)
        return fresh_name(prefix, taken)

    def tensor(self, value: Any, what: str) -> Proxy:
        """``value`` as a traced tensor: a Proxy, or a parameter of the model (which becomes a Parameter block)."""
        if isinstance(value, Proxy):
            return value
        if id(value) in self.params:
            return self.parameter(value, what)
        if isinstance(value, Opaque):
            return value._use("using")
        if id(value) in self.buffers:
            raise self.refusal(f"{what} on the buffer self.{self.buffers[id(value)]}",
                               "a fixed tensor of the module (a buffer) has no block",
                               "make it an nn.Parameter shaped (1, ...) if it may be learned, or compute it with "
                               "layers")
        kind = type(value).__name__
        raise self.refusal(f"{what} on a {kind} that is not a traced tensor",
                           "a constant tensor or number made in forward has no block",
                           "make it a layer, or an nn.Parameter of the module (a learned tensor becomes a "
                           "Parameter block)" if "Tensor" in kind else self.known_hint())

    def add(self, layer_type: str, cfg: dict[str, Any], inputs: list[Proxy], what: str,
            name: str | None = None) -> Proxy:
        """Record one block fed by ``inputs``; its shape comes from the registry's shape rule."""
        spec = REGISTRY[layer_type]
        name = name or self._name(spec.prefix)
        try:
            self.graph.add(layer_type, name=name, inputs=[p.node for p in inputs], **cfg)
        except GraphError as exc:
            raise self.refusal(what, str(exc), "change the call so that the block's settings are valid") from None
        report = self.graph.infer_shapes()
        if name not in report.shapes:
            problem = report.errors.get(name, f"{name} gets no shape")
            self.graph.remove(name)
            raise self.refusal(what, problem, "fix the shapes or settings named above")
        return Proxy(self, name, report.shapes[name], "long" if report.dtypes[name] == "int64" else "float")

    def parameter(self, param: Any, what: str) -> Proxy:
        """A parameter of the model used in forward: a Parameter block (one per parameter)."""
        key = id(param)
        if key in self.param_nodes:
            return self.param_nodes[key]
        path = self.params[key]
        shape = tuple(param.shape)
        if len(shape) < 2 or shape[0] != 1:
            raise self.refusal(f"the parameter self.{path} {shape} in {what}",
                               "a Parameter block is a learned tensor shaped like one sample with a leading "
                               "batch dimension of 1 (1, ...), so that it adds to every sample",
                               f"store it as shape (1, {', '.join(map(str, shape)) or '...'}) and use it as is")
        proxy = self.add("Parameter", {"shape": shape}, [], what, name=self._name("param", path))
        from .weights import _numpy

        self.states[proxy.node] = {"": _numpy(param)}
        self.param_nodes[key] = proxy
        return proxy

    def binary(self, symbol: str, a: Any, b: Any) -> Proxy:
        """``a + b`` / ``a * b`` with at least one traced tensor: an Add / Multiply block (a Scale block for ``*`` or
        ``/`` by a number)."""
        layer_type = "Add" if symbol == "+" else "Multiply"
        what = f"the operator {symbol}"
        if symbol in ("*", "/") and any(_number(v) for v in (a, b)):
            return self._scale(symbol, a, b, what)
        if symbol == "/":
            raise self.refusal(f"{what} between tensors", "there is a Scale block for dividing by a number, but no "
                               "block divides by a tensor", "divide by a fixed number, or use a layer")
        for v in (a, b):
            if isinstance(v, int | float | bool):
                raise self.refusal(f"{what} with the number {v!r}",
                                   f"the {layer_type} block joins two tensors; a constant has no block",
                                   "leave the constant out, or learn it (an nn.Parameter of shape (1, ...))")
        xs = [self.tensor(a, what), self.tensor(b, what)]
        if xs[0] is xs[1]:
            raise self.refusal(f"{what} of a tensor with itself", "a block cannot read one wire twice",
                               "write it as a layer (x * 2 is a fixed scaling), or branch first")
        return self.add(layer_type, {}, xs, what)

    def _scale(self, symbol: str, a: Any, b: Any, what: str) -> Proxy:
        """``x * 2.0``, ``2.0 * x``, ``x / 4``: a Scale block."""
        x, factor = (b, a) if _number(a) else (a, b)
        if symbol == "/" and x is b:
            raise self.refusal(f"{what}: a number divided by a tensor", "the Scale block multiplies by a number",
                               "write x * (1 / c) for x / c; there is no block for c / x")
        factor = float(factor)
        if symbol == "/":
            if factor == 0:
                raise self.refusal(f"{what} by zero", "it gives infinities", "divide by another number")
            factor = 1.0 / factor
        return self.add("Scale", {"factor": factor}, [self.tensor(x, what)], what)

    def method(self, x: Proxy, name: str) -> Any:
        """``x.relu``, ``x.view`` ...: a bound recorder, or None when the tensor method has no block."""
        if name.endswith("_") and not name.startswith("_"):
            self._in_place(f"x.{name}()", name)
        fn = METHODS.get(name)
        if fn is None:
            return None
        return lambda *args, **kwargs: fn(self, f"x.{name}()", (x, *args), kwargs)

    def _in_place(self, what: str, name: str) -> None:
        plain = name.rstrip("_")
        raise self.refusal(f"the in-place {what}", "a block makes a new tensor; changing one in place has no block",
                           f"write the result to a name: out = out.{plain}(...) or out = torch.{plain}(out, ...) "
                           f"(for add_: out = out + other)")

    def _ids_input(self, x: Proxy) -> None:
        """An Embedding reads an Input straight away: when its dtype was not given, the Input holds int64 ids."""
        node = self.graph.nodes[x.node]
        if node.type == "Input" and x.kind == "float" and self.auto_dtype and not self.graph.consumers(x.node):
            self.graph.update(x.node, dtype="int64")
            x.kind = "long"

    # ---- calls ----------------------------------------------------------------------------------------------------
    def call_function(self, label: str, name: str, args: tuple, kwargs: dict) -> Any:
        if name.endswith("_"):
            self._in_place(f"{label}.{name}()", name)
        fn = FUNCTIONS.get(name)
        if name in ("zeros", "zeros_like") and any(isinstance(a, BatchSize) for a in _flat(args)):
            return ZeroState(self, "a zero initial state torch.zeros(..., x.size(0), ...)",
                              "leave the state out: a recurrent block starts from zeros anyway")
        if fn is None:
            raise self.refusal(f"{label}.{name}()", "the builder has no block for this function",
                               self.known_hint(name))
        return fn(self, f"{label}.{name}()", args, kwargs)

    def call_module(self, module: Any, args: tuple, kwargs: dict) -> Any:
        kind = type(module).__name__
        path = self.paths.get(id(module))
        shown = f"self.{path}" if path else f"a {kind} made in forward"
        library = type(module).__module__.startswith(("nnstudio.nn", "torch.nn"))
        spec = REGISTRY.get(kind)
        if library and spec is not None and spec.role == LAYER:
            return self._leaf(module, spec, path, shown, args, kwargs)
        if library and kind not in INLINE:
            raise self.refusal(f"{shown} ({kind})", f"the builder has no {kind} block",
                               f"use a layer it has ({', '.join(n for n, s in REGISTRY.items() if s.role == LAYER)})")
        return module.forward(*args, **kwargs)

    def _leaf(self, module: Any, spec: Any, path: str | None, shown: str, args: tuple, kwargs: dict) -> Any:
        what = f"{shown}(...)"
        stateless = not any(True for _ in module.parameters()) and not any(True for _ in module.buffers())
        name_path = path
        if path is not None and path in self.called:
            if not stateless:
                raise self.refusal(f"calling {shown} a second time", "a block has one set of inputs and its own "
                                   "weights, so a design cannot share them", "make a second layer for the second use")
            name_path = next(f"{path}_{k}" for k in range(2, 1 << 20) if self._clean(f"{path}_{k}") not in
                             self.graph.nodes)  # a layer without weights may be used again: one block per use
        if path is None and any(True for _ in module.parameters()):
            raise self.refusal(what, "a layer made inside forward gets new weights at every call",
                               "make it in __init__ (self.layer = ...) and call it in forward")
        for k, v in kwargs.items():
            if v is None or v is False or k in ("need_weights", "average_attn_weights"):
                continue
            raise self.refusal(f"{shown}(..., {k}=...)", "the block takes no such argument (masks and states "
                               "are not part of a design)", f"leave {k} out")
        from .convert import _read_config

        try:
            _, cfg = _read_config(module, path or type(module).__name__)
        except GraphError as exc:
            raise self.refusal(what, str(exc), "change the layer's settings as said") from None
        tensors = [a for a in args if a is not None]
        if spec.call == CALL_FIRST:
            if any(not (e is None or isinstance(e, ZeroState)) for e in _flat(args[1:])):
                raise self.refusal(f"{shown}(x, state)", "a recurrent block starts from a zero state; a given "
                                   "initial state is not part of a design", "call it as self.rnn(x)")
            tensors = tensors[:1]
        elif spec.call == CALL_ATTENTION:
            q, k, v = [*tensors, None, None][:3]
            k = q if k is None else k
            v = k if v is None else v
            if v is k and k is q:
                tensors = [q]
            elif v is k:
                tensors = [q, k]
            elif k is q:
                raise self.refusal(what, "query and key are one tensor but the value is another",
                                   "pass (query, key, value) with key and value alike, or all three alike")
            else:
                tensors = [q, k, v]
        xs = [self.tensor(a, what) for a in tensors]
        if spec.type == "Embedding":
            self._ids_input(xs[0])
        out = self.add(spec.type, cfg, xs, what, name=self._name(spec.prefix, name_path))
        if path is not None:
            self.called.add(path)
        from .weights import state_of

        self.states[out.node] = state_of(module)
        if spec.call == CALL_FIRST:
            hidden = HiddenState(self, out, cfg["num_layers"], cfg["bidirectional"])
            cell = Opaque(self, "the final cell state c_n", "use the output instead: out[:, -1] is the last step")
            state = Opaque(self, "the LSTM state (h_n, c_n)", "unpack it: out, (h, c) = self.lstm(x)",
                           items=(hidden, cell)) if spec.type == "LSTM" else hidden
            return out, state
        if spec.call == CALL_ATTENTION:
            return out, Opaque(self, "the attention weights", "call it with need_weights=False and keep [0]")
        return out

def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _flat(args: tuple) -> list:
    out = []
    for a in args:
        out.extend(a if isinstance(a, list | tuple) else [a])
    return out


def _input_names(module: Any, count: int, taken: set[str]) -> list[str]:
    try:
        params = [p for p in inspect.signature(module.forward).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = []
    for i in range(count):
        name = params[i].name if i < len(params) else f"x{i}"
        if name in taken:  # a submodule has this name: the block keeps it, the Input gets another
            name = f"{name}_in"
        if name_problem(name) or name in names or name in taken:
            name = f"x{i}"
        names.append(name)
    return names


def _dead_ends(graph: Any) -> None:
    """Remove blocks whose output reaches no Output (computed in forward, then unused)."""
    while True:
        used = {s for node in graph.nodes.values() for s in node.inputs}
        dead = [n for n, node in graph.nodes.items() if n not in used and REGISTRY[node.type].role != OUTPUT
                and node.type != "Input"]
        if not dead:
            return
        for n in dead:
            graph.remove(n)


def trace(module: Any, input_shape: Sequence[int] | Sequence[Sequence[int]], *, dtype: str | None = None,
          auto: bool = True, graph_class: type) -> Any:
    """The design of ``module.forward`` for inputs of one sample's ``input_shape`` (a list of shapes for several
    inputs), with the module's weights kept for ``build()``. Raises `TraceError` (see the module docstring)."""
    shapes = [tuple(input_shape)] if not input_shape or isinstance(input_shape[0], int) else \
        [tuple(s) for s in input_shape]
    if not callable(getattr(module, "forward", None)) or type(module).forward is _base_forward():
        raise GraphError(f"a {type(module).__name__} has no forward to trace: from_module reads an nn.Module with "
                         f"a forward, an nn.Sequential, or a module made by ModelGraph.build()")
    if any(c.__module__.split(".")[0] == "torch" for c in type(module).__mro__):
        raise GraphError(f"{type(module).__name__} is a torch.nn module: from_module traces nnstudio modules (and "
                         f"reads torch's nn.Sequential). Write the class with `import nnstudio as torch` (the same "
                         f"code runs), or pass an nn.Sequential")
    auto_dtype = dtype is None
    dtype = dtype or "float32"
    with _LOCK:
        graph = graph_class()
        tracer = Tracer(module, graph)
        tracer.auto_dtype = auto_dtype
        inputs = []
        for name, shape in zip(_input_names(module, len(shapes), tracer.taken), shapes):
            graph.input(name, shape, dtype=dtype)
            inputs.append(Proxy(tracer, name, shape, "long" if dtype == "int64" else "float"))
        with patched(tracer):
            result = module.forward(*inputs)
        outs = list(result) if isinstance(result, tuple | list) else [result]
        if not outs or not all(isinstance(o, Proxy) for o in outs):
            kinds = ", ".join("a tensor" if isinstance(o, Proxy) else o._what if isinstance(o, Opaque) else
                              f"a {type(o).__name__}" for o in outs) or "nothing"
            raise TraceError(f"cannot make a design of {type(module).__name__}: forward returns {kinds}; a design "
                             f"returns the tensors its blocks compute (one, or a tuple of them).\n  what to do: "
                             f"return only those (leave recurrent states, attention weights and other values out)")
        for i, o in enumerate(outs):
            graph.output(o.node, name="out" if i == 0 and "out" not in graph.nodes else
                         fresh_name("out", graph.nodes))
        _dead_ends(graph)
        report = graph.infer_shapes()
        if not report.ok:
            raise TraceError(f"cannot make a design of {type(module).__name__}: " + "; ".join(report.problems()))
        if auto:
            from .convert import _make_auto

            _make_auto(graph)
        from .weights import attach

        for name, state in tracer.states.items():
            if name in graph.nodes:
                attach(graph, name, state)
    _check_outputs(module, graph)
    graph.clear_history()
    return graph


def _base_forward() -> Any:
    from nnstudio import nn

    return nn.Module.forward


def _check_outputs(module: Any, graph: Any) -> None:
    """Build the design with its weights and compare with the module on random input (eval mode)."""
    import numpy as np

    import nnstudio
    from nnstudio import _random

    saved = _random._generator
    _random.manual_seed(0)
    try:
        built = graph.build()
    finally:
        _random._generator = saved
    xs = graph.example_inputs(batch_size=2, seed=0)
    device = next((p.device for p in module.parameters()), None)  # the module may sit on a GPU
    modes = [(m, m.training) for m in module.modules()]
    module.eval()
    built.eval()
    try:
        with nnstudio.no_grad():
            want = module(*(x.to(device) for x in xs) if device is not None else xs)
            got = built(*xs)
    finally:
        for m, mode in modes:  # each submodule's own mode back (a frozen BatchNorm stays in eval)
            m.training = mode
    want = want if isinstance(want, tuple | list) else (want,)
    got = got if isinstance(got, tuple | list) else (got,)
    for w, g in zip(want, got):
        w, g = w.detach().cpu().numpy(), g.detach().numpy()
        if w.shape != g.shape or not np.allclose(w, g, rtol=1e-4, atol=1e-5):
            diff = "shapes differ" if w.shape != g.shape else f"largest difference {float(np.max(np.abs(w - g))):.3g}"
            raise TraceError(f"cannot make a design of {type(module).__name__}: the traced design does not compute "
                             f"what forward computes on random input ({diff}); forward uses something the tracer "
                             f"cannot see (a global, a function imported by name, F.dropout without "
                             f"training=self.training ...).\n  what to do: call layers and torch / F functions "
                             f"through their modules (F.relu, torch.cat) in forward")
