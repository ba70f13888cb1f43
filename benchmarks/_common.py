"""Shared set-up of the benchmarks: thread limits for both libraries and paired timing."""

from __future__ import annotations

import argparse
import statistics
import time


def parse_args(description: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="device for both libraries")
    p.add_argument("--threads", type=int, default=2, help="BLAS / intra-op threads for both libraries")
    p.add_argument("--steps", type=int, default=60, help="paired measurements (the median is reported)")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--only", choices=["nnstudio", "torch"], default=None,
                   help="time one library alone (no interleaving): a check on the paired figure")
    return p.parse_args()


def limit_threads(n: int):
    """Both libraries on n threads: torch.set_num_threads and threadpoolctl for NumPy's BLAS."""
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    torch.set_num_threads(n)
    limiter = threadpool_limits(limits=n)
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
            for i in threadpool_info()]
    return limiter, blas


def paired_median(fn_a, fn_b, steps: int, warmup: int, sync=None) -> tuple[float, float, float]:
    """Alternate a and b; return (median a seconds, median b seconds, median of the per-pair ratios a/b)."""
    sync = sync or (lambda: None)
    for _ in range(warmup):
        fn_a()
        fn_b()
    ta, tb, ratios = [], [], []
    for _ in range(steps):
        sync()
        t0 = time.perf_counter()
        fn_a()
        sync()
        t1 = time.perf_counter()
        fn_b()
        sync()
        t2 = time.perf_counter()
        ta.append(t1 - t0)
        tb.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


def median_alone(fn, steps: int, warmup: int, sync=None) -> float:
    """Median seconds of `fn` run on its own (no other library interleaved)."""
    sync = sync or (lambda: None)
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
