"""Fixtures for tests that drive JupyterLab and Voila in a real browser (Playwright + Debian's Chromium).

Every test in tests/browser/ is marked `browser` (deselect with `-m "not browser"`) and skips, saying why, when
chromium (/usr/bin/chromium) or playwright is missing; `scripts/test.sh` installs chromium. Servers start once per
test session, only when a test asks for them, and run on 127.0.0.1 with a free port, in isolated Jupyter
config/data/runtime/workspace/settings/IPython folders under pytest's tmp dir (the news toast is off, and cells
stay in the DOM), with the repo on the kernels' PYTHONPATH.

Fixtures
    lab      session: a `_lab.LabServer` (JupyterLab, token auth). `lab.add_notebook(name, cells)` writes a
             notebook into its root folder (cells: code strings, or ("md", text)); `lab.copy_notebook(path)`
             copies one (e.g. "notebooks/02_playground.ipynb"); `lab.notebook_url(name)` is the notebook in a
             fresh workspace; `lab.api("/api/kernels")` calls the REST API. Shut down with POST /api/shutdown.
    voila    session: a `_lab.VoilaServer` with the same `add_notebook` / `copy_notebook`;
             `voila.notebook_url(name)` is `/voila/render/<name>`. Stopped with SIGTERM (kernels too).
    browser  session: a headless Playwright Chromium (executable_path=/usr/bin/chromium and the flags of
             shared/BROWSER-TESTING.md).
    page     function: a fresh context and page, 1400x1000, with 30 s default timeouts for actions, navigation
             and `expect`. A failing test leaves `test-artifacts/FAILED-<test>.png`.
    console_errors  function: the browser console's error messages of `page` so far (a list, filled live).

Helpers (import from `_lab`)
    open_notebook(page, lab, name)   go to the notebook in a fresh workspace; wait for cells and an idle kernel
    run_all(page)                    Run > Run All Cells, then wait until every code cell shows [n]: and idle
    wait_kernel_idle(page)           status bar reads "| Idle"
    cell_errors(page)                error outputs of the open notebook (assert it is empty after run_all)
    screenshot(locator, name)        PNG of one element into test-artifacts/ (gitignored); returns the path

Example
    pytestmark = pytest.mark.browser

    def test_train_button(lab, page):
        name = lab.add_notebook("train.ipynb", ["import nnstudio", "nnstudio.Studio()"])
        open_notebook(page, lab, name)
        run_all(page)
        page.locator(".nnstudio-train").click()          # select on the CSS classes your widget sets
        expect(page.locator(".nnstudio-state")).to_have_text("running")
        screenshot(page.locator(".nnstudio-studio"), "studio")

Give every widget you test a CSS class and select on it. Notes from shared/BROWSER-TESTING.md apply: Run All needs
the fresh-workspace URL; `page.screenshot(full_page=True)` misses the notebook's inner scroll area.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from _lab import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    LabServer,
    VoilaServer,
    browser_unavailable,
    module_unavailable,
)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Every test collected from this folder is a browser test."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report  # the page fixture screenshots failed tests
    return report


_CALL_REPORT = pytest.StashKey()


def _start(server_cls, tmp_path_factory):
    reason = browser_unavailable() or module_unavailable(server_cls.name)  # no server when no test can use it
    if reason:
        pytest.skip(reason)
    server = server_cls(tmp_path_factory.mktemp(server_cls.name)).start()
    yield server
    how = server.stop()
    if how not in ("clean", "not running"):
        warnings.warn(f"{server.name} did not stop cleanly (needed {how}); its log:\n{server.log_tail()}",
                      stacklevel=1)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A JupyterLab server for this session (see the module docstring)."""
    yield from _start(LabServer, tmp_path_factory)


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    """A Voila server for this session (see the module docstring)."""
    yield from _start(VoilaServer, tmp_path_factory)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright; skips the test when either is missing."""
    reason = browser_unavailable()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:
        pw.stop()
        pytest.skip(f"chromium at {CHROMIUM} did not start under Playwright: {exc}")
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page with 30 s timeouts; a failed test saves a screenshot of the page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    request.node.stash[_CONSOLE] = errors
    yield pg
    report = request.node.stash.get(_CALL_REPORT, None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"FAILED-{safe}.png"))
        except Exception:  # a crashed page must not hide the test's own failure
            pass
    context.close()


_CONSOLE = pytest.StashKey()


@pytest.fixture
def console_errors(page, request) -> list[str]:
    """The browser console's error messages of `page` (a live list)."""
    return request.node.stash[_CONSOLE]


@pytest.fixture(scope="session")
def expect():
    """Playwright's `expect`, with the 30 s timeout set by the `browser` fixture."""
    from playwright.sync_api import expect as _expect

    return _expect
