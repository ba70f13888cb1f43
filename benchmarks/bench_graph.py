"""Shape inference on a 200-node design (the builder re-runs it after every edit; target: under 20 ms).

The design: an Input (3, 32, 32), a stem convolution, residual blocks (Conv2d -> BatchNorm2d -> ReLU -> Conv2d ->
BatchNorm2d -> Add -> ReLU) until 200 nodes, then pooling, Flatten, Linear and an Output. Prints the median of
``update one field + infer_shapes()`` (the cache is invalidated each time, as after a keystroke), and of
``describe()``, ``to_json()`` and ``from_json()`` for the same design.

    .venv/bin/python benchmarks/bench_graph.py [--steps 200] [--nodes 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it

from nnstudio.graph import ModelGraph


def design(n_nodes: int) -> ModelGraph:
    g = ModelGraph(history_limit=0)
    g.input("x", (3, 32, 32))
    prev = g.add("Conv2d", name="stem", out_channels=16, kernel_size=3, padding=1)
    i = 0
    while len(g) < n_nodes - 5:
        i += 1
        a = g.add("Conv2d", name=f"b{i}_conv1", inputs=[prev], out_channels=16, kernel_size=3, padding=1)
        a = g.add("BatchNorm2d", name=f"b{i}_bn1", inputs=[a])
        a = g.add("ReLU", name=f"b{i}_act1", inputs=[a])
        a = g.add("Conv2d", name=f"b{i}_conv2", inputs=[a], out_channels=16, kernel_size=3, padding=1)
        a = g.add("BatchNorm2d", name=f"b{i}_bn2", inputs=[a])
        a = g.add("Add", name=f"b{i}_add", inputs=[a, prev])
        prev = g.add("ReLU", name=f"b{i}_act2", inputs=[a])
    g.add("AdaptiveAvgPool2d", name="pool", inputs=[prev], output_size=1)
    g.add("Flatten", name="flatten")
    g.add("Linear", name="head", out_features=10)
    g.output("head")
    return g


def median_ms(fn, steps: int) -> float:
    for _ in range(5):
        fn()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--nodes", type=int, default=200)
    args = p.parse_args()
    g = design(args.nodes)
    report = g.infer_shapes()
    assert report.ok, report.problems()
    widths = iter(range(10 ** 9))

    def edit_and_infer() -> None:
        g.update("head", out_features=10 + next(widths) % 7)
        g.infer_shapes()

    text = g.to_json()
    print(f"design: {len(g)} nodes, {len(g.edges)} wires, {report.total_params:,} parameters")
    print(f"update + infer_shapes: {median_ms(edit_and_infer, args.steps):.2f} ms (median of {args.steps})")
    print(f"describe():            {median_ms(g.describe, args.steps):.2f} ms (inference cached)")
    print(f"to_json():             {median_ms(g.to_json, args.steps):.2f} ms")
    print(f"from_json():           {median_ms(lambda: ModelGraph.from_json(text), args.steps):.2f} ms")


if __name__ == "__main__":
    main()
