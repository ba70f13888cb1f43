"""`torch.profiler` / `torch.autograd.profiler`: every operation, backward node and `record_function` block of a
profiled step is an event with nested self times; `schedule` gives torch's actions; windows reach
`on_trace_ready`; traces are valid Chrome JSON; signatures are torch's."""

from __future__ import annotations

import inspect
import json
import warnings

import pytest

import nnstudio
from nnstudio import nn
from nnstudio.ops.linalg import Linear as LinearPrimitive
from nnstudio.profiler import ProfilerActivity, profile, record_function, schedule

torch = pytest.importorskip("torch")


def mlp():
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))


def test_a_profiled_step_has_its_operations_nested_in_the_block():
    m, x = mlp(), nnstudio.randn(4, 8)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            loss = m(x).sum()
        loss.backward()
    assert not hasattr(LinearPrimitive.forward, "__wrapped__")  # the primitives have their own methods back
    m.zero_grad()
    plain = m(x).sum()
    plain.backward()
    assert loss.item() == plain.item()  # profiling changes no number
    counts = {e.key: e.count for e in prof.key_averages()}
    assert counts["Linear"] == 2 and counts["LinearBackward"] == 2 and counts["model_inference"] == 1
    block = next(e for e in prof.events() if e.name == "model_inference")
    assert sorted(c.name for c in block.cpu_children) == ["Linear", "Linear", "Relu", "Sum"]
    assert block.self_cpu_time_total == pytest.approx(
        block.cpu_time_total - sum(c.cpu_time_total for c in block.cpu_children))
    assert 0 <= block.self_cpu_time_total <= block.cpu_time_total
    linear = next(e for e in prof.events() if e.name == "Linear")
    assert linear.input_shapes == [[4, 8], [16, 8], [16]]
    table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=3)
    assert "Self CPU time total:" in table and table.count("\n") >= 7
    top3 = sorted(prof.key_averages(), key=lambda e: e.cpu_time_total, reverse=True)[:3]
    assert [line.split()[0] for line in table.splitlines()[3:6]] == [e.key for e in top3]


def test_nothing_is_recorded_outside_a_profile_and_record_function_decorates():
    @record_function("helper")
    def helper(t):
        return t * 2

    helper(nnstudio.ones(2))  # no profiler: a no-op
    with profile() as prof:
        helper(nnstudio.ones(2))
    assert [e.name for e in prof.events()] == ["helper", "Mul"]
    with nnstudio.autograd.profiler.profile(enabled=False) as off:
        helper(nnstudio.ones(2))
    with pytest.raises(RuntimeError, match="didn't finish"):
        off.key_averages()


@pytest.mark.parametrize("kw", [dict(wait=1, warmup=1, active=2), dict(wait=1, warmup=1, active=2, repeat=1),
                                dict(wait=0, warmup=2, active=1, repeat=2, skip_first=3),
                                dict(wait=2, warmup=1, active=1, skip_first_wait=1)])
def test_schedule_gives_torchs_actions(kw):
    ours, theirs = schedule(**kw), torch.profiler.schedule(**kw)
    assert [ours(i).name for i in range(14)] == [theirs(i).name for i in range(14)]


def test_each_saved_window_reaches_on_trace_ready(tmp_path):
    windows = []
    m, x = mlp(), nnstudio.randn(4, 8)
    with profile(schedule=schedule(wait=1, warmup=1, active=2, repeat=2),
                 on_trace_ready=lambda p: windows.append((p.step_num, [e.name for e in p.events()]))) as prof:
        for _ in range(10):
            m(x)
            prof.step()
    assert [w[0] for w in windows] == [3, 7]  # the last active step of each cycle saves
    assert all(names.count("Linear") == 4 for _, names in windows)  # 2 recorded steps x 2 Linear layers
    with profile(on_trace_ready=nnstudio.profiler.tensorboard_trace_handler(str(tmp_path))):
        m(x)
    (trace,) = tmp_path.glob("*.pt.trace.json")
    events = json.loads(trace.read_text())["traceEvents"]
    assert {e["name"] for e in events} == {"Linear", "Relu"} and all(e["ph"] == "X" and e["dur"] >= 0
                                                                     for e in events)


def test_autograd_profiler_spelling():
    m, x = mlp(), nnstudio.randn(4, 8)
    with nnstudio.autograd.profiler.profile(record_shapes=True) as prof:
        m(x).sum().backward()
    assert prof.total_average().count == len(prof.function_events) > 0
    assert "LinearBackward" in str(prof) and prof.self_cpu_time_total > 0


@pytest.mark.parametrize("ours,theirs", [
    (profile.__init__, torch.profiler.profile.__init__), (schedule, torch.profiler.schedule),
    (record_function.__init__, torch.profiler.record_function.__init__),
    (nnstudio.profiler.tensorboard_trace_handler, torch.profiler.tensorboard_trace_handler),
    (profile.key_averages, torch.profiler.profile.key_averages),
    (nnstudio.profiler.EventList.table, torch.autograd.profiler_util.EventList.table),
])
def test_signatures_are_torchs(ours, theirs):
    assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters)


def test_autograd_profile_signature_and_warmup_warning():
    ours = inspect.signature(nnstudio.autograd.profiler.profile.__init__).parameters
    assert list(ours) == list(inspect.signature(torch.autograd.profiler.profile.__init__).parameters)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        schedule(wait=1, warmup=0, active=1)
    assert any("warmup" in str(w.message) for w in seen)
