"""Shared set-up of the benchmarks: BLAS environment, arguments, thread limits for both libraries, one
training step per library and paired timing.

Every benchmark script imports this module first (`import _common` as its first third-party import).
"""

from __future__ import annotations

# The benchmarks measure the environment a user has: no BLAS or allocator variable is set here. What tuning pays
# (OpenBLAS's idle workers sleeping at once, glibc keeping freed buffers) nnstudio applies itself at import
# (nnstudio/ops/openblas_idle.py, nnstudio's malloc tuning), so a script that imports NumPy first measures it too.
import argparse
import statistics
import time
from collections.abc import Callable


def parse_args(description: str, steps: int = 60,
               add_arguments: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """The options every benchmark takes (--device, --threads, --steps, --warmup, --only), with `steps` as the
    default of --steps; `add_arguments(parser)` adds a script's own options."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="device for both libraries")
    p.add_argument("--threads", type=int, default=2, help="BLAS / intra-op threads for both libraries")
    p.add_argument("--steps", type=int, default=steps, help="paired measurements (the median is reported)")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--only", choices=["nnstudio", "torch"], default=None,
                   help="time one library alone (no interleaving): a check on the paired figure")
    if add_arguments is not None:
        add_arguments(p)
    return p.parse_args()


def limit_threads(n: int):
    """Both libraries on n threads: torch.set_num_threads and threadpoolctl for NumPy's BLAS."""
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    from nnstudio.ops import mkl_blas  # loads MKL where the mkl package is installed, so that the limit reaches it

    torch.set_num_threads(n)
    limiter = threadpool_limits(limits=n)
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, {i['num_threads']} threads)"
            for i in threadpool_info()]
    blas.append("nnstudio's large products: " + ("MKL" if mkl_blas.available() else "NumPy's BLAS"))
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


def copy_weights(n_model, t_model) -> None:
    """Load the torch model's parameters and buffers into the nnstudio model (the same starting point)."""
    n_model.load_state_dict({k: v.detach().cpu().numpy() for k, v in t_model.state_dict().items()})


def training_step(model, optimizer, loss_fn, x, y) -> Callable[[], object]:
    """A function that runs one training step (zero_grad, forward, loss, backward, step) and returns the loss;
    the same code drives either library."""
    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss
    return step


def training_pair(n_model, t_model, optimizer: str, loss: str, x_np, y_np, device: str, **opt_kwargs) -> tuple:
    """(step_nnstudio, step_torch): one training step of each model on the same batch (x_np, y_np), with
    `lib.optim.<optimizer>(**opt_kwargs)` and `lib.nn.functional.<loss>`; the nnstudio model starts from the
    torch model's weights."""
    import torch

    import nnstudio

    copy_weights(n_model, t_model)
    steps = []
    for lib, model in ((nnstudio, n_model), (torch, t_model)):
        opt = getattr(lib.optim, optimizer)(model.parameters(), **opt_kwargs)
        x, y = lib.tensor(x_np, device=device), lib.tensor(y_np, device=device)
        steps.append(training_step(model, opt, getattr(lib.nn.functional, loss), x, y))
    return tuple(steps)


def device_sync(device: str) -> Callable[[], None] | None:
    """On CUDA, a function that waits for both libraries' queued work (so a timing covers it); None on the CPU."""
    if device != "cuda":
        return None
    import torch

    import nnstudio

    def sync():
        torch.cuda.synchronize()
        nnstudio.cuda.synchronize()
    return sync


def time_training_steps(args: argparse.Namespace, blas: list, what: str, step_nnstudio, step_torch,
                        target: float) -> None:
    """Print the set-up line, then either `--only`'s library alone or the paired medians and the ratio
    nnstudio / torch of one training step (`what` describes the model)."""
    sync = device_sync(args.device)
    print(f"device={args.device} threads={args.threads} BLAS: {'; '.join(blas)}")
    if args.only:
        fn = step_nnstudio if args.only == "nnstudio" else step_torch
        print(f"{args.only} alone: {median_alone(fn, args.steps, args.warmup, sync) * 1e3:.2f} ms per step")
        return
    n_med, t_med, ratio = paired_median(step_nnstudio, step_torch, args.steps, args.warmup, sync)
    print(f"{what}: nnstudio {n_med * 1e3:.2f} ms, torch {t_med * 1e3:.2f} ms per step")
    print(f"ratio nnstudio/torch (median of paired steps): {ratio:.2f}  (target <= {target})")
