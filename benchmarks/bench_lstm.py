"""One training step of a 2-layer LSTM 64->128 (sequence 32, batch 32, float32), its last step through
Linear(128, 10), cross-entropy, Adam: nnstudio against PyTorch in the same process, both on the same number of
threads; prints the median of paired steps and the ratio nnstudio / torch (target: <= 2.0 on the CPU).

    .venv/bin/python benchmarks/bench_lstm.py [--device cuda] [--threads 2] [--steps 60] [--profile]
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import limit_threads, paired_median, parse_args  # noqa: E402

SEQ, BATCH, IN, HIDDEN, CLASSES = 32, 32, 64, 128, 10


def build(lib, device: str):
    nn = lib.nn

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(IN, HIDDEN, num_layers=2, batch_first=True)
            self.head = nn.Linear(HIDDEN, CLASSES)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[:, -1])

    return Model().to(device)


def main() -> None:
    profile = "--profile" in sys.argv
    if profile:
        sys.argv.remove("--profile")
    args = parse_args(__doc__)
    _limiter, blas = limit_threads(args.threads)
    import torch

    import nnstudio

    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((BATCH, SEQ, IN)).astype(np.float32)
    y_np = rng.integers(0, CLASSES, BATCH)

    t_model = build(torch, args.device)
    n_model = build(nnstudio, args.device)
    n_model.load_state_dict({k: v.detach().cpu().numpy() for k, v in t_model.state_dict().items()})
    t_opt = torch.optim.Adam(t_model.parameters(), lr=1e-3)
    n_opt = nnstudio.optim.Adam(n_model.parameters(), lr=1e-3)
    t_loss_fn, n_loss_fn = torch.nn.CrossEntropyLoss(), nnstudio.nn.CrossEntropyLoss()
    tx, ty = torch.tensor(x_np, device=args.device), torch.tensor(y_np, device=args.device)
    nx, ny = nnstudio.tensor(x_np, device=args.device), nnstudio.tensor(y_np, device=args.device)

    def step_nnstudio():
        n_opt.zero_grad()
        loss = n_loss_fn(n_model(nx), ny)
        loss.backward()
        n_opt.step()
        return loss

    def step_torch():
        t_opt.zero_grad()
        loss = t_loss_fn(t_model(tx), ty)
        loss.backward()
        t_opt.step()
        return loss

    # the first losses agree (same weights, same data): the benchmark compares the same computation
    # (looser on CUDA, where cuDNN may use TF32)
    n_first, t_first = float(step_nnstudio().item()), float(step_torch().item())
    tol = 1e-4 if args.device == "cpu" else 1e-2
    assert abs(n_first - t_first) < tol * max(1.0, abs(t_first)), f"first losses differ: {n_first} vs {t_first}"

    if profile:
        import cProfile
        import pstats

        cProfile.runctx("for _ in range(30): step_nnstudio()", globals(), locals(), "/tmp/bench_lstm.prof")
        pstats.Stats("/tmp/bench_lstm.prof").sort_stats("tottime").print_stats(20)
        return

    sync = None
    if args.device == "cuda":
        def sync():
            torch.cuda.synchronize()
            nnstudio.cuda.synchronize()

    n_med, t_med, ratio = paired_median(step_nnstudio, step_torch, args.steps, args.warmup, sync)
    print(f"device={args.device} threads={args.threads} BLAS: {'; '.join(blas)}")
    print(f"LSTM 2x{IN}->{HIDDEN}, seq {SEQ}, batch {BATCH}, Adam: nnstudio {n_med * 1e3:.2f} ms, "
          f"torch {t_med * 1e3:.2f} ms per step")
    print(f"ratio nnstudio/torch (median of paired steps): {ratio:.2f}  (target <= 2.0)")


if __name__ == "__main__":
    main()
