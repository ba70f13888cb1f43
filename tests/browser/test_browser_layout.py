"""The Studio's layout on classroom screens: after Train, the canvas and the loss panel are in view together.

Measured with element bounding boxes against what the notebook's scroll area shows (no scrolling after the Studio
is brought to the top of it): at 1366x768 in JupyterLab with the file browser open, at least 70% of the canvas and
the whole loss panel; at 1440x900 the same; at 1920x1080 the gradient panel and the decision boundary too.
Screenshots of the window at each size go to test-artifacts/layout-<w>x<h>.png (NNSTUDIO_UPDATE_DOCS=1 copies
the 1920x1080 one, where every panel shows, to docs/studio.png for the README). A narrow notebook stacks the
dashboard below the builder; Voila and Notebook 7 dock it as JupyterLab does.
"""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
from _lab import ARTIFACTS, REPO, open_with_cells

pytestmark = pytest.mark.browser

SIZES = [(1366, 768), (1440, 900), (1920, 1080)]

# the fraction of an element's box inside the visible part of its scroll container and of the window
_VISIBLE = """(el) => {
    let r = el.getBoundingClientRect();
    let top = 0, left = 0, bottom = window.innerHeight, right = window.innerWidth;
    for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (/(auto|scroll)/.test(s.overflowY) && p.scrollHeight > p.clientHeight + 1) {
            const q = p.getBoundingClientRect();
            top = Math.max(top, q.top); left = Math.max(left, q.left);
            bottom = Math.min(bottom, q.bottom); right = Math.min(right, q.right);
        }
    }
    const w = Math.max(0, Math.min(r.right, right) - Math.max(r.left, left));
    const h = Math.max(0, Math.min(r.bottom, bottom) - Math.max(r.top, top));
    return {fraction: r.width * r.height > 0 ? (w * h) / (r.width * r.height) : 0,
            box: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]};
}"""


def _fractions(studio) -> dict:
    hooks = {"canvas": ".nnstudio-canvas", "loss": ".nnstudio-plot-loss", "grads": ".nnstudio-plot-grads",
             "boundary": ".nnstudio-plot-boundary", "train": ".nnstudio-train"}
    return {k: studio.locator(sel).first.evaluate(_VISIBLE) for k, sel in hooks.items()}


def _to_top(studio) -> None:
    """Scroll the notebook so that the Studio's top is at the top of the visible area (what a user does)."""
    studio.evaluate("el => el.scrollIntoView({block: 'start'})")
    time.sleep(0.4)


def _settle(page, studio) -> None:
    page.wait_for_timeout(600)  # the container queries and the images' sizes settle
    _to_top(studio)


def test_canvas_and_loss_in_view_at_classroom_sizes(lab, page, expect):
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    open_with_cells(lab, page, "layout.ipynb", ["import nnstudio", "studio = nnstudio.Studio(epochs=5000)\nstudio"])
    expect(page.locator(".jp-FileBrowser").first).to_be_visible()  # as studio.sh opens it: the file browser shown
    studio = page.locator(".nnstudio-studio").first
    expect(studio.locator(".nnstudio-node").first).to_be_visible()
    expect(studio.locator(".nnstudio-plot-loss").first).to_be_visible()
    _to_top(studio)
    studio.locator(".nnstudio-train").first.click()
    expect(studio.locator(".nnstudio-state").first).to_have_text("running")
    measured = {}
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in SIZES:
        if width == SIZES[-1][0]:
            page.wait_for_timeout(4000)  # the README's picture: let it learn the spiral a little
        page.set_viewport_size({"width": width, "height": height})
        _settle(page, studio)
        f = _fractions(studio)
        measured[f"{width}x{height}"] = {k: round(v["fraction"], 3) for k, v in f.items()}
        page.screenshot(path=str(ARTIFACTS / f"layout-{width}x{height}.png"))
    studio.locator(".nnstudio-pause").first.click()
    (ARTIFACTS / "layout-fractions.json").write_text(json.dumps(measured, indent=1))
    print(json.dumps(measured))
    for size, f in measured.items():
        assert f["canvas"] >= 0.70, (size, measured)
        assert f["loss"] >= 0.999, (size, measured)
        assert f["train"] >= 0.999, (size, measured)
    assert measured["1920x1080"]["grads"] >= 0.999 and measured["1920x1080"]["boundary"] >= 0.999, measured
    if os.environ.get("NNSTUDIO_UPDATE_DOCS"):
        (REPO / "docs").mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / "layout-1920x1080.png", REPO / "docs" / "studio.png")


def test_narrow_notebook_stacks_the_dashboard_below(lab, page, expect):
    page.set_viewport_size({"width": 820, "height": 900})
    open_with_cells(lab, page, "narrow.ipynb", ["import nnstudio", "nnstudio.Studio(epochs=3)"])
    studio = page.locator(".nnstudio-studio").first
    expect(studio.locator(".nnstudio-plot-loss").first).to_be_visible()
    canvas = studio.locator(".nnstudio-canvas").first.bounding_box()
    dash = studio.locator(".nnstudio-dashboard").first.bounding_box()
    assert dash["y"] >= canvas["y"] + canvas["height"] - 1, (canvas, dash)  # stacked: the dashboard below
    studio_box = studio.bounding_box()
    assert dash["x"] + dash["width"] <= studio_box["x"] + studio_box["width"] + 1  # nothing sticks out
    studio.locator(".nnstudio-train").first.click()
    expect(studio.locator(".nnstudio-progress-text").first).to_contain_text("epoch 3/3")
    page.screenshot(path=str(ARTIFACTS / "layout-narrow.png"))


def test_voila_docks_the_dashboard_at_1366(voila, page, expect):
    page.set_viewport_size({"width": 1366, "height": 768})
    name = voila.copy_notebook("notebooks/02_playground.ipynb")
    page.goto(voila.notebook_url(name), timeout=120_000)  # Voila runs the notebook before it answers
    studio = page.locator(".nnstudio-studio").first
    expect(studio.locator(".nnstudio-plot-loss").first).to_be_visible()
    expect(studio.locator(".nnstudio-node").first).to_be_visible()
    page.wait_for_timeout(600)
    _to_top(studio)
    f = _fractions(studio)
    page.screenshot(path=str(ARTIFACTS / "layout-voila-1366x768.png"))
    assert f["canvas"]["fraction"] >= 0.70 and f["loss"]["fraction"] >= 0.999, f


def _notebook7_python() -> str | None:
    """A Python with Notebook 7 (`notebook` from PyPI): NNSTUDIO_NOTEBOOK7_PYTHON, or this one when it has it."""
    import importlib.util
    import sys

    return os.environ.get("NNSTUDIO_NOTEBOOK7_PYTHON") or (
        sys.executable if importlib.util.find_spec("notebook") else None)


@pytest.mark.skipif(_notebook7_python() is None, reason="Notebook 7 is not installed (pip install notebook, or set "
                                                         "NNSTUDIO_NOTEBOOK7_PYTHON to a Python that has it)")
def test_notebook7_docks_the_dashboard_at_1366(browser, tmp_path):
    import secrets
    import subprocess
    import urllib.request

    from _lab import free_port, isolated_env, write_notebook

    root = tmp_path / "nb"
    write_notebook(root / "nb7.ipynb", ["import nnstudio", "nnstudio.Studio(epochs=5000)"])
    port, token = free_port(), secrets.token_hex(8)
    log = (tmp_path / "notebook.log").open("wb")
    proc = subprocess.Popen([_notebook7_python(), "-m", "notebook", "--no-browser", "--allow-root",
                             "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
                             f"--ServerApp.root_dir={root}"], env=isolated_env(tmp_path), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "Notebook 7 did not start"
                time.sleep(0.5)
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{base}/notebooks/nb7.ipynb?token={token}")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for()
        page.wait_for_timeout(3000)  # the kernel connects
        page.locator('.lm-MenuBar-item:has-text("Run")').first.click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        studio = page.locator(".nnstudio-studio").first
        studio.locator(".nnstudio-plot-loss").first.wait_for()
        studio.locator(".nnstudio-node").first.wait_for()
        _settle(page, studio)
        studio.locator(".nnstudio-train").first.click()
        page.wait_for_timeout(1500)
        f = _fractions(studio)
        page.screenshot(path=str(ARTIFACTS / "layout-notebook7-1366x768.png"))
        studio.locator(".nnstudio-pause").first.click()
        context.close()
        assert f["canvas"]["fraction"] >= 0.70 and f["loss"]["fraction"] >= 0.999, f
    finally:
        try:
            req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST", data=b"")
            urllib.request.urlopen(req, timeout=10)
            proc.wait(timeout=20)
        except Exception:  # noqa: BLE001 - the server is ended either way
            proc.kill()
