"""Repository layout rules that pytest itself only reports as a collection error on a clean clone."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_test_modules_have_unique_basenames():
    """Test folders are not packages (rootdir import mode), so two `test_x.py` in different folders collide."""
    names = Counter(p.name for p in TESTS.rglob("test_*.py") if ".venv" not in p.parts)
    assert [n for n, k in names.items() if k > 1] == []


def test_no_test_module_imports_another():
    """Shared test code lives in helpers/ or a folder's `_*.py`, never in a test module."""
    offenders = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        for line in p.read_text().splitlines()
        if line.startswith(("from test_", "import test_"))
    ]
    assert offenders == []
