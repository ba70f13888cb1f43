"""Training throughput with the live dashboard attached vs without: spiral MLP and digits CNN.

    .venv/bin/python benchmarks/bench_dashboard.py              # in this process (widgets without a front end)
    .venv/bin/python benchmarks/bench_dashboard.py --kernel     # inside a Jupyter kernel: widget messages really
                                                                # go out on IOPub (a client drains them)

    .venv/bin/python benchmarks/bench_dashboard.py --kernel --plots matplotlib   # every panel a matplotlib PNG
    .venv/bin/python benchmarks/bench_dashboard.py --frame-cost  # CPU ms per frame of each panel, both renderers

Each case runs pairs without and with a `Dashboard` (refresher thread on, its default pacing: at most 6 widget
messages/s, every panel drawn in the browser from float32 numbers) in ABBA order and reports median steps/s, the
cost of the live plots in percent (ratio of the medians, and pair by pair with its spread: quote the spread with
the figure), the dashboard's own CPU work (a figure that machine load barely moves) and what the refresher did
(frames, full draws, drawing time, messages per second), with the load average before and after. In kernel mode
it also counts the widget messages that reached the client.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _case(name: str):
    import nnstudio
    import nnstudio.nn as nn

    if name == "spiral_mlp":
        data = nnstudio.data.load("spiral", arms=3)

        def model():
            return nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 3))
        return model, data
    if name == "digits_cnn":
        if not hasattr(nn, "Conv2d"):
            return None
        data = nnstudio.data.load("digits", flat=False)

        def model():
            return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                 nn.Linear(16 * 4 * 4, 10))
        return model, data
    raise ValueError(name)


EPOCHS = {"spiral_mlp": 3000, "digits_cnn": 1000}  # about 45,000 steps each: more than a timed run takes


SHARE = {"share": None, "plots": "browser"}  # the dashboard's drawing budget (--share; None: the Dashboard's
# default) and where its loss and gradient panels are drawn (--plots: "browser" (the default) or "matplotlib")


def run_once(name: str, dashboard: bool, seconds: float) -> dict:
    """Train for about `seconds` and return steps/s (and the refresher's numbers when a dashboard is attached)."""
    import nnstudio
    from nnstudio.train import Trainer

    make_model, data = _case(name)
    nnstudio.manual_seed(0)
    # epochs as a user sets them (the plots' time axes then span the planned run), enough for the timed window
    trainer = Trainer(make_model(), data, lr=0.01, epochs=EPOCHS[name])
    dash = None
    if dashboard:
        from nnstudio.studio.dashboard import Dashboard

        options = {"plots": SHARE["plots"]}
        if SHARE["share"] is not None:
            options["share"] = SHARE["share"]
        dash = Dashboard(trainer, **options)
        from IPython import get_ipython

        if get_ipython() is not None:  # in a kernel: show it, so widget messages really go out
            from IPython.display import display

            display(dash)
    trainer.step(5)  # warm up (first allocations), not timed
    s0 = trainer.steps
    t0, c0 = time.perf_counter(), time.process_time()
    trainer.start()
    time.sleep(0.2)
    worker = trainer._thread
    w0 = _thread_cpu(worker)
    time.sleep(seconds - 0.2)
    w1 = _thread_cpu(worker)
    trainer.pause()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    steps = trainer.steps - s0
    # steps per second of wall time, and per second of this process's CPU time (all threads): the second is far
    # less sensitive to other load on the machine, and the extra CPU is what the live plots add
    out = {"steps_per_s": steps / elapsed, "steps_per_cpu_s": steps / cpu, "seconds": elapsed,
           "train_cpu_s": (w1 - w0) if w0 is not None and w1 is not None else float("nan"), "process_cpu_s": cpu}
    if trainer.finished:
        print(f"  warning: {name} finished its {EPOCHS[name]} epochs inside the timed window", flush=True)
    trainer.stop()
    if dash is not None:
        r = dash.refresher
        full = sum(p.full_draws for _, p, _ in dash._panels())
        out.update(frames=r.frames, full_draws=full, draw_share=r.draw_seconds / elapsed,
                   messages_per_s=r.messages / elapsed, errors=len(r.errors))
        dash.close()
    return out


def _thread_cpu(thread) -> float | None:
    """CPU seconds of a live thread (Linux), else None."""
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
    except (AttributeError, OSError, TypeError):
        return None


def _spread(values) -> str:
    """"median (min .. max, middle half lo .. hi)" of percentages."""
    v = sorted(values)
    if len(v) < 2:
        return f"{v[0]:.1f}%" if v else "n/a"
    q = statistics.quantiles(v, n=4, method="inclusive")
    return f"{statistics.median(v):.1f}% (min {v[0]:.1f} .. max {v[-1]:.1f}, middle half {q[0]:.1f} .. {q[2]:.1f})"


def run(cases=("spiral_mlp", "digits_cnn"), repeats: int = 7, seconds: float = 6.0) -> dict:
    """Per case, `repeats` pairs of runs without and with the dashboard, in ABBA order (the first of a pair
    alternates, so warm-up and drift hit both sides alike). The cost is taken pair by pair (1 - with / without of
    two neighbouring runs) and reported as the median of the pairs with its spread, besides the ratio of medians."""
    results = {}
    for name in cases:
        if _case(name) is None:
            print(f"{name}: skipped (nnstudio.nn.Conv2d has not landed)")
            continue
        load0 = os.getloadavg()[0]
        base, live, base_cpu, live_cpu, stats, others = [], [], [], [], [], {False: [], True: []}
        pair_cost, pair_cpu_cost, pair_own = [], [], []
        for i in range(repeats):
            pair = {}
            for attached in ((False, True) if i % 2 == 0 else (True, False)):
                pair[attached] = run_once(name, attached, seconds)
            for attached, r in pair.items():
                others[attached].append((r["process_cpu_s"] - r["train_cpu_s"]) / r["train_cpu_s"])
            b_, w_ = pair[False], pair[True]
            base.append(b_["steps_per_s"])
            base_cpu.append(b_["steps_per_cpu_s"])
            live.append(w_["steps_per_s"])
            live_cpu.append(w_["steps_per_cpu_s"])
            stats.append(w_)
            pair_cost.append(100 * (1 - w_["steps_per_s"] / b_["steps_per_s"]))
            pair_cpu_cost.append(100 * (1 - w_["steps_per_cpu_s"] / b_["steps_per_cpu_s"]))
            pair_own.append(100 * (others[True][-1] - others[False][-1]))
        b, w = statistics.median(base), statistics.median(live)
        cost = 100 * (1 - w / b)
        cpu_cost = 100 * (1 - statistics.median(live_cpu) / statistics.median(base_cpu))
        info = {k: statistics.median(s[k] for s in stats) for k in ("frames", "full_draws", "draw_share",
                                                                      "messages_per_s")}
        load1 = os.getloadavg()[0]
        results[name] = dict(without=b, with_dashboard=w, cost_percent=cost, cpu_cost_percent=cpu_cost,
                             pair_cost_percent=statistics.median(pair_cost), pair_costs=pair_cost,
                             pair_cpu_costs=pair_cpu_cost, pair_own_work=pair_own,
                             runs_without=base, runs_with=live, load=(load0, load1), **info)
        print(f"{name}: without {b:,.0f} steps/s, with dashboard {w:,.0f} steps/s -> live plots cost {cost:.1f}% "
              f"(ratio of the medians of {repeats} ABBA pairs of {seconds:g}-s runs; per run: frames "
              f"{info['frames']:.0f}, full draws {info['full_draws']:.0f}, drawing {100 * info['draw_share']:.1f}% "
              f"of wall time, {info['messages_per_s']:.1f} widget messages/s; load average {load0:.1f} -> "
              f"{load1:.1f})", flush=True)
        print(f"  cost pair by pair, steps/s of wall time: {_spread(pair_cost)}", flush=True)
        print(f"  cost pair by pair, steps per CPU second (all threads): {_spread(pair_cpu_cost)}", flush=True)
        print(f"  runs without: {[round(x) for x in base]}  with: {[round(x) for x in live]}", flush=True)
        extra = 100 * (statistics.median(others[True]) - statistics.median(others[False]))
        results[name]["extra_cpu_percent"] = extra
        print(f"  CPU of the process's other threads per CPU second of the training thread: without "
              f"{100 * statistics.median(others[False]):.1f}%, with {100 * statistics.median(others[True]):.1f}% "
              f"-> the dashboard's own work is {extra:.1f}% of the training thread's (a load-robust figure; pair "
              f"by pair {_spread(pair_own)})", flush=True)
    return results


def frame_costs(frames: int = 30, steps: int = 3000) -> dict:
    """CPU milliseconds of this thread per frame of each panel (update from the history + render), browser-drawn
    and matplotlib, after `steps` training steps of the spiral MLP: a cost that machine load barely changes."""
    from nnstudio.studio.panels import GradientPanel, LossPanel
    from nnstudio.studio.panels.live import LiveGradientPanel, LiveLossPanel
    from nnstudio.train import Trainer

    make_model, data = _case("spiral_mlp")
    trainer = Trainer(make_model(), data, lr=0.01, epochs=EPOCHS["spiral_mlp"])
    out = {}
    for name, panel in (("loss, browser", LiveLossPanel()), ("loss, matplotlib", LossPanel()),
                        ("gradients, browser", LiveGradientPanel()), ("gradients, matplotlib", GradientPanel())):
        costs = []
        trainer.step(steps // frames)
        panel.update(trainer)
        panel.render()  # the first frame of a matplotlib panel is a full draw: not counted
        for _ in range(frames):
            trainer.step(steps // frames)
            c0 = time.thread_time()
            panel.update(trainer)
            panel.render()
            costs.append(time.thread_time() - c0)
        out[name] = 1000 * statistics.median(costs)
        print(f"  {name}: {out[name]:.2f} ms CPU per frame (median of {frames}, history of {trainer.steps} steps)",
              flush=True)
    return out


def _in_kernel(args) -> None:
    """Run `run()` inside a fresh ipykernel; drain IOPub as a front end would, print its output."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        code = (f"import sys; sys.path.insert(0, {os.path.join(ROOT, 'benchmarks')!r}); "
                f"sys.path.insert(0, {ROOT!r}); import bench_dashboard as b; b.SHARE.update({SHARE!r}); "
                f"from threadpoolctl import threadpool_limits; threadpool_limits(limits={args.threads}); "
                f"_r = b.run({tuple(args.cases)!r}, {args.repeats}, {args.seconds})")
        msg_id = kc.execute(code)
        widget_msgs = 0
        deadline = time.time() + 3600
        while time.time() < deadline:
            msg = kc.get_iopub_msg(timeout=600)
            kind = msg["msg_type"]
            if kind.startswith("comm"):
                widget_msgs += 1
            elif kind == "stream":
                print(msg["content"]["text"], end="", flush=True)
            elif kind == "error":
                print("\n".join(msg["content"]["traceback"]), file=sys.stderr)
            elif kind == "status" and msg["content"]["execution_state"] == "idle" and \
                    msg["parent_header"].get("msg_id") == msg_id:
                break
        print(f"(kernel mode: {widget_msgs} widget comm messages reached the client)")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", nargs="+", default=["spiral_mlp", "digits_cnn"])
    p.add_argument("--repeats", type=int, default=7, help="pairs of runs (without, with) per case")
    p.add_argument("--seconds", type=float, default=6.0, help="length of one timed run")
    p.add_argument("--kernel", action="store_true", help="run inside a Jupyter kernel (real IOPub messages)")
    p.add_argument("--frame-cost", action="store_true", help="CPU ms per frame of each panel, both renderers")
    p.add_argument("--json", help="write the results here")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (1: small models run best on one)")
    p.add_argument("--share", type=float, default=None, help="the dashboard's drawing budget (default: its own)")
    p.add_argument("--plots", choices=["browser", "matplotlib"], default="browser",
                   help="where the loss and gradient panels are drawn (the Dashboard's plots=)")
    args = p.parse_args()
    SHARE.update(share=args.share, plots=args.plots)
    import numpy
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(limits=args.threads)

    print(f"numpy {numpy.__version__}; BLAS threads limited to {args.threads}: "
          + ", ".join(f"{i['internal_api']} ({i['num_threads']} threads)" for i in threadpool_info())
          + f"; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    if args.frame_cost:
        frame_costs()
        return
    if args.kernel:
        _in_kernel(args)
        return
    results = run(tuple(args.cases), args.repeats, args.seconds)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
