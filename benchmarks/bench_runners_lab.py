"""Thread vs asyncio runner in a real JupyterLab kernel, the Studio's dashboard attached (Chromium via Playwright).

    .venv/bin/python benchmarks/bench_runners_lab.py [--rounds 2] [--seconds 10]

For each round and runner (alternating), a fresh kernel opens the Studio on the spiral MLP
(`nnstudio.Studio(epochs=100000, runner=...)`), Train is clicked, and after a 3 s warm-up the script reads the
dashboard's step counter and the kernel process's CPU time over `--seconds`; then it clicks Pause and times how
long until the dashboard says "paused". Reports steps/s (wall), steps per kernel CPU second (what a loaded machine
distorts least), and the Pause latency. Prints one JSON line per run and a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from _lab import CHROMIUM, CHROMIUM_ARGS, LabServer, cell_errors, open_notebook, run_all  # noqa: E402


def kernel_cpu_seconds(base: Path) -> float:
    """utime + stime of the kernels this lab server started (their connection files live under `base`)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if "ipykernel_launcher" not in cmd or str(base) not in cmd:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return total


def steps_of(text: str) -> int:
    found = re.search(r"step ([0-9,]+)", text)
    return int(found.group(1).replace(",", "")) if found else 0


def shutdown_kernels(lab: LabServer) -> None:
    for kernel in lab.api("/api/kernels") or []:
        req = urllib.request.Request(lab.url(f"/api/kernels/{kernel['id']}"), method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()


def one_run(lab: LabServer, browser, runner: str, index: int, seconds: float) -> dict:
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.set_default_timeout(120_000)
    try:
        name = lab.add_notebook(f"bench_{runner}_{index}.ipynb", [
            "import nnstudio",
            f"studio = nnstudio.Studio(epochs=100000, runner={runner!r})\nstudio"])
        open_notebook(page, lab, name, timeout_ms=120_000)
        run_all(page, timeout_ms=120_000)
        assert cell_errors(page) == [], cell_errors(page)
        studio = page.locator(".nnstudio-studio")
        progress = studio.locator(".nnstudio-progress-text").first
        studio.locator(".nnstudio-train").first.click()
        page.wait_for_function("() => /steps\\/s/.test(document.querySelector('.nnstudio-progress-text')"
                               "?.textContent || '')")
        time.sleep(3.0)
        s0, c0, t0 = steps_of(progress.inner_text()), kernel_cpu_seconds(lab.base), time.monotonic()
        time.sleep(seconds)
        s1, c1, t1 = steps_of(progress.inner_text()), kernel_cpu_seconds(lab.base), time.monotonic()
        clicked = time.monotonic()
        studio.locator(".nnstudio-pause").first.click()
        studio.locator(".nnstudio-state", has_text="paused").first.wait_for(state="visible")
        pause_s = time.monotonic() - clicked
        return {"runner": runner, "round": index, "steps_per_s": (s1 - s0) / (t1 - t0),
                "steps_per_cpu_s": (s1 - s0) / max(c1 - c0, 1e-9), "pause_s": pause_s,
                "load": os.getloadavg()[0]}
    finally:
        page.close()
        shutdown_kernels(lab)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    base = Path(tempfile.mkdtemp(prefix="bench-runners-"))
    lab = LabServer(base).start()
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for i in range(args.rounds):
                for runner in ("thread", "asyncio") if i % 2 == 0 else ("asyncio", "thread"):
                    r = one_run(lab, browser, runner, i, args.seconds)
                    print(json.dumps(r), flush=True)
                    results.append(r)
            browser.close()
    finally:
        lab.stop()
    for runner in ("thread", "asyncio"):
        rs = [r for r in results if r["runner"] == runner]
        print(f"{runner:8s} steps/s {statistics.median(r['steps_per_s'] for r in rs):7.0f}   steps per kernel CPU s "
              f"{statistics.median(r['steps_per_cpu_s'] for r in rs):7.0f}   Pause shown after "
              f"{statistics.median(r['pause_s'] for r in rs):.2f} s   "
              f"(load {statistics.mean(r['load'] for r in rs):.1f})")


if __name__ == "__main__":
    main()
