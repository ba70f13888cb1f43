"""The wheel is self-contained: built from the repo, installed into a fresh virtual environment without the
repo on the path, it imports, ships the widget assets and renders the Studio headless."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], check=True,
                   capture_output=True, timeout=300)
    wheels = list(out.glob("nnstudio-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_contains_package_and_widget_assets(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "nnstudio/__init__.py" in names
    assets = [n for n in names if n.startswith("nnstudio/_widgets/")]
    assert any(n.endswith(".js") for n in assets), f"no ES module shipped: {assets}"
    assert any(n.endswith(".css") for n in assets), f"no CSS shipped: {assets}"
    assert not any(n.startswith("tests/") for n in names)


def test_wheel_installs_and_runs_in_a_fresh_venv(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True,
                   timeout=600, env=env)
    script = (
        "import nnstudio, pathlib, sys\n"
        "assert 'site-packages' in nnstudio.__file__, nnstudio.__file__\n"
        "import nnstudio.nn as nn\n"
        "m = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))\n"
        "print(tuple(m(nnstudio.randn(5, 2)).shape))\n"
        "s = nnstudio.Studio()\n"
        "from ipywidgets import Widget\n"
        "state = s._repr_mimebundle_() if hasattr(s, '_repr_mimebundle_') else None\n"
        "print('studio ok', type(s).__name__)\n"
    )
    res = subprocess.run([str(py), "-c", script], capture_output=True, text=True, timeout=300, env=env,
                         cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "(5, 3)" in res.stdout
    assert "studio ok" in res.stdout
