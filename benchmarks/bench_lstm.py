"""One training step of a 2-layer LSTM 64->128 (sequence 32, batch 32, float32), its last step through
Linear(128, 10), cross-entropy, Adam: nnstudio against PyTorch in the same process, both on the same number of
threads; prints the median of paired steps and the ratio nnstudio / torch (target: <= 2.0 on the CPU).

    .venv/bin/python benchmarks/bench_lstm.py [--device cuda] [--threads 2] [--steps 60] [--profile]
"""

from __future__ import annotations

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it
import numpy as np
from _common import limit_threads, parse_args, time_training_steps, training_pair

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
    args = parse_args(__doc__, add_arguments=lambda p: p.add_argument(
        "--profile", action="store_true", help="cProfile 30 nnstudio steps instead of timing"))
    _limiter, blas = limit_threads(args.threads)
    import torch

    import nnstudio

    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((BATCH, SEQ, IN)).astype(np.float32)
    y_np = rng.integers(0, CLASSES, BATCH)

    t_model = build(torch, args.device)
    n_model = build(nnstudio, args.device)
    step_nnstudio, step_torch = training_pair(n_model, t_model, "Adam", "cross_entropy", x_np, y_np, args.device,
                                              lr=1e-3)

    # the first losses agree (same weights, same data): the benchmark compares the same computation
    # (looser on CUDA, where cuDNN may use TF32)
    n_first, t_first = float(step_nnstudio().item()), float(step_torch().item())
    tol = 1e-4 if args.device == "cpu" else 1e-2
    assert abs(n_first - t_first) < tol * max(1.0, abs(t_first)), f"first losses differ: {n_first} vs {t_first}"

    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("for _ in range(30): step_nnstudio()", globals(), locals(), "/tmp/bench_lstm.prof")
        pstats.Stats("/tmp/bench_lstm.prof").sort_stats("tottime").print_stats(20)
        return

    time_training_steps(args, blas, f"LSTM 2x{IN}->{HIDDEN}, seq {SEQ}, batch {BATCH}, Adam", step_nnstudio,
                        step_torch, 2.0)


if __name__ == "__main__":
    main()
