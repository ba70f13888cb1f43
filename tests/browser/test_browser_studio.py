"""The whole Studio in JupyterLab: Train moves the loss panel, Pause holds it, Step advances it, editing while
training asks first."""

from __future__ import annotations

import time

import pytest
from _lab import ARTIFACTS, demo_cells, open_with_cells, screenshot, wait_for_change

pytestmark = pytest.mark.browser


def test_train_pause_step_and_edit_while_training(lab, page, expect):
    page.set_viewport_size({"width": 1400, "height": 2200})  # tall enough to show the whole app in one picture
    # the demo notebook, training long enough (the default 100 epochs of spiral end within a second or two)
    cells = [c.replace("nnstudio.Studio()", "nnstudio.Studio(epochs=5000)") if isinstance(c, str) else c
             for c in demo_cells()]
    assert any("Studio(epochs=5000)" in c for c in cells if isinstance(c, str))
    open_with_cells(lab, page, "studio.ipynb", cells)
    studio = page.locator(".nnstudio-studio")
    expect(studio.locator(".nnstudio-node").first).to_be_visible()
    for hook in (".nnstudio-train", ".nnstudio-pause", ".nnstudio-step", ".nnstudio-reset", ".nnstudio-plot-loss"):
        expect(studio.locator(hook).first).to_be_visible()
    # the residual starter: a skip connection on the canvas, trained on the spiral
    studio.locator(".nnstudio-design").select_option("residual")
    expect(studio.locator('.nnstudio-node[data-type="Add"]')).to_have_count(1)
    expect(studio.locator("path.nnstudio-wire.is-skip")).to_have_count(1)
    loss = studio.locator(".nnstudio-plot-loss").first
    before = loss.screenshot()

    studio.locator(".nnstudio-train").first.click()
    during = wait_for_change(loss, before)

    # editing while training asks first; "Keep training" leaves the design alone
    victim = studio.locator('.nnstudio-node[data-type="Linear"]').first
    victim.click()
    victim.press("Delete")
    dialog = studio.locator(".nnstudio-confirm")
    expect(dialog).to_be_visible()
    n_nodes = studio.locator(".nnstudio-node").count()
    dialog.locator(".nnstudio-confirm-no").click()
    expect(dialog).to_have_count(0)
    assert studio.locator(".nnstudio-node").count() == n_nodes

    time.sleep(2.5)  # let it learn a little for the screenshot
    studio.locator(".nnstudio-pause").first.click()
    time.sleep(1.0)
    paused = loss.screenshot()
    time.sleep(1.0)
    assert loss.screenshot() == paused, "the loss panel kept moving after Pause"
    # Step: exactly one more optimizer step (after thousands of steps one more point can be invisible at the loss
    # panel's resolution, so the progress line is the witness; the Python tests check the panel's data after Step)
    progress = studio.locator(".nnstudio-progress-text").first
    steps_before = _step_count(progress.inner_text())
    studio.locator(".nnstudio-step").first.click()
    expect(progress).to_contain_text(f"step {steps_before + 1:,}")
    assert during != before

    path = screenshot(studio, "studio")  # (the README's picture comes from test_browser_layout.py)
    assert path.stat().st_size > 10_000 and ARTIFACTS in path.parents


def _step_count(progress_text: str) -> int:
    """The step number in the dashboard's progress line ("epoch 193/5000 · step 2,908 · loss ...")."""
    import re

    found = re.search(r"step ([0-9,]+)", progress_text)
    assert found, progress_text
    return int(found.group(1).replace(",", ""))
