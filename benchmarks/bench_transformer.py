"""One training step of a TransformerEncoder (2 layers, d_model 128, 4 heads, feed-forward 256; sequence 64,
batch 16, float32, MSE loss, Adam): nnstudio against PyTorch in the same process, both on the same number of
threads. Prints the median of paired steps and the ratio nnstudio / torch (target: <= 1.5 on the CPU).

Dropout is the same on both sides: 0.1 (torch's default) unless --dropout says otherwise (e.g. 0.0).
OPENBLAS_THREAD_TIMEOUT=4 is set so NumPy's idle BLAS threads do not slow torch down (see below).

    .venv/bin/python benchmarks/bench_transformer.py [--device cuda] [--threads 2] [--steps 40] [--dropout 0.0]
"""

from __future__ import annotations

import argparse
import os
import sys

# OpenBLAS worker threads spin-wait after each call by default; in a paired run they steal the cores from
# torch's OpenMP threads and make torch look ~2x slower than it is alone. Let them sleep almost at once
# (must be set before NumPy loads OpenBLAS).
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
from _common import limit_threads, paired_median  # noqa: E402

D_MODEL, HEADS, FF, LAYERS, SEQ, BATCH = 128, 4, 256, 2, 64, 16


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="device for both libraries")
    p.add_argument("--threads", type=int, default=2, help="BLAS / intra-op threads for both libraries")
    p.add_argument("--steps", type=int, default=40, help="paired measurements (the median is reported)")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--dropout", type=float, default=0.1, help="dropout of both encoders (default 0.1)")
    p.add_argument("--batch-first", action="store_true", help="batch_first=True layers")
    return p.parse_args()


def build(lib, dropout: float, batch_first: bool, device: str):
    nn = lib.nn
    layer = nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=FF, dropout=dropout, batch_first=batch_first)
    kwargs = {"enable_nested_tensor": False} if lib.__name__ == "torch" else {}
    return nn.TransformerEncoder(layer, LAYERS, **kwargs).to(device)


def main() -> None:
    args = parse_args()
    _limiter, blas = limit_threads(args.threads)
    import torch

    import nnstudio

    rng = np.random.default_rng(0)
    shape = (BATCH, SEQ, D_MODEL) if args.batch_first else (SEQ, BATCH, D_MODEL)
    x_np = rng.standard_normal(shape).astype(np.float32)
    y_np = rng.standard_normal(shape).astype(np.float32)

    t_model = build(torch, args.dropout, args.batch_first, args.device)
    n_model = build(nnstudio, args.dropout, args.batch_first, args.device)
    n_model.load_state_dict({k: v.detach().cpu().numpy() for k, v in t_model.state_dict().items()})
    t_model.train()
    n_model.train()
    t_opt = torch.optim.Adam(t_model.parameters(), lr=1e-3)
    n_opt = nnstudio.optim.Adam(n_model.parameters(), lr=1e-3)
    tx, ty = torch.tensor(x_np, device=args.device), torch.tensor(y_np, device=args.device)
    nx, ny = nnstudio.tensor(x_np, device=args.device), nnstudio.tensor(y_np, device=args.device)

    def step_nnstudio():
        n_opt.zero_grad()
        loss = nnstudio.nn.functional.mse_loss(n_model(nx), ny)
        loss.backward()
        n_opt.step()

    def step_torch():
        t_opt.zero_grad()
        loss = torch.nn.functional.mse_loss(t_model(tx), ty)
        loss.backward()
        t_opt.step()

    sync = None
    if args.device == "cuda":
        def sync():
            torch.cuda.synchronize()
            nnstudio.cuda.synchronize()

    n_med, t_med, ratio = paired_median(step_nnstudio, step_torch, args.steps, args.warmup, sync)
    print(f"device={args.device} threads={args.threads} BLAS: {'; '.join(blas)}")
    print(f"TransformerEncoder {LAYERS} layers, d_model {D_MODEL}, {HEADS} heads, feed-forward {FF}, sequence {SEQ},"
          f" batch {BATCH}, dropout {args.dropout}, batch_first={args.batch_first}, Adam: nnstudio "
          f"{n_med * 1e3:.2f} ms, torch {t_med * 1e3:.2f} ms per step")
    print(f"ratio nnstudio/torch (median of paired steps): {ratio:.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
