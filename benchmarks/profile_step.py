"""Where the host time of an nnstudio training step goes: cProfile of N steps of one benchmark model, the
functions with the most own time (tottime) and the call counts (on CUDA each CuPy call is a kernel launch or
more, so the call counts are the launch budget).

    python benchmarks/profile_step.py --model CNN --device cuda [--steps 20] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it
from gpu_sync_check import models


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="CNN", choices=["MLP", "CNN", "LSTM", "Transformer"])
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args()
    import nnstudio

    step = dict(models(nnstudio, args.device))[args.model]
    sync = nnstudio.cuda.synchronize if args.device == "cuda" else (lambda: None)
    for _ in range(3):
        step()
    sync()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.steps):
        step()
    sync()
    prof.disable()
    stats = pstats.Stats(prof)
    print(f"{args.model} on {args.device}: {args.steps} steps, {stats.total_calls} calls "
          f"({stats.total_calls / args.steps:.0f} per step), {stats.total_tt / args.steps * 1e3:.2f} ms per step")
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
