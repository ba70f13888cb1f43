"""What cannot become a design is refused with one message: the operation, the line of forward (file:line and
the source line) and what to do; nothing is returned and nothing of the trace is left behind."""

from __future__ import annotations

import inspect

import pytest

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F
from nnstudio.graph import GraphError, ModelGraph
from nnstudio.graph.trace_proxy import TraceError


class Net(nn.Module):
    """A Linear(4, 4) and an LSTM(4, 4) to call, and the forward under test."""

    def __init__(self, forward):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.lstm = nn.LSTM(4, 4, batch_first=True)
        self.gru = nn.GRU(4, 4, num_layers=2, batch_first=True)
        self.register_buffer("table", nnstudio.ones(1, 4))
        self._fn = forward

    def forward(self, x):
        return self._fn(self, x)


def _if_sum(self, x):
    if x.sum() > 0:  # refused
        return self.fc(x)
    return x


def _if_compare(self, x):
    h = self.fc(x)
    if (h.mean(dim=1) > 0):  # refused
        h = F.relu(h)
    return h


def _bool(self, x):
    return self.fc(x) if bool(x) else x  # refused


def _while(self, x):
    while x:  # refused
        x = self.fc(x)
    return x


def _len(self, x):
    n = len(x)  # refused
    return self.fc(x) * n


def _iterate(self, x):
    rows = [self.fc(r) for r in x]  # refused
    return nnstudio.stack(rows)


def _unknown_function(self, x):
    return nnstudio.exp(self.fc(x))  # refused


def _unknown_method(self, x):
    return self.fc(x).cumsum(1)  # refused


def _constant(self, x):
    return self.fc(x) + 1.0  # refused


def _buffer(self, x):
    return self.fc(x) * self.table  # refused


def _slice(self, x):
    return self.fc(x)[:, ::2]  # refused


def _batch_index(self, x):
    return self.fc(x)[0]  # refused


def _view_batch(self, x):
    return self.fc(x).view(1, -1)  # refused


def _batch_arithmetic(self, x):
    return self.fc(x).view(x.size(0) * 2, -1)  # refused


def _shared(self, x):
    return self.fc(self.fc(x))  # refused


def _cell_state(self, x):
    out, (h, c) = self.lstm(x.unsqueeze(1))
    return self.fc(c[-1])  # refused


def _early_layer_state(self, x):
    _, h = self.gru(x.unsqueeze(1))
    return h[0]  # refused


def _initial_state(self, x):
    state = (nnstudio.ones(1, 2, 4), nnstudio.ones(1, 2, 4))
    out, _ = self.lstm(x.unsqueeze(1), state)  # refused
    return out[:, -1]


def _softmax_without_dim(self, x):
    return F.softmax(self.fc(x))  # refused


def _batch_branch(self, x):
    if x.size(0) == 1:  # refused
        return x
    return self.fc(x)


def _batch_range(self, x):
    return nnstudio.cat([self.fc(x)[:, i] for i in range(x.size(0))], dim=1)  # refused


def _in_place(self, x):
    out = self.fc(x)
    out.add_(x)  # refused
    return out


def _subtract(self, x):
    return self.fc(x) - x  # refused


def _divide_tensors(self, x):
    return self.fc(x) / x  # refused


def _number_over_tensor(self, x):
    return 1.0 / self.fc(x)  # refused


CASES = [
    (_if_sum, "x.sum"),
    (_if_compare, "the operator <, <=, > or >="),
    (_bool, "bool() of a tensor"),
    (_while, "bool() of a tensor"),
    (_len, "len() of a tensor"),
    (_iterate, "iterating over a tensor"),
    (_unknown_function, "torch.exp()"),
    (_unknown_method, "x.cumsum"),
    (_constant, "the operator + with the number 1.0"),
    (_buffer, "the operator * on the buffer self.table"),
    (_slice, "indexing x[:, ::2]"),
    (_batch_index, "indexing x[0]"),
    (_view_batch, "x.view()"),
    (_batch_arithmetic, "arithmetic on the batch size"),
    (_shared, "calling self.fc a second time"),
    (_cell_state, "indexing the final cell state c_n"),
    (_initial_state, "self.lstm(x, state)"),
    (_early_layer_state, "h_n[0]"),
    (_softmax_without_dim, "F.softmax() without dim"),
    (_batch_branch, "comparing the batch size"),
    (_batch_range, "using the batch size x.size(0) as a number"),
    (_in_place, "the in-place x.add_()"),
    (_subtract, "the operator -"),
    (_divide_tensors, "the operator / between tensors"),
    (_number_over_tensor, "a number divided by a tensor"),
]


def _refused(model, shape, op, fn=None):
    """The one message names ``op``, the file:line and source of the line marked ``# refused``, and a fix."""
    with pytest.raises(TraceError) as info:
        ModelGraph.from_module(model, shape)
    message = str(info.value)
    lines, start = inspect.getsourcelines(fn or type(model).forward)
    i = next(k for k, line in enumerate(lines) if "# refused" in line)
    assert op in message, message
    assert f"test_trace_refusals.py:{start + i} " in message, message
    assert lines[i].strip() in message, message
    assert "what to do: " in message and message.count("cannot make a design") == 1
    return message


@pytest.mark.parametrize("fn, op", CASES, ids=[c[0].__name__.strip("_") for c in CASES])
def test_each_refusal_names_the_operation_the_line_and_a_fix(fn, op):
    _refused(Net(fn), (4,), op, fn)
    assert nn.Module.__call__.__qualname__ == "Module.__call__"  # nothing of the trace is left behind
    assert isinstance(nnstudio.ones(2) + nnstudio.ones(2), nnstudio.Tensor)


def test_a_function_people_reach_for_gets_its_block_named():
    message = _refused(Net(_if_sum), (4,), "x.sum", _if_sum)
    assert "Mean block" in message


def test_control_flow_says_why_and_what_to_do():
    message = _refused(Net(_if_compare), (4,), "the operator", _if_compare)
    assert "control flow" in message and "Add, Multiply" in message


def test_a_layer_without_a_block_is_refused_at_its_call():
    class WithBilinear(nn.Module):
        def __init__(self):
            super().__init__()
            self.mix = nn.Bilinear(4, 4, 2)

        def forward(self, x):
            return self.mix(x, x)  # refused

    message = _refused(WithBilinear(), (4,), "self.mix (Bilinear)")
    assert "Linear" in message  # names the layers it has


def test_a_shape_error_is_the_registry_sentence_at_the_line():
    class Mismatch(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 8)
            self.b = nn.Linear(6, 2)

        def forward(self, x):
            h = self.a(x)
            return self.b(h)  # refused

    message = _refused(Mismatch(), (4,), "self.b(...)")
    assert "in_features" in message and "8" in message


def test_masks_are_refused_inside_an_inlined_container():
    class Masked(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 1)

        def forward(self, x):
            return self.enc(x, mask=nnstudio.zeros(3, 3))  # refused

    message = _refused(Masked(), (3, 4), "src_mask")
    assert "leave src_mask out" in message


def test_a_returned_recurrent_state_is_named():
    class ReturnsState(nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(2, 3, batch_first=True)

        def forward(self, x):
            out, h = self.gru(x)
            return out, h

    with pytest.raises(TraceError, match="forward returns a tensor, the final hidden state h_n"):
        ModelGraph.from_module(ReturnsState(), (5, 2))


def test_what_forward_returns_must_be_tensors():
    class ReturnsDict(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return {"logits": self.fc(x)}

    with pytest.raises(TraceError, match="forward returns a dict"):
        ModelGraph.from_module(ReturnsDict(), (4,))


def test_refusals_are_graph_errors_and_a_module_list_has_no_forward():
    assert issubclass(TraceError, GraphError)
    with pytest.raises(GraphError, match="no forward to trace"):
        ModelGraph.from_module(nn.ModuleList([nn.Linear(2, 2)]), (2,))


def test_a_torch_module_class_is_refused_with_what_to_do():
    import torch

    class TorchNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x)

    with pytest.raises(GraphError, match="import nnstudio as torch"):
        ModelGraph.from_module(TorchNet(), (2,))


def test_a_design_that_would_compute_something_else_is_refused():
    class AlwaysDropping(nn.Module):  # F.dropout without training=self.training drops in eval mode too
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return F.dropout(self.fc(x), 0.5)

    with pytest.raises(TraceError, match="does not compute what forward computes"):
        ModelGraph.from_module(AlwaysDropping(), (4,))

    class EvalAware(AlwaysDropping):
        def forward(self, x):
            return F.dropout(self.fc(x), 0.5, training=self.training)

    assert ModelGraph.from_module(EvalAware(), (4,)).infer_shapes().ok
