"""Each library alone, in fresh processes, alternating: the fairest nnstudio / torch ratio on a shared machine.

Paired steps in one process (what every bench_*.py prints by default) let each library's idle worker threads
steal the other's CPU: OpenBLAS's threads spin after nnstudio's GEMMs, torch's OpenMP threads spin after its
step. This script runs `bench_X.py --only nnstudio` and `--only torch` in turn, `--rounds` times each, and
reports the medians and their ratio, next to the load average, so a figure says how busy the machine was.

    .venv/bin/python benchmarks/compare_alone.py [--rounds 3] [mlp cnn lstm transformer overhead]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALL = ["mlp", "overhead", "cnn", "lstm", "transformer"]
FIGURE = re.compile(r"alone: ([0-9.]+) (ms per step|us/op)")


def run_alone(bench: str, lib: str, extra: list[str]) -> float:
    """One fresh process of `bench_<bench>.py --only <lib>`; returns its median time (ms or us)."""
    out = subprocess.run([sys.executable, str(HERE / f"bench_{bench}.py"), "--only", lib, *extra],
                         capture_output=True, text=True, timeout=600)  # the caller's environment, as a user's
    found = FIGURE.search(out.stdout)
    if out.returncode != 0 or not found:
        raise RuntimeError(f"bench_{bench}.py --only {lib} failed:\n{out.stdout[-800:]}\n{out.stderr[-1500:]}")
    return float(found.group(1))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("benches", nargs="*", metavar="BENCH", help=f"some of {', '.join(ALL)} (default: all of them)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--extra", default="", help="more options for every bench script, e.g. '--threads 1'")
    args = p.parse_args()
    print(f"{'benchmark':<12} {'nnstudio':>10} {'torch':>10} {'ratio':>6}  load average (1 min) per round")
    unknown = sorted(set(args.benches) - set(ALL))
    if unknown:
        p.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(ALL)}")
    for bench in args.benches or ALL:
        times: dict[str, list[float]] = {"nnstudio": [], "torch": []}
        loads = []
        for _ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for lib in ("nnstudio", "torch"):
                times[lib].append(run_alone(bench, lib, args.extra.split()))
        a, b = statistics.median(times["nnstudio"]), statistics.median(times["torch"])
        unit = "us/op" if bench == "overhead" else "ms"
        print(f"{bench:<12} {a:>7.2f} {unit:<2} {b:>7.2f} {unit:<2} {a / b:>6.2f}  "
              + " ".join(f"{x:.1f}" for x in loads), flush=True)


if __name__ == "__main__":
    main()
