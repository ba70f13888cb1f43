"""scripts/_setup.sh: studio.sh installs only the studio extra, test.sh the dev extra; one .venv, and a stamp that
stays right both ways (studio then test installs dev on top; test then studio installs nothing more); the
launched JupyterLab greets nobody with news (an overrides.json in .venv, never the user's settings)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

FAKE_PYTHON = f"""#!/usr/bin/env bash
# a stand-in for .venv/bin/python: records pip installs, answers the import check, runs heredocs with Python
if [ "$1" = -m ] && [ "$2" = pip ]; then echo "pip $*" >> "$(dirname "$0")/../pip.log"; exit 0; fi
if [ "$1" = - ]; then exec {sys.executable} "$@"; fi
exit 0
"""


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "_setup.sh", tmp_path / "scripts")
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(FAKE_PYTHON)
    (bin_dir / "python").chmod(0o755)
    return tmp_path


def _setup(repo: Path, extra: str) -> list[str]:
    """Run `setup EXTRA` of the copied _setup.sh; the pip installs it made so far."""
    run = subprocess.run(["bash", "-c", f'source "{repo}/scripts/_setup.sh"; setup {extra}'], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    log = repo / ".venv" / "pip.log"
    return log.read_text().splitlines() if log.exists() else []


def _stamp(repo: Path) -> str:
    return (repo / ".venv" / ".nnstudio-install-stamp").read_text().split()[-1]


def test_studio_then_test_installs_dev_on_top_and_studio_again_installs_nothing(repo):
    assert [p.split()[-1] for p in _setup(repo, "studio")] == [f"{repo}[studio]"] and _stamp(repo) == "studio"
    assert [p.split()[-1] for p in _setup(repo, "dev")][-1] == f"{repo}[dev]" and _stamp(repo) == "dev"
    assert len(_setup(repo, "studio")) == 2 and _stamp(repo) == "dev"  # dev includes the studio extra
    assert len(_setup(repo, "dev")) == 2


def test_test_then_studio_installs_once(repo):
    assert len(_setup(repo, "dev")) == 1
    assert len(_setup(repo, "studio")) == 1 and _stamp(repo) == "dev"


def test_a_changed_pyproject_installs_again(repo):
    _setup(repo, "studio")
    with (repo / "pyproject.toml").open("a") as f:
        f.write("\n# changed\n")
    assert len(_setup(repo, "studio")) == 2


def test_the_launched_lab_gets_no_news_prompt_and_other_overrides_stay(repo):
    path = repo / ".venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    _setup(repo, "studio")
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false",
                                                                       "checkForUpdates": False}
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}


def test_the_commands_pick_their_extra_and_dev_includes_studio():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    name = lambda req: req.split(">")[0].split("=")[0].split("[")[0].strip()  # noqa: E731
    studio, dev = {name(r) for r in extras["studio"]}, {name(r) for r in extras["dev"]}
    assert studio <= dev and {"jupyterlab", "voila", "ipykernel"} <= studio
    assert not {"torch", "playwright", "pytest"} & studio
    assert "\nsetup studio\n" in (REPO / "scripts" / "studio.sh").read_text()
    assert "\nsetup dev\n" in (REPO / "scripts" / "test.sh").read_text()
