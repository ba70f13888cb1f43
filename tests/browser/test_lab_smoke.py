"""The browser infrastructure works: a widget renders in JupyterLab and in Voila, and a click reaches the kernel."""

from __future__ import annotations

import pytest
from _lab import cell_errors, open_notebook, run_all, screenshot

pytestmark = pytest.mark.browser

SMOKE_CELLS = [
    ("md", "# Smoke test\nA button whose clicks the kernel counts."),
    """import ipywidgets as widgets

count = widgets.IntText(value=0)
count.add_class("smoke-count")
button = widgets.Button(description="Click me")
button.add_class("smoke-button")


def on_click(_):
    count.value += 1
    button.description = f"clicked {count.value}"


button.on_click(on_click)
box = widgets.VBox([button, count])
box.add_class("smoke-box")
box""",
]


def test_lab_button_click_reaches_the_kernel(lab, page, expect, console_errors):
    name = lab.add_notebook("smoke.ipynb", SMOKE_CELLS)
    open_notebook(page, lab, name)
    run_all(page)
    assert cell_errors(page) == []
    button = page.locator(".smoke-button")
    expect(button).to_have_text("Click me")
    button.click()
    expect(button).to_have_text("clicked 1")  # the kernel's handler ran and synced the new description back
    button.click()
    expect(page.locator(".smoke-count input")).to_have_value("2")
    path = screenshot(page.locator(".smoke-box"), "lab-smoke")
    assert path.stat().st_size > 0
    kernels = lab.api("/api/kernels")
    assert len(kernels) >= 1 and all(k["execution_state"] in ("idle", "busy") for k in kernels)


def test_lab_reports_cell_errors(lab, page):
    cells = ["import warnings; warnings.warn('only a warning')", "raise ValueError('smoke: expected failure')"]
    name = lab.add_notebook("broken.ipynb", cells)
    open_notebook(page, lab, name)
    run_all(page)
    errors = cell_errors(page)
    assert len(errors) == 1 and "ValueError: smoke: expected failure" in errors[0]


def test_voila_button_click_reaches_the_kernel(voila, page, expect):
    name = voila.add_notebook("smoke.ipynb", SMOKE_CELLS)
    page.goto(voila.notebook_url(name))
    button = page.locator(".smoke-button")
    expect(button).to_have_text("Click me")
    button.click()
    expect(button).to_have_text("clicked 1")
    expect(page.locator(".smoke-count input")).to_have_value("1")
    assert "import ipywidgets" not in page.content()  # Voila hides the code
    screenshot(page.locator(".smoke-box"), "voila-smoke")
