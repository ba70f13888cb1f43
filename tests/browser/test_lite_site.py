"""The static JupyterLite site (scripts/lite_site.sh): built without network, served by a plain static server,
the start notebook runs in Pyodide inside Chromium, Train moves the loss panel and Pause freezes it.

The build needs what `scripts/lite_site.sh --prepare` downloads once (scripts/test.sh runs it): the build tools in
build/lite-tools and the pinned packages in build/lite-cache. The test builds the site once per session into its
tmp dir, under `unshare -n` (no network at all) where that works, and prints the site's size, the time from
opening the page to a ready Studio, and the training speed there. Screenshots: test-artifacts/lite-*.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from _lab import REPO, cell_errors, free_port, screenshot, wait_for_change

pytestmark = pytest.mark.browser

TOOLS = Path(os.environ.get("NNSTUDIO_LITE_TOOLS", REPO / "build" / "lite-tools"))  # as scripts/lite_site.sh
CACHE = Path(os.environ.get("NNSTUDIO_LITE_CACHE", REPO / "build" / "lite-cache"))
LOAD_MS = 240_000  # Pyodide, numpy, matplotlib and the wheels on 2 busy cores: about a minute, allow four


def _prepared() -> str | None:
    if not (TOOLS / "bin" / "jupyter-lite").exists() or not (CACHE / "pyodide-0.27.7.tgz").exists():
        return "the site's build tools or downloads are missing: run `bash scripts/lite_site.sh --prepare`"
    return None


def _offline_prefix() -> list[str]:
    """`unshare -n` (a network namespace with no interfaces) when it works here, else nothing."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory):
    """The built site's folder (built once per session, offline) and how it was built."""
    why = _prepared()
    if why:
        pytest.skip(why)
    out = tmp_path_factory.mktemp("lite") / "site"
    offline = _offline_prefix()
    t0 = time.monotonic()
    result = subprocess.run([*offline, "bash", str(REPO / "scripts" / "lite_site.sh"), "--build-only", "--offline",
                             "--out", str(out)], capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - t0
    assert result.returncode == 0, f"the site build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"\n[lite] built {'under unshare -n ' if offline else ''}in {seconds:.1f} s: {size / 1e6:.1f} MB in {out}")
    return {"path": out, "offline": bool(offline), "bytes": size, "seconds": seconds}


@pytest.fixture(scope="session")
def lite_server(lite_site):
    """`python -m http.server` on the site (any static host would do); yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                             str(lite_site["path"]), str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(base + "/jupyter-lite.json", timeout=2):
                break
        except OSError:
            assert time.monotonic() < deadline, "the static server did not answer"
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(10)


def test_the_site_is_self_contained(lite_site):
    """Everything the browser loads is in the folder: local Pyodide, no PyPI fallback, a lock trimmed to the files
    shipped, the start notebook first installing nnstudio from the site's own wheel."""
    import json

    site = lite_site["path"]
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.js" and kernel["disablePyPIFallback"] is True
    lock = json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert {"numpy", "matplotlib", "micropip", "ipython"} <= set(lock["packages"])
    for entry in lock["packages"].values():
        assert (site / "static" / "pyodide" / entry["file_name"]).exists(), entry["file_name"]
    wheels = json.loads((site / "pypi" / "all.json").read_text())
    assert {"nnstudio", "ipywidgets", "anywidget", "comm"} <= set(wheels)
    nb = json.loads((site / "files" / "00_start_here.ipynb").read_text())
    assert "%pip install" in "".join(nb["cells"][0]["source"]) and nb["metadata"]["kernelspec"]["name"] == "python"
    assert {p.name for p in (REPO / "notebooks").glob("*.ipynb")} <= {p.name for p in (site / "files").iterdir()}


def test_a_mismatching_package_file_stops_the_build(tmp_path):
    """The sha256 check: a provider wheel whose numpy differs from the official lock's is refused."""
    import zipfile

    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import lite_site as build
    finally:
        sys.path.pop(0)
    why = _prepared()
    if why:
        pytest.skip(why)
    lock = build.unpack_core(CACHE / f"pyodide-{build.PYODIDE_VERSION}.tgz", tmp_path / "core")
    bad = tmp_path / build.PROVIDER
    entry = lock["packages"]["numpy"]
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr(build.PROVIDER_DIR + entry["file_name"], b"not numpy")
    (tmp_path / "out").mkdir()
    with pytest.raises(build.BuildError, match=r"numpy-.*sha256.*official Pyodide 0\.27\.7 lock.*refusing"):
        build.copy_verified(bad, lock, ["numpy"], tmp_path / "out")


def test_start_notebook_trains_in_the_browser_and_pause_freezes_it(lite_site, lite_server, page, expect):
    page.set_viewport_size({"width": 1400, "height": 2000})
    t0 = time.monotonic()
    page.goto(f"{lite_server}/")  # the site's front page forwards to the start notebook
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible", timeout=LOAD_MS)
    page.locator(".jp-StatusBar-TextItem", has_text="Idle").first.wait_for(state="visible", timeout=LOAD_MS)
    page.locator('.lm-MenuBar-item:has-text("Run")').first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    studio = page.locator(".nnstudio-studio")
    loss = studio.locator(".nnstudio-plot-loss").first
    loss.wait_for(state="visible", timeout=LOAD_MS)
    ready_s = time.monotonic() - t0
    assert cell_errors(page) == []

    epochs = studio.locator('.nnstudio-control:has(label:text-is("epochs")) input').first
    epochs.fill("20000")  # long enough that Pause, not the last epoch, is what stops it
    epochs.press("Enter")
    time.sleep(1.0)
    before = loss.screenshot()
    screenshot(studio, "lite-studio-ready")
    studio.locator(".nnstudio-train").first.click()
    wait_for_change(loss, before, timeout_s=60)
    progress = studio.locator(".nnstudio-progress-text").first
    expect(progress).to_contain_text("steps/s", timeout=30_000)
    s0, t_s0 = _steps(progress.inner_text()), time.monotonic()
    time.sleep(6.0)
    s1, t_s1 = _steps(progress.inner_text()), time.monotonic()
    rate = (s1 - s0) / (t_s1 - t_s0)
    shown = re.search(r"([0-9,]+) steps/s", progress.inner_text())
    screenshot(studio, "lite-studio-training")
    errors = studio.locator(".nnstudio-error").all_inner_texts()
    assert errors == [], f"the dashboard reported errors in Pyodide: {errors}"

    clicked = time.monotonic()
    studio.locator(".nnstudio-pause").first.click()
    expect(studio.locator(".nnstudio-state").first).to_have_text("paused", timeout=30_000)
    pause_s = time.monotonic() - clicked
    time.sleep(1.0)
    paused = loss.screenshot()
    steps_paused = _steps(progress.inner_text())
    time.sleep(1.5)
    assert loss.screenshot() == paused, "the loss panel kept moving after Pause"
    assert _steps(progress.inner_text()) == steps_paused
    path = screenshot(studio, "lite-studio-paused")
    assert s1 > s0 > 0 and path.stat().st_size > 10_000
    print(f"\n[lite] site {lite_site['bytes'] / 1e6:.1f} MB; page to ready Studio {ready_s:.1f} s; training "
          f"{rate:.0f} steps/s by the step counter (dashboard shows {shown.group(1) if shown else '?'} steps/s); "
          f"Pause shown after {pause_s:.2f} s; screenshots in {Path(path).parent}")


def _steps(progress_text: str) -> int:
    found = re.search(r"step ([0-9,]+)", progress_text)
    assert found, progress_text
    return int(found.group(1).replace(",", ""))
