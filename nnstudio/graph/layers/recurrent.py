"""Recurrent layers: RNN, LSTM, GRU (always batch_first: the batch is dimension 0 everywhere in a graph)."""

from __future__ import annotations

from typing import Any

from ..fields import auto_int, bool_field, choice_field, float_field, int_field
from ..shapes import check_auto, fmt
from ..spec import CALL_FIRST, Ctx, LayerSpec, Shape

RECURRENT = "Recurrent"
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def _rule(ctx: Ctx) -> Shape:
    x = ctx.x
    if len(x) != 2:
        hint = "; put an Unflatten before it to make (L, 1)" if len(x) == 1 else ""
        ctx.fail(f"{ctx.type} needs a sequence shaped (L, input_size), but {ctx.src()} gives {fmt(x)}{hint}")
    check_auto(ctx, "input_size", x[1], "features per step")
    c = ctx.cfg
    return (x[0], c["hidden_size"] * (2 if c["bidirectional"] else 1))


def _params(kind: str):
    g = GATES[kind]

    def count(c: dict[str, Any]) -> int:
        h, dirs = c["hidden_size"], 2 if c["bidirectional"] else 1
        total = 0
        for layer in range(c["num_layers"]):
            fan_in = c["input_size"] if layer == 0 else h * dirs
            per_dir = g * h * fan_in + g * h * h + (2 * g * h if c["bias"] else 0)
            total += per_dir * dirs
        return total

    return count


def _from_module(m: Any) -> dict[str, Any]:
    if not getattr(m, "batch_first", False):
        raise ValueError(f"{type(m).__name__}(batch_first=False) reads (L, N, features); the builder keeps the batch "
                         f"first: make it with batch_first=True")
    if getattr(m, "proj_size", 0):
        raise ValueError(f"{type(m).__name__}(proj_size={m.proj_size}) is not supported by the builder")
    out = {"input_size": m.input_size, "hidden_size": m.hidden_size, "num_layers": m.num_layers,
           "bias": bool(m.bias), "dropout": float(m.dropout), "bidirectional": bool(m.bidirectional)}
    if type(m).__name__ == "RNN":
        out["nonlinearity"] = m.nonlinearity
    return out


def _spec(kind: str, help: str) -> LayerSpec:
    fields = [auto_int("input_size", "features per time step (auto: the input's last dimension)"),
              int_field("hidden_size", 32, "size of the hidden state", positional=True),
              int_field("num_layers", 1, "stacked recurrent layers", max=64)]
    if kind == "RNN":
        fields.append(choice_field("nonlinearity", "tanh", ("tanh", "relu"), "the activation of the hidden state"))
    fields += [bool_field("bias", True, "learn biases"),
               float_field("dropout", 0.0, "dropout between stacked layers (0 to 1)", min=0.0, max=1.0),
               bool_field("bidirectional", False, "also read the sequence backwards (doubles the output)")]
    return LayerSpec(kind, RECURRENT, help, "(L, input_size) → (L, D·hidden_size), D = 2 if bidirectional else 1",
                     tuple(fields), rule=_rule, params=_params(kind), call=CALL_FIRST, fixed={"batch_first": True},
                     prefix=kind.lower(), from_module=_from_module)


SPECS = [
    _spec("RNN", "Reads a sequence step by step, carrying a hidden state: h_t = tanh(W·x_t + U·h_(t−1) + b)."),
    _spec("LSTM", "A recurrent layer with a memory cell and gates that decide what to keep, forget and output."),
    _spec("GRU", "A recurrent layer with update and reset gates: an LSTM with fewer parameters."),
]
