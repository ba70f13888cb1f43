"""The stand-ins that flow through ``forward`` while `trace` records it: `Proxy` (a tensor of the design),
`BatchSize` (``x.size(0)``, which no design fixes) and `Opaque` (a result the builder cannot wire: an LSTM's cell
state, attention weights; `HiddenState` and `ZeroState` are the uses of a recurrent state a design can read).
Every operator or method on them records a node through the tracer or refuses with a `TraceError` naming the
operation and the line of ``forward``.
"""

from __future__ import annotations

from typing import Any

from .errors import GraphError

_CONTROL = ("a tensor's values decide Python control flow here (if / while / and / or / bool()), so the layers "
            "that run depend on the data and no fixed design can hold them")
_CONTROL_FIX = ("compute every branch with blocks and combine them (Add, Multiply), or make the choice a plain "
                "Python setting of the module (self.use_skip = True) fixed before tracing")


class TraceError(GraphError):
    """A forward that cannot become a design: the message names the operation, the line of forward and what to do."""

    #: the message already says where: containers (Sequential, TransformerEncoder) must not prefix their layer's name
    _nnstudio_located = True


class BatchSize:
    """``x.size(0)`` / ``x.shape[0]``: the batch size, which a design leaves open. It may be passed on to
    ``view`` / ``reshape`` (``x.view(x.size(0), -1)``) and nothing else."""

    def __init__(self, tracer: Any) -> None:
        self._tracer = tracer

    def __repr__(self) -> str:
        return "N"

    def _refuse(self, *_: Any, **__: Any) -> Any:
        raise self._tracer.refusal(
            "arithmetic on the batch size x.size(0)",
            "the batch size is open in a design (any N works), so a number computed from it cannot be fixed",
            "pass x.size(0) straight to view/reshape (x.view(x.size(0), -1)), or use x.flatten(1)")

    def _as_number(self, *_: Any) -> Any:
        raise self._tracer.refusal(
            "using the batch size x.size(0) as a number (an index, a slice, range(), int(), an if)",
            "the batch size is open in a design (any N works), so nothing may depend on its value",
            "pass x.size(0) straight to view/reshape (x.view(x.size(0), -1)), and index the sample dimensions "
            "only (x.size(1), x.shape[1:])")

    __index__ = __int__ = __float__ = __bool__ = _as_number
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _refuse
    __floordiv__ = __rfloordiv__ = __truediv__ = __rtruediv__ = __mod__ = _refuse
    __lt__ = __le__ = __gt__ = __ge__ = _refuse

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BatchSize):  # two tensors' batch sizes (a library's check that they agree)
            return True
        raise self._tracer.refusal(f"comparing the batch size x.size(0) with {other!r}",
                                   "the batch size is open in a design, so a branch on it cannot be fixed",
                                   "leave the batch size out of if / while")

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = object.__hash__


class Opaque:
    """A traced result the design cannot wire (what it is: ``what``); using it refuses, naming it."""

    def __init__(self, tracer: Any, what: str, fix: str, items: tuple | None = None) -> None:
        self._tracer, self._what, self._fix, self._items = tracer, what, fix, items

    def __repr__(self) -> str:
        return f"<{self._what}>"

    def __iter__(self):
        if self._items is None:
            self._use("unpacking")
        return iter(self._items)

    def _use(self, how: str = "using") -> Any:
        raise self._tracer.refusal(f"{how} {self._what}", "the builder's block gives only its main output", self._fix)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._use(f".{name} on")

    def __getitem__(self, key: Any) -> Any:
        return self._use("indexing")

    def _op(self, *_: Any, **__: Any) -> Any:
        return self._use()

    __add__ = __radd__ = __mul__ = __rmul__ = __sub__ = __rsub__ = __bool__ = __len__ = __call__ = _op


def _binary(op: str):
    def method(self: Proxy, other: Any) -> Any:
        return self._tracer.binary(op, self, other)

    def reflected(self: Proxy, other: Any) -> Any:
        return self._tracer.binary(op, other, self)

    return method, reflected


def _refused(symbol: str, why: str, fix: str):
    def method(self: Proxy, *args: Any) -> Any:
        raise self._tracer.refusal(f"the operator {symbol} on a tensor", why, fix)

    return method


_NO_ARITH = ("the builder has blocks for + (Add), * (Multiply) and torch.cat (Concat) between tensors and for * or / "
             "by a number (Scale), not this operator")
_ARITH_FIX = "express it with layers (a Linear learns any scaling), or keep this computation outside the model"


class Proxy:
    """A tensor of the design being traced: node ``node`` of the tracer's graph, one sample's ``sample_shape``
    (no batch dimension) and its dtype kind ("float" or "long")."""

    __slots__ = ("_tracer", "node", "sample_shape", "kind")

    def __init__(self, tracer: Any, node: str, sample_shape: tuple[int, ...], kind: str) -> None:
        self._tracer, self.node, self.sample_shape, self.kind = tracer, node, tuple(sample_shape), kind

    def __repr__(self) -> str:
        return f"Proxy({self.node}: (N, {', '.join(map(str, self.sample_shape))}))"

    # ---- what forward may ask about a tensor ----------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return (self._tracer.batch, *self.sample_shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return self.shape
        n = len(self.sample_shape) + 1
        d = dim + n if dim < 0 else dim
        if not 0 <= d < n:
            raise self._tracer.refusal(f"x.size({dim})", f"the tensor has {n} dimensions",
                                       "use a dimension from 0 to " + str(n - 1))
        return self.shape[d]

    def dim(self) -> int:
        return len(self.sample_shape) + 1

    ndim = property(dim)

    def numel(self) -> Any:
        raise self._tracer.refusal("x.numel()", "the number of values depends on the open batch size",
                                   "use x[0].numel() for one sample's count, or x.flatten(1)")

    @property
    def dtype(self) -> Any:
        import nnstudio

        return nnstudio.int64 if self.kind == "long" else nnstudio.float32

    @property
    def device(self) -> Any:
        import nnstudio

        return nnstudio.device("cpu")

    is_cuda = False

    # ---- operators --------------------------------------------------------------------------------------------------
    __add__, __radd__ = _binary("+")
    __mul__, __rmul__ = _binary("*")
    __iadd__ = __add__
    __imul__ = __mul__
    __sub__ = __rsub__ = _refused("-", _NO_ARITH, _ARITH_FIX)
    __truediv__, __rtruediv__ = _binary("/")
    __floordiv__ = __rfloordiv__ = __mod__ = __pow__ = __rpow__ = _refused("//, % or **", _NO_ARITH, _ARITH_FIX)
    __matmul__ = __rmatmul__ = _refused("@", "a matrix product of two traced tensors has no block",
                                        "use a Linear layer (it holds the matrix as weights)")
    __neg__ = _refused("- (negation)", _NO_ARITH, _ARITH_FIX)
    __lt__ = __le__ = __gt__ = __ge__ = _refused("<, <=, > or >=", _CONTROL, _CONTROL_FIX)
    __and__ = __or__ = __xor__ = __invert__ = _refused("&, |, ^ or ~", _CONTROL, _CONTROL_FIX)

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        raise self._tracer.refusal("the operator == on a tensor", _CONTROL, _CONTROL_FIX)

    __ne__ = __eq__
    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        raise self._tracer.refusal("bool() of a tensor (an if, while, and/or on it)", _CONTROL, _CONTROL_FIX)

    def __len__(self) -> int:
        raise self._tracer.refusal("len() of a tensor", "len(x) is the batch size, which a design leaves open",
                                   "use x.size(1) / x.shape[1] for a fixed dimension of the samples")

    def __iter__(self):
        raise self._tracer.refusal("iterating over a tensor (for ... in x, or unpacking it)",
                                   "it runs over the batch, whose size a design leaves open",
                                   "index a fixed dimension instead (x[:, t] for t in range(x.size(1)))")

    def __float__(self) -> float:
        raise self._tracer.refusal("float()/int()/.item() of a tensor", _CONTROL, _CONTROL_FIX)

    __int__ = __index__ = item = tolist = numpy = __float__

    def __getitem__(self, key: Any) -> Any:
        from .trace_reshape import getitem

        return getitem(self._tracer, self, key)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # Python's protocols (copy, numpy, pickle) look these up: not a tensor method
            raise AttributeError(name)
        method = self._tracer.method(self, name)
        if method is None:
            raise self._tracer.refusal(f"x.{name}", "the builder has no block for this tensor method",
                                       self._tracer.known_hint(name))
        return method


class ZeroState(Opaque):
    """``torch.zeros(layers, x.size(0), hidden)``: a zero initial state, which is what a recurrent block starts
    from anyway; it may be passed to an RNN / LSTM / GRU block and nothing else."""

    def to(self, *_: Any, **__: Any) -> ZeroState:
        return self

    cuda = cpu = detach = float = to


class HiddenState(Opaque):
    """The final hidden state h_n of a recurrent block, (layers · directions, N, hidden): the design reads the last
    layer's entries off the output: ``h[-1]`` is ``out[:, -1]`` (one direction), and for a bidirectional block
    ``h[-2]`` (forward) is ``out[:, -1, :hidden]`` and ``h[-1]`` (backward) is ``out[:, 0, hidden:]``.
    ``h.squeeze(0)`` of a one-layer, one-direction block is ``out[:, -1]`` too."""

    def __init__(self, tracer: Any, out: Proxy, layers: int, bidirectional: bool) -> None:
        super().__init__(tracer, "the final hidden state h_n", "use the output instead: out[:, -1] is the last step")
        self._out, self._layers, self._bi = out, layers, bidirectional

    def _entry(self, index: int, what: str) -> Proxy:
        dirs = 2 if self._bi else 1
        n = self._layers * dirs
        i = index + n if index < 0 else index
        if not 0 <= i < n or i // dirs != self._layers - 1:
            raise self._tracer.refusal(what, "only the last layer's final state can be read off the block's output "
                                       "(the earlier layers' states stay inside the block)",
                                       "use h[-1] (or h[-2], h[-1] for both directions) or the output")
        t = self._tracer
        if not self._bi:
            return t.add("Select", {"dim": 1, "index": -1}, [self._out], what)
        hidden = self._out.sample_shape[-1] // 2
        if i % 2 == 0:  # forward direction: its last step, first half of the features
            step = t.add("Select", {"dim": 1, "index": -1}, [self._out], what)
            return t.add("Slice", {"dim": 1, "start": 0, "end": hidden}, [step], what)
        step = t.add("Select", {"dim": 1, "index": 0}, [self._out], what)  # backward: it ends at the first step
        return t.add("Slice", {"dim": 1, "start": hidden, "end": None}, [step], what)

    def __getitem__(self, key: Any) -> Any:
        first = key[0] if isinstance(key, tuple) and key else key
        rest = key[1:] if isinstance(key, tuple) else ()
        if isinstance(first, int) and not isinstance(first, bool) and all(k == slice(None) for k in rest):
            return self._entry(first, f"h_n[{first}]")
        return self._use("indexing")

    def squeeze(self, dim: int | None = None) -> Proxy:
        if self._layers == 1 and not self._bi and dim in (0, None):
            return self._entry(0, "h_n.squeeze(0)")
        return self._use(".squeeze on")
