"""One training step of an MLP 784-512-512-10 (batch 128, float32, cross-entropy, SGD with momentum):
nnstudio against PyTorch in the same process, both on the same number of threads; prints the median of
paired steps and the ratio nnstudio / torch (target: <= 1.25 on the CPU).

    .venv/bin/python benchmarks/bench_mlp.py [--device cuda] [--threads 2] [--steps 60]
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import limit_threads, median_alone, paired_median, parse_args  # noqa: E402


def build(lib, device: str):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    return model.to(device)


def main() -> None:
    args = parse_args(__doc__)
    _limiter, blas = limit_threads(args.threads)
    import torch

    import nnstudio

    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((128, 784)).astype(np.float32)
    y_np = rng.integers(0, 10, 128)

    t_model = build(torch, args.device)
    n_model = build(nnstudio, args.device)
    n_model.load_state_dict({k: v.detach().cpu().numpy() for k, v in t_model.state_dict().items()})
    t_opt = torch.optim.SGD(t_model.parameters(), lr=0.01, momentum=0.9)
    n_opt = nnstudio.optim.SGD(n_model.parameters(), lr=0.01, momentum=0.9)
    t_loss_fn, n_loss_fn = torch.nn.CrossEntropyLoss(), nnstudio.nn.CrossEntropyLoss()
    tx, ty = torch.tensor(x_np, device=args.device), torch.tensor(y_np, device=args.device)
    nx, ny = nnstudio.tensor(x_np, device=args.device), nnstudio.tensor(y_np, device=args.device)

    def step_nnstudio():
        n_opt.zero_grad()
        loss = n_loss_fn(n_model(nx), ny)
        loss.backward()
        n_opt.step()

    def step_torch():
        t_opt.zero_grad()
        loss = t_loss_fn(t_model(tx), ty)
        loss.backward()
        t_opt.step()

    sync = None
    if args.device == "cuda":
        def sync():
            torch.cuda.synchronize()
            nnstudio.cuda.synchronize()

    print(f"device={args.device} threads={args.threads} BLAS: {'; '.join(blas)}")
    if args.only:
        fn = step_nnstudio if args.only == "nnstudio" else step_torch
        print(f"{args.only} alone: {median_alone(fn, args.steps, args.warmup, sync) * 1e3:.2f} ms per step")
        return
    n_med, t_med, ratio = paired_median(step_nnstudio, step_torch, args.steps, args.warmup, sync)
    print(f"MLP 784-512-512-10, batch 128, SGD momentum: nnstudio {n_med * 1e3:.2f} ms, torch {t_med * 1e3:.2f} ms"
          f" per step")
    print(f"ratio nnstudio/torch (median of paired steps): {ratio:.2f}  (target <= 1.25)")


if __name__ == "__main__":
    main()
