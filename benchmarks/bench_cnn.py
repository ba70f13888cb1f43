"""One training step of the MNIST-style CNN
Conv2d(1,32,3)-ReLU-Conv2d(32,64,3)-ReLU-MaxPool2d(2)-Flatten-Linear(9216,128)-ReLU-Linear(128,10)
(28x28 input, batch 64, float32, cross-entropy, Adam): nnstudio against PyTorch in the same process, both on
the same number of threads; prints the median of paired steps, the ratio nnstudio / torch (target <= 1.5 on the
CPU) and the peak memory of one step.

Peak memory (CPU): tracemalloc traces NumPy's array allocations (NumPy reports its data buffers to it), so
for nnstudio it is the peak of live array bytes during one step above what was live before it (with the pool
of reusable im2col buffers emptied first, so they count). torch's CPU
allocator is not traced by tracemalloc, so torch's number is measured with torch.profiler's memory profiling
(peak of the running sum of allocations minus frees during one step). Both exclude the weights, gradients and
optimizer state that exist before the step. With --device cuda both use the device allocators' peak counters.

Run it on an otherwise idle machine: with other processes competing for the 2 cores, OpenBLAS's worker threads
(which give their core away while they wait) stall every multi-threaded GEMM, and the 2-thread nnstudio time
grows several-fold while torch's OpenMP pool degrades far less. `--threads 1` gives a load-robust comparison.

    .venv/bin/python benchmarks/bench_cnn.py [--device cuda] [--threads 2] [--steps 30]
"""

from __future__ import annotations

import tracemalloc

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it
import numpy as np
from _common import device_sync, limit_threads, parse_args, time_training_steps, training_pair


def build(lib, device: str):
    nn = lib.nn
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(9216, 128), nn.ReLU(), nn.Linear(128, 10))
    return model.to(device)


def torch_peak_bytes(step) -> int:
    """Peak of torch's CPU allocations during one call of `step` (allocated minus freed, running maximum)."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        step()
    events = sorted((e for e in prof.events() if e.cpu_memory_usage != 0), key=lambda e: e.time_range.start)
    live = peak = 0
    for e in events:
        live += e.cpu_memory_usage
        peak = max(peak, live)
    return peak


def nnstudio_peak_bytes(step) -> int:
    """Peak of NumPy array bytes (traced by tracemalloc) during one call of `step`, above the level before it."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - before


def main() -> None:
    args = parse_args(__doc__)
    _limiter, blas = limit_threads(args.threads)
    import torch

    import nnstudio

    if args.device == "cuda" and not (torch.cuda.is_available() and nnstudio.cuda.is_available()):
        print("--device cuda needs torch with CUDA and CuPy with a GPU; not available here")
        return
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((64, 1, 28, 28)).astype(np.float32)
    y_np = rng.integers(0, 10, 64)

    t_model = build(torch, args.device)
    n_model = build(nnstudio, args.device)
    step_nnstudio, step_torch = training_pair(n_model, t_model, "Adam", "cross_entropy", x_np, y_np, args.device,
                                              lr=1e-3)
    time_training_steps(args, blas, "CNN 1x28x28 conv32-conv64-maxpool-fc128-fc10, batch 64, Adam", step_nnstudio,
                        step_torch, 1.5)

    if args.device == "cuda":
        import cupy  # noqa: F401 - only on a GPU machine

        sync = device_sync(args.device)

        pool = cupy.get_default_memory_pool()
        sync()
        base = pool.used_bytes()
        torch.cuda.reset_peak_memory_stats()
        t_base = torch.cuda.memory_allocated()
        step_torch()
        sync()
        t_peak = torch.cuda.max_memory_allocated() - t_base
        step_nnstudio()  # CuPy keeps no per-step peak counter: report the pool's total after the step
        sync()
        n_peak = pool.total_bytes() - base
        method = "torch.cuda.max_memory_allocated; CuPy memory-pool total bytes (an upper bound)"
    else:
        from nnstudio.ops import workspace

        workspace.clear()  # count the pooled im2col buffers too, as a first step would allocate them
        n_peak = nnstudio_peak_bytes(step_nnstudio)
        t_peak = torch_peak_bytes(step_torch)
        method = "nnstudio: tracemalloc peak of NumPy buffers; torch: torch.profiler memory events"
    print(f"peak memory of one step above the resident model: nnstudio {n_peak / 2**20:.1f} MiB, "
          f"torch {t_peak / 2**20:.1f} MiB  ({method})")


if __name__ == "__main__":
    main()
