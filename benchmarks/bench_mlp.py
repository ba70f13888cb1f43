"""One training step of an MLP 784-512-512-10 (batch 128, float32, cross-entropy, SGD with momentum):
nnstudio against PyTorch in the same process, both on the same number of threads; prints the median of
paired steps and the ratio nnstudio / torch (target: <= 1.25 on the CPU).

    .venv/bin/python benchmarks/bench_mlp.py [--device cuda] [--threads 2] [--steps 60]
"""

from __future__ import annotations

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it
import numpy as np
from _common import limit_threads, parse_args, time_training_steps, training_pair


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
    step_nnstudio, step_torch = training_pair(n_model, t_model, "SGD", "cross_entropy", x_np, y_np, args.device,
                                              lr=0.01, momentum=0.9)
    time_training_steps(args, blas, "MLP 784-512-512-10, batch 128, SGD momentum", step_nnstudio, step_torch, 1.25)


if __name__ == "__main__":
    main()
