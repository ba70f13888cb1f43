"""The classroom page: `voila notebooks/02_playground.ipynb` serves the Studio with the code hidden, and it trains."""

from __future__ import annotations

import time

from _lab import screenshot, wait_for_change


def test_playground_as_a_voila_app(voila, page, expect):
    page.set_viewport_size({"width": 1400, "height": 2200})
    name = voila.copy_notebook("notebooks/02_playground.ipynb")
    page.goto(voila.notebook_url(name))
    studio = page.locator(".nnstudio-studio")
    expect(studio).to_be_visible()
    expect(studio.locator(".nnstudio-node").first).to_be_visible()
    # app mode: no code on the page, only the app and the notebook's prose
    assert page.locator(".jp-InputArea-editor, .CodeMirror, .cm-editor").count() == 0
    assert "nnstudio.Studio(" not in page.locator("body").inner_text()
    expect(page.locator("body")).to_contain_text("untangle a spiral")

    loss = studio.locator(".nnstudio-plot-loss").first
    before = loss.screenshot()
    studio.locator(".nnstudio-train").first.click()
    wait_for_change(loss, before)
    time.sleep(1.5)
    studio.locator(".nnstudio-pause").first.click()
    screenshot(studio, "voila-playground")
