"""One training step of a TransformerEncoder (2 layers, d_model 128, 4 heads, feed-forward 256; sequence 64,
batch 16, float32, MSE loss, Adam): nnstudio against PyTorch in the same process, both on the same number of
threads. Prints the median of paired steps and the ratio nnstudio / torch (target: <= 1.5 on the CPU).

Dropout is the same on both sides: 0.1 (torch's default) unless --dropout says otherwise (e.g. 0.0).
nnstudio's import makes NumPy's idle OpenBLAS threads sleep at once (nnstudio/ops/openblas_idle.py), so
they do not slow torch down.

    .venv/bin/python benchmarks/bench_transformer.py [--device cuda] [--threads 2] [--steps 40] [--dropout 0.0]
"""

from __future__ import annotations

import argparse

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it
import numpy as np
from _common import limit_threads, parse_args, time_training_steps, training_pair

D_MODEL, HEADS, FF, LAYERS, SEQ, BATCH = 128, 4, 256, 2, 64, 16


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dropout", type=float, default=0.1, help="dropout of both encoders (default 0.1)")
    p.add_argument("--batch-first", action="store_true", help="batch_first=True layers")


def build(lib, dropout: float, batch_first: bool, device: str):
    nn = lib.nn
    layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=FF, dropout=dropout, batch_first=batch_first)
    kwargs = {"enable_nested_tensor": False} if lib.__name__ == "torch" else {}
    return nn.TransformerEncoder(layer, LAYERS, **kwargs).to(device)


def main() -> None:
    args = parse_args(__doc__, steps=40, add_arguments=add_arguments)
    _limiter, blas = limit_threads(args.threads)
    import torch

    import nnstudio

    rng = np.random.default_rng(0)
    shape = (BATCH, SEQ, D_MODEL) if args.batch_first else (SEQ, BATCH, D_MODEL)
    x_np = rng.standard_normal(shape).astype(np.float32)
    y_np = rng.standard_normal(shape).astype(np.float32)

    t_model = build(torch, args.dropout, args.batch_first, args.device)
    n_model = build(nnstudio, args.dropout, args.batch_first, args.device)
    t_model.train()
    n_model.train()
    step_nnstudio, step_torch = training_pair(n_model, t_model, "Adam", "mse_loss", x_np, y_np, args.device, lr=1e-3)

    what = (f"TransformerEncoder {LAYERS} layers, d_model {D_MODEL}, {HEADS} heads, feed-forward {FF}, sequence "
            f"{SEQ}, batch {BATCH}, dropout {args.dropout}, batch_first={args.batch_first}, Adam")
    time_training_steps(args, blas, what, step_nnstudio, step_torch, 1.5)


if __name__ == "__main__":
    main()
