"""Browser-test machinery (no tests here): JupyterLab and Voila servers in isolated folders, and page helpers.

`conftest.py` turns these into fixtures; widget tests use the fixtures and the helpers below.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("NNSTUDIO_CHROMIUM", "/usr/bin/chromium")  # Debian's; override for another distro
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000  # kernel start to rendered widget takes ~5 s on 2 cores; Playwright's 5 s default is too tight
SERVER_START_S = 60.0

# JupyterLab user settings written for every test server: no news toast, and every cell kept in the DOM
# (JupyterLab 4 otherwise virtualises cells that are off screen).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                         "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


# ---- availability ---------------------------------------------------------------------------------------------
def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not os.path.exists(CHROMIUM):
        return f"chromium is not installed at {CHROMIUM} (scripts/test.sh installs it: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; never `playwright install`)"
    return None


def module_unavailable(module: str) -> str | None:
    """Why `python -m module` cannot run here, or None."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        return f"{module} is not installed (pip install -e '.[dev]')"
    return None


# ---- notebooks ------------------------------------------------------------------------------------------------
def write_notebook(path: Path, cells: list[str | tuple[str, str]]) -> Path:
    """Write a notebook with the python3 kernelspec. A cell is code text, or ("md", text) for markdown."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in cells:
        if isinstance(cell, tuple):
            kind, text = cell
            nb.cells.append(new_markdown_cell(text) if kind == "md" else new_code_cell(text))
        else:
            nb.cells.append(new_code_cell(cell))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# ---- servers --------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(base: Path) -> dict[str, str]:
    """Environment for a server whose Jupyter config, data, runtime, workspaces, settings and IPython live in
    `base` (never the user's), with the repo importable in its kernels."""
    env = dict(os.environ)
    dirs = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "JUPYTERLAB_SETTINGS_DIR": "settings", "IPYTHONDIR": "ipython"}
    for var, sub in dirs.items():
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(base / sub)
    for rel, settings in LAB_SETTINGS.items():
        path = base / "settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["MPLBACKEND"] = env.get("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    env.pop("JUPYTER_TOKEN", None)
    return env


class _Server:
    """A server process in its own session, logging to a file; `stop()` ends it and its kernels."""

    name = "server"

    def __init__(self, base: Path):
        self.base = base
        self.root = base / "notebooks"
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log_path = base / f"{self.name}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _ready_url(self) -> str:
        raise NotImplementedError

    def start(self) -> _Server:
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(self._command(), cwd=self.root, env=isolated_env(self.base), stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.proc.returncode} before answering:\n"
                                   f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(self._ready_url(), timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {self._ready_url()} in {SERVER_START_S:.0f} s:\n"
                           f"{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _request_stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)

    def stop(self, wait_s: float = 15.0) -> str:
        """End the server: its clean shutdown first, then SIGTERM, then SIGKILL. Returns how it ended."""
        if self.proc is None or self.proc.poll() is not None:
            return "not running"
        how = "clean"
        try:
            self._request_stop()
            self.proc.wait(wait_s)
        except (subprocess.TimeoutExpired, OSError, urllib.error.URLError):
            how = "SIGTERM"
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(5)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                how = "SIGKILL"
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(5)
        return how

    # notebooks the test provides
    def add_notebook(self, name: str, cells: list[str | tuple[str, str]]) -> str:
        """Write a notebook into this server's root folder; returns its name (a path relative to the root)."""
        write_notebook(self.root / name, cells)
        return name

    def copy_notebook(self, source: str | Path, name: str | None = None) -> str:
        """Copy an existing notebook (e.g. one of the repo's notebooks/) into the root folder."""
        source = Path(source)
        if not source.is_absolute():
            source = REPO / source
        name = name or source.name
        (self.root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, self.root / name)
        return name


class LabServer(_Server):
    """JupyterLab on 127.0.0.1, a random token and a free port, everything isolated under `base`."""

    name = "jupyterlab"

    def __init__(self, base: Path):
        super().__init__(base)
        self.token = secrets.token_hex(16)

    def _command(self) -> list[str]:
        return [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
                f"--port={self.port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}", "--LabApp.news_url=None"]

    def _ready_url(self) -> str:
        return self.url("/api/status")

    def url(self, path: str) -> str:
        """Server URL of `path` with the token."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}"

    def notebook_url(self, name: str) -> str:
        """The notebook `name` in a fresh workspace (a restored tab can never make "Run All" run the wrong one)."""
        return self.url(f"/lab/workspaces/t{uuid.uuid4().hex[:12]}/tree/{name}")

    def api(self, path: str, method: str = "GET") -> dict | list | None:
        """Call the REST API (`/api/...`); returns the decoded JSON or None."""
        req = urllib.request.Request(self.url(path), method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def _request_stop(self) -> None:
        self.api("/api/shutdown", method="POST")  # kernels shut down cleanly (a plain SIGINT would orphan them)


class VoilaServer(_Server):
    """Voila serving its root folder on 127.0.0.1 and a free port; pages at `/voila/render/<name>`."""

    name = "voila"

    def _command(self) -> list[str]:
        return [sys.executable, "-m", "voila", str(self.root), "--no-browser", "--Voila.ip=127.0.0.1",
                f"--port={self.port}", "--Voila.port_retries=0", "--show_tracebacks=True"]

    def _ready_url(self) -> str:
        return self.base_url + "/"

    def notebook_url(self, name: str) -> str:
        return f"{self.base_url}/voila/render/{name}"

    def _request_stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)  # Voila shuts its kernels down on SIGTERM


# ---- page helpers ---------------------------------------------------------------------------------------------
def wait_kernel_idle(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until JupyterLab's status bar says the kernel is idle."""
    page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(state="visible", timeout=timeout_ms)


def open_notebook(page, lab: LabServer, name: str, timeout_ms: int = TIMEOUT_MS) -> None:
    """Open notebook `name` (in `lab`'s root) in a fresh workspace and wait for its cells and an idle kernel."""
    page.goto(lab.notebook_url(name))
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(state="visible", timeout=timeout_ms)
    wait_kernel_idle(page, timeout_ms)


def wait_cells_ran(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until every code cell of the open notebook shows `[n]:` and the kernel is idle again."""
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) '
                                                          + '.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]:/.test(p.textContent));
        }""",
        timeout=timeout_ms,
    )
    wait_kernel_idle(page, timeout_ms)


def run_all(page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Run > Run All Cells in JupyterLab, then wait for every cell to finish."""
    page.locator('.lm-MenuBar-item:has-text("Run")').first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    wait_cells_ran(page, timeout_ms)


def cell_errors(page) -> list[str]:
    """Texts of the outputs of the open notebook that show a Python traceback: error outputs, and tracebacks
    printed to stderr (a failing thread's, for one). Plain stderr text such as a warning is not an error.
    Assert it is empty after `run_all`."""
    texts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
                         "[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    return [t for t in texts if "Traceback" in t]


def screenshot(locator, name: str) -> Path:
    """Save a PNG of one element (not the page: JupyterLab scrolls inside the notebook) to test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (name if name.endswith(".png") else f"{name}.png")
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    return path


def wait_for_change(locator, before: bytes, timeout_s: float = 30.0) -> bytes:
    """Poll screenshots of `locator` until they differ from `before` (a live panel redrew); return the new one."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = locator.screenshot()
        if now != before:
            return now
        time.sleep(0.3)
    raise AssertionError("the panel did not change")


DEMO = REPO / "notebooks" / "01_builder_demo.ipynb"


def demo_cells() -> list[str | tuple[str, str]]:
    """The cells of the builder demo notebook, markdown cells as ("md", source), for `LabServer.add_notebook`."""
    nb = nbformat.read(DEMO, as_version=4)
    return [("md", c.source) if c.cell_type == "markdown" else c.source for c in nb.cells]


def open_with_cells(lab: LabServer, page, name: str, cells: list[str | tuple[str, str]]) -> None:
    """Write a notebook of `cells` into the lab's workspace, open it, run all cells and assert none failed."""
    nb = lab.add_notebook(name, cells)
    open_notebook(page, lab, nb)
    run_all(page)
    assert cell_errors(page) == []
