"""The README's Python examples run as written, and it gives exactly the two commands of the brief."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_example_runs(index, tmp_path):
    code = _blocks("python")[index]
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]


def test_exactly_two_commands_and_they_exist():
    (block,) = _blocks("bash")
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]
    assert commands == ["bash scripts/studio.sh", "bash scripts/test.sh"]
    for cmd in commands:
        assert (README.parent / cmd.split()[1]).is_file()
