"""Teachable blocks in JupyterLab: hovering a block shows its formula; while training, the selected (and the
hovered) block shows live statistics of its weights and of its output, and the gradient histogram of the
dashboard follows the block selected on the canvas."""

from __future__ import annotations

import re

import pytest
from _lab import open_with_cells, screenshot

pytestmark = pytest.mark.browser

CELLS = ["import nnstudio\nstudio = nnstudio.Studio(design='mlp', epochs=5000)\nstudio"]


def test_hover_formula_live_stats_and_the_gradient_panel_follow(lab, page, expect, console_errors):
    open_with_cells(lab, page, "blocks.ipynb", CELLS)
    app = page.locator(".nnstudio-builder")
    linears = app.locator('.nnstudio-node[data-type="Linear"]')
    expect(linears.first).to_be_visible()
    first, second = linears.nth(0).get_attribute("data-node"), linears.nth(1).get_attribute("data-node")
    node = lambda n: app.locator(f'.nnstudio-node[data-node="{n}"]')  # noqa: E731
    card = app.locator(".nnstudio-hovercard")

    # hover: the card shows the block's help and the formula of its shape rule, as the inspector does
    node(first).hover()
    expect(card).to_be_visible()
    expect(card.locator(".nnstudio-hover-formula")).to_contain_text("out_features")
    expect(card).to_contain_text("Fully connected")
    expect(card.locator(f'.nnstudio-stat-weight[data-stat="{first}.weight"]')).to_be_visible()  # weights at once
    expect(card.locator(".nnstudio-stats-later")).to_contain_text("trains")  # its output: once it trains
    screenshot(app, "blocks-hover")
    app.locator(".nnstudio-palette-search").hover()
    expect(card).to_be_hidden()

    # select a block, then train: its weights and output statistics arrive and keep moving
    node(second).click()
    expect(app.locator(".nnstudio-ins-name")).to_have_text(second)
    grads = page.locator(".nnstudio-param-select select")
    expect(grads).to_have_value(f"{second}.weight")  # the gradient histogram follows the selection
    stats = app.locator(".nnstudio-inspector .nnstudio-ins-stats")
    expect(stats.locator(f'.nnstudio-stat-weight[data-stat="{second}.weight"]')).to_be_visible()  # weights at once
    page.locator(".nnstudio-train").first.click()
    expect(page.locator(".nnstudio-state")).to_have_text("running")
    expect(stats.locator(".nnstudio-stat-output")).to_be_visible()
    expect(stats.locator(".nnstudio-stat-output .nnstudio-stat-mean")).to_contain_text(re.compile(r"mean -?[0-9]"))
    expect(stats.locator(".nnstudio-stat-output .nnstudio-hist rect")).to_have_count(16)
    step = int(app.get_attribute("data-stats-step") or 0)
    page.wait_for_function(
        f"() => Number(document.querySelector('.nnstudio-builder').dataset.statsStep) > {step}")  # live

    # selecting another block while training: no confirm dialog, its stats come, the gradient panel follows
    node(first).click()
    expect(app.locator(".nnstudio-confirm")).to_have_count(0)
    expect(grads).to_have_value(f"{first}.weight")
    expect(stats.locator(f'.nnstudio-stat-weight[data-stat="{first}.weight"]')).to_be_visible()
    expect(stats.locator(".nnstudio-stat-output")).to_be_visible()

    # hovering another block while training shows its statistics in the card
    node(second).hover()
    expect(card.locator(f'.nnstudio-stat-weight[data-stat="{second}.bias"]')).to_be_visible()
    expect(card.locator(".nnstudio-stat-output")).to_be_visible()
    screenshot(page.locator(".nnstudio-studio"), "blocks-training")
    page.locator(".nnstudio-pause").first.click()
    expect(page.locator(".nnstudio-state")).to_have_text("paused")
    assert not [e for e in console_errors if "nnstudio" in e.lower() or "builder" in e.lower()], console_errors
