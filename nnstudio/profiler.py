"""`torch.profiler`: where the time of a step goes, per operation and per `record_function` block.

    from torch.profiler import profile, record_function, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        with record_function("model_inference"):
            model(x)
    print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))

While a profiler records, every primitive's forward (named after its `Function`, e.g. "Linear", "ConvNd"),
every node's backward ("LinearBackward") and every `record_function` block is one event with its wall time,
thread and (with `record_shapes`) input shapes. Self time is an event's time less that of the events it
encloses on the same thread. `key_averages()` groups them by name (and shapes), `table()` prints torch's
columns, `export_chrome_trace()` writes the Chrome / Perfetto trace format, `schedule` and `step()` pick which
steps are recorded as torch's do. CPU time only: GPU kernels are timed as their host-side launch.
When no profiler records, nothing is added to an operation: the primitives' methods are wrapped only while one does.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import socket
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "ProfilerAction", "ProfilerActivity", "kineto_available",
           "profile", "record_function", "schedule", "supported_activities", "tensorboard_trace_handler"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def supported_activities() -> set:
    return {ProfilerActivity.CPU}


def kineto_available() -> bool:
    """False: nnstudio's profiler is its own (no Kineto); the API is torch's."""
    return False


# ---------------------------------------------------------------------------------------------- the recorder
_recording: list[_Recorder] = []  # the recorders collecting now (usually none or one)
_local = threading.local()  # each thread's stack of open events


class FunctionEvent:
    """One timed range: `name`, start / end in microseconds (`time_range`), thread, input shapes, children."""

    def __init__(self, name: str, start_us: float, thread: int, input_shapes: list | None, category: str) -> None:
        self.name, self.key = name, name
        self.start_us, self.end_us = start_us, start_us
        self.thread, self.input_shapes, self.category = thread, input_shapes or [], category
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None
        self.count = 1
        self.owner = None  # (id of the primitive, part) for a primitive's event
        self.device_type = ProfilerActivity.CPU
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.device_time_total = self.self_device_time_total = self.cuda_time_total = 0.0

    @property
    def time_range(self):
        return _Interval(self.start_us, self.end_us)

    @property
    def cpu_time_total(self) -> float:
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total

    def __repr__(self) -> str:
        return (f"<FunctionEvent name={self.name} cpu_time={_fmt(self.cpu_time_total)} "
                f"self_cpu_time={_fmt(self.self_cpu_time_total)} input_shapes={self.input_shapes}>")


class _Interval:
    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end

    def elapsed_us(self) -> float:
        return self.end - self.start


class _Recorder:
    def __init__(self, record_shapes: bool) -> None:
        self.record_shapes = record_shapes
        self.events: list[FunctionEvent] = []
        self.origin = time.perf_counter_ns()


def _now_us() -> float:
    return time.perf_counter_ns() / 1e3


def _shapes(args) -> list:
    return [list(a.shape) if hasattr(a, "shape") else [] for a in args]


@contextlib.contextmanager
def _event(name: str, args=(), category: str = "cpu_op"):
    """Time the block as an event of every recorder collecting now (nothing when none is)."""
    if not _recording:
        yield None
        return
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    shapes = _shapes(args) if any(r.record_shapes for r in _recording) else None
    ev = FunctionEvent(name, _now_us(), threading.get_ident(), shapes, category)
    parent = stack[-1] if stack else None
    stack.append(ev)
    try:
        yield ev
    finally:
        ev.end_us = _now_us()
        stack.pop()
        if parent is not None:
            parent.cpu_children.append(ev)
            ev.cpu_parent = parent
        for r in _recording:
            r.events.append(ev)


_patched: dict = {}  # (class, "forward" | "backward") -> the original function, while anything records


def _timed(fn, suffix: str):
    def timed(self, *args, **kwargs):
        stack = getattr(_local, "stack", None)
        if stack and stack[-1].owner == (id(self), suffix):  # super().forward(...) of the same node
            return fn(self, *args, **kwargs)
        with _event(type(self).__name__ + suffix, args) as ev:
            if ev is not None:
                ev.owner = (id(self), suffix)
            return fn(self, *args, **kwargs)

    timed.__wrapped__ = fn
    return timed


def _primitives():
    from .autograd import Function

    todo, seen = [Function], []
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                todo.append(sub)
    return [c for c in seen if c.__module__.startswith("nnstudio.")]


def _set_hooks() -> None:
    """While a recorder collects, every nnstudio primitive's forward and backward report themselves (the
    classes are wrapped, then given back their own methods: nothing is added to an operation otherwise)."""
    if _recording and not _patched:
        for cls in _primitives():
            for name, suffix in (("forward", ""), ("backward", "Backward")):
                fn = cls.__dict__.get(name)
                if isinstance(fn, types.FunctionType):  # not a ctx-style staticmethod
                    _patched[(cls, name)] = fn
                    setattr(cls, name, _timed(fn, suffix))
    elif not _recording:
        while _patched:
            (cls, name), fn = _patched.popitem()
            setattr(cls, name, fn)


def _start(recorder: _Recorder) -> None:
    _recording.append(recorder)
    _set_hooks()


def _stop(recorder: _Recorder) -> None:
    if recorder in _recording:
        _recording.remove(recorder)
    _set_hooks()


# --------------------------------------------------------------------------------------------- the results
class FunctionEventAvg:
    """The events of one name (and input shapes) together: `count`, totals and the average per call."""

    def __init__(self, key: str, input_shapes: list) -> None:
        self.key, self.input_shapes = key, input_shapes
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.device_time_total = self.self_device_time_total = self.cuda_time_total = 0.0
        self.node_id, self.is_legacy = 0, False

    def add(self, ev) -> FunctionEventAvg:
        self.count += ev.count
        self.cpu_time_total += ev.cpu_time_total
        self.self_cpu_time_total += ev.self_cpu_time_total
        return self

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / self.count if self.count else 0.0

    @property
    def self_cpu_time(self) -> float:
        return self.self_cpu_time_total / self.count if self.count else 0.0

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_fmt(self.self_cpu_time_total)} "
                f"cpu_time={_fmt(self.cpu_time)} count={self.count} input_shapes={self.input_shapes}>")


def _fmt(us: float) -> str:
    if abs(us) >= 1e6:
        return f"{us / 1e6:.3f}s"
    if abs(us) >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


_SORT_KEYS = {"cpu_time_total", "self_cpu_time_total", "cpu_time", "count", "self_cpu_time", "cuda_time_total",
              "self_cuda_time_total", "device_time_total", "self_device_time_total", "cpu_memory_usage",
              "self_cpu_memory_usage"}


class EventList(list):
    """A list of events (or of their averages) that prints as torch's table."""

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        groups: dict = {}
        for ev in self:
            shapes = ev.input_shapes if group_by_input_shape else []
            key = (ev.key, str(shapes))
            groups.setdefault(key, FunctionEventAvg(ev.key, shapes)).add(ev)
        return EventList(groups.values())

    def total_average(self) -> FunctionEventAvg:
        total = FunctionEventAvg("Total", [])
        for ev in self:
            total.add(ev)
        return total

    @property
    def self_cpu_time_total(self) -> float:
        return sum(ev.self_cpu_time_total for ev in self)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False, time_unit=None) -> str:
        rows = [ev for ev in self if not top_level_events_only or getattr(ev, "cpu_parent", None) is None]
        if sort_by is not None:
            if sort_by not in _SORT_KEYS:
                raise AttributeError(f"table: cannot sort by {sort_by!r}; use one of {sorted(_SORT_KEYS)}")
            rows.sort(key=lambda ev: getattr(ev, sort_by, 0) or 0, reverse=True)
        if row_limit is not None and row_limit > 0:
            rows = rows[:row_limit]
        total_self = self.self_cpu_time_total or 1.0
        with_shapes = any(getattr(ev, "input_shapes", None) for ev in rows)
        name_w = min(max_name_column_width, max([len("Name")] + [len(ev.key) for ev in rows]) + 2)
        cols = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
        widths = [name_w] + [12] * 6
        if with_shapes:
            cols.append("Input Shapes")
            widths.append(min(max_shapes_column_width, max(len(str(ev.input_shapes)) for ev in rows) + 2))
        line = "  ".join("-" * w for w in widths)

        def fmt_row(values):
            return "  ".join(str(v).rjust(w) if i else str(v)[:w].ljust(w) for i, (v, w) in
                             enumerate(zip(values, widths)))

        out = ([header, line] if header else [line]) + [fmt_row(cols), line]
        for ev in rows:
            vals = [ev.key, f"{100 * ev.self_cpu_time_total / total_self:.2f}%", _fmt(ev.self_cpu_time_total),
                    f"{100 * ev.cpu_time_total / total_self:.2f}%", _fmt(ev.cpu_time_total),
                    _fmt(ev.cpu_time_total / ev.count if ev.count else 0.0), ev.count]
            if with_shapes:
                vals.append(str(ev.input_shapes)[:widths[-1]])
            out.append(fmt_row(vals))
        out += [line, f"Self CPU time total: {_fmt(self.self_cpu_time_total)}", ""]
        return "\n".join(out)

    def __str__(self) -> str:
        return self.table()

    def export_chrome_trace(self, path: str) -> None:
        """The events in the Chrome trace format (open in chrome://tracing or ui.perfetto.dev)."""
        pid = os.getpid()
        trace = [{"name": ev.name, "ph": "X", "cat": ev.category, "ts": ev.start_us, "dur": ev.cpu_time_total,
                  "pid": pid, "tid": ev.thread, "args": {"Input Dims": ev.input_shapes} if ev.input_shapes else {}}
                 for ev in self if isinstance(ev, FunctionEvent)]
        with open(path, "w") as f:
            json.dump({"traceEvents": trace, "displayTimeUnit": "ms"}, f)


# ------------------------------------------------------------------------------------------------ the API
class record_function(contextlib.ContextDecorator):  # noqa: N801 - torch's name
    """Label a block (or, as a decorator, every call of a function) in the profile."""

    def __init__(self, name: str, args: str | None = None) -> None:
        if not isinstance(name, str):
            raise TypeError(f"record_function: name must be a str, got {type(name).__name__}")
        self.name, self.args = name, args
        self._cm = None

    def __enter__(self):
        self._cm = _event(self.name, (), "user_annotation")
        self._cm.__enter__()
        return self

    def __exit__(self, *exc) -> bool:
        cm, self._cm = self._cm, None
        return bool(cm.__exit__(*exc)) if cm is not None else False


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable:
    """Which action each step gets: `skip_first` steps skipped once, then cycles of `wait` idle, `warmup`
    (tracing without keeping) and `active` recorded steps, the last of which saves; `repeat` cycles (0: all)."""
    if min(wait, warmup, repeat, skip_first) < 0 or active <= 0:
        raise AssertionError(f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} "
                             f"(need >= 0), active={active} (need > 0), repeat={repeat} (need >= 0), "
                             f"skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    cycle = wait + warmup + active

    def action(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        k = step - skip_first + (wait if skip_first_wait else 0)
        if repeat and k >= repeat * cycle:
            return ProfilerAction.NONE
        phase = k % cycle
        if phase < wait:
            return ProfilerAction.NONE
        if phase < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD_AND_SAVE if phase == cycle - 1 else ProfilerAction.RECORD

    return action


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None, use_gzip: bool = False,
                              use_python_export: bool = False) -> Callable:
    """An `on_trace_ready` that writes each recorded window's trace into `dir_name` (TensorBoard's profile
    plugin and Perfetto read the files)."""
    def handler(prof) -> None:
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        path = os.path.join(dir_name, f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json")
        prof.export_chrome_trace(path)
        if use_gzip:
            import gzip
            import shutil

            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)

    return handler


class profile:  # noqa: N801 - torch's name
    """Record the operations of a block (or, with `schedule` and `step()`, of chosen steps); see the module
    docstring. After the block (or after each saved window): `events()`, `key_averages()`,
    `export_chrome_trace()`."""

    def __init__(self, *, activities: Iterable | None = None, schedule: Callable[[int], ProfilerAction] | None = None,
                 on_trace_ready: Callable[..., Any] | None = None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, experimental_config=None, execution_trace_observer=None,
                 acc_events: bool = False, use_cuda: bool | None = None,
                 custom_trace_id_callback: Callable[[], str] | None = None,
                 post_processing_timeout_s: float | None = None) -> None:
        for a in activities or ():
            if not isinstance(a, ProfilerActivity):
                raise TypeError(f"profile: activities must be ProfilerActivity members, got {a!r}")
        self.activities = set(activities or supported_activities())
        self.schedule = schedule
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.acc_events = acc_events
        self.step_num = 0
        self._recorder: _Recorder | None = None
        self._events = EventList()
        self._action = ProfilerAction.NONE

    # recording windows
    def _action_at(self, step: int) -> ProfilerAction:
        return ProfilerAction.RECORD if self.schedule is None else self.schedule(step)

    def _open(self) -> None:
        if self._recorder is None:
            self._recorder = _Recorder(self.record_shapes)
            _start(self._recorder)

    def _close(self, save: bool) -> None:
        rec, self._recorder = self._recorder, None
        if rec is None:
            return
        _stop(rec)
        window = EventList(sorted(rec.events, key=lambda ev: ev.start_us))
        self._events = EventList(self._events + window) if self.acc_events else window
        if save and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _enter_action(self, action: ProfilerAction) -> None:
        self._action = action
        if action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._open()

    def start(self) -> None:
        self.step_num = 0
        self._enter_action(self._action_at(0))

    def stop(self) -> None:
        self._close(save=self._recorder is not None)

    def step(self) -> None:
        """Mark the end of a training step: the schedule decides what the next step records."""
        if self._action is ProfilerAction.RECORD_AND_SAVE:
            self._close(save=True)
        self.step_num += 1
        nxt = self._action_at(self.step_num)
        if nxt in (ProfilerAction.NONE, ProfilerAction.WARMUP) and self._recorder is not None:
            self._close(save=True)
        self._enter_action(nxt)

    def __enter__(self) -> profile:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # results
    def events(self) -> EventList:
        return self._events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        return self._events.key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)

    def export_chrome_trace(self, path: str, use_python_export: bool = False) -> None:
        self._events.export_chrome_trace(path)

