"""Per-op Python overhead: a chain of 10 ops on small tensors (8x8), forward + backward, nnstudio against
PyTorch in the same process. With tiny arrays the time is almost all framework overhead; prints the time
per op and the ratio nnstudio / torch.

    .venv/bin/python benchmarks/bench_overhead.py [--device cuda] [--threads 2] [--steps 300]
"""

from __future__ import annotations

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it
import numpy as np
from _common import device_sync, limit_threads, median_alone, paired_median, parse_args

N_OPS = 10


def chain(lib, a, b):
    """10 differentiable ops that stay finite on random data (`lib` is unused: the methods are the same)."""
    x = a + b           # 1
    x = x * b           # 2
    x = x - a           # 3
    x = x.relu()        # 4
    x = x @ b           # 5
    x = x.tanh()        # 6
    x = x * 0.5         # 7
    x = x.sigmoid()     # 8
    x = x.transpose(0, 1)  # 9
    return x.sum()      # 10


def main() -> None:
    args = parse_args(__doc__, steps=300)
    _limiter, blas = limit_threads(args.threads)
    import torch

    import nnstudio

    rng = np.random.default_rng(0)
    a_np, b_np = rng.standard_normal((2, 8, 8)).astype(np.float32)
    ta = torch.tensor(a_np, device=args.device, requires_grad=True)
    tb = torch.tensor(b_np, device=args.device, requires_grad=True)
    na = nnstudio.tensor(a_np, device=args.device, requires_grad=True)
    nb = nnstudio.tensor(b_np, device=args.device, requires_grad=True)

    def run_nnstudio():
        na.grad = nb.grad = None
        chain(nnstudio, na, nb).backward()

    def run_torch():
        ta.grad = tb.grad = None
        chain(torch, ta, tb).backward()

    sync = device_sync(args.device)

    print(f"device={args.device} threads={args.threads} BLAS: {'; '.join(blas)}")
    if args.only:
        fn = run_nnstudio if args.only == "nnstudio" else run_torch
        print(f"{args.only} alone: {median_alone(fn, args.steps, args.warmup * 10, sync) * 1e6 / N_OPS:.1f} us/op")
        return
    n_med, t_med, ratio = paired_median(run_nnstudio, run_torch, args.steps, args.warmup * 10, sync)
    print(f"{N_OPS}-op chain on 8x8 tensors, forward + backward: nnstudio {n_med * 1e6 / N_OPS:.1f} us/op, "
          f"torch {t_med * 1e6 / N_OPS:.1f} us/op")
    print(f"ratio nnstudio/torch (median of paired runs): {ratio:.2f}")


if __name__ == "__main__":
    main()
