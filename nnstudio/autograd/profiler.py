"""`torch.autograd.profiler`: the older spelling of the profiler (`with profile() as prof: ...;
print(prof.key_averages().table())`), on the same recorder as `nnstudio.profiler`."""

from __future__ import annotations

from ..profiler import EventList, FunctionEvent, FunctionEventAvg, ProfilerActivity, record_function
from ..profiler import profile as _profile

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "ProfilerActivity", "profile", "record_function"]


class profile:  # noqa: N801 - torch's name
    """Record the operations of the block; afterwards `function_events`, `key_averages()`, `table()`,
    `total_average()`, `export_chrome_trace()`. `enabled=False` records nothing."""

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False, with_flops=False,
                 profile_memory=False, with_stack=False, with_modules=False, use_kineto=False, use_cpu=True,
                 experimental_config=None, acc_events=False, custom_trace_id_callback=None,
                 post_processing_timeout_s: float | None = None, activity_filters: dict | None = None) -> None:
        self.enabled = enabled
        self._prof = _profile(record_shapes=record_shapes, acc_events=acc_events)
        self.function_events: EventList | None = None

    def __enter__(self) -> profile:
        if self.enabled:
            self._prof.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self._prof.stop()
            self.function_events = self._prof.events()

    def _events(self) -> EventList:
        if self.function_events is None:
            raise RuntimeError("Profiler didn't finish running")
        return self.function_events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        return self._events().key_averages(group_by_input_shape, group_by_stack_n, group_by_overload_name)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False) -> str:
        return self._events().table(sort_by=sort_by, row_limit=row_limit, max_src_column_width=max_src_column_width,
                                    max_name_column_width=max_name_column_width,
                                    max_shapes_column_width=max_shapes_column_width, header=header,
                                    top_level_events_only=top_level_events_only)

    def total_average(self) -> FunctionEventAvg:
        return self._events().total_average()

    @property
    def self_cpu_time_total(self) -> float:
        return self._events().self_cpu_time_total

    def export_chrome_trace(self, path: str) -> None:
        self._events().export_chrome_trace(path)

    def __str__(self) -> str:
        return self.table()
