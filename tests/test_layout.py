"""Repository layout rules that pytest itself only reports as a collection error on a clean clone."""

from __future__ import annotations

import re
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


ROOT = TESTS.parent
#: suffixes that tell when a file was written, not what it holds
HISTORY = re.compile(r"_(extra|extras|more|new|old|misc|v2)(_|$)")


def test_no_file_is_named_by_its_history():
    offenders = [str(p.relative_to(ROOT)) for top in ("nnstudio", "tests") for p in (ROOT / top).rglob("*.py")
                 if HISTORY.search(p.stem)]
    assert offenders == []


def test_every_nn_module_class_lives_in_torchs_file_for_it():
    """`nnstudio.nn.X` is defined in `nnstudio/nn/modules/<f>.py` exactly when torch defines `torch.nn.X` in
    `torch/nn/modules/<f>.py` (so `torch.typename` and saved names read as torch's)."""
    import torch

    import nnstudio

    wrong = {}
    for name, cls in vars(nnstudio.nn).items():
        theirs = getattr(torch.nn, name, None)
        if isinstance(cls, type) and issubclass(cls, nnstudio.nn.Module) and isinstance(theirs, type):
            if cls.__module__ != theirs.__module__.replace("torch.", "nnstudio.", 1):
                wrong[name] = (cls.__module__, theirs.__module__)
    assert wrong == {}


def test_nn_files_are_torchs_files():
    """`nnstudio/nn/` holds torch's files (`functional`, `init`, `parameter`, the `modules` package ...), private
    helpers (`_*.py`) and `saved_modules.py` (whole modules in files: torch does that with pickle);
    `nnstudio/nn/modules/` and `nnstudio/nn/_functional/` (their math, re-exported by `nn/functional.py`) only
    torch's `nn/modules` file names."""
    import pkgutil

    import torch

    torch_nn = {m.name for m in pkgutil.iter_modules(torch.nn.__path__)}
    torch_modules = {m.name for m in pkgutil.iter_modules(torch.nn.modules.__path__)}
    nn_dir = ROOT / "nnstudio" / "nn"
    top = {p.stem for p in nn_dir.iterdir() if (p.suffix == ".py" or p.is_dir()) and p.name != "__pycache__"}
    assert sorted(n for n in top if not n.startswith("_") and n not in torch_nn | {"saved_modules"}) == []
    for package, allowed in (("modules", torch_modules), ("_functional", torch_modules | {"attention"})):
        files = {p.stem for p in (nn_dir / package).glob("*.py")}
        assert sorted(n for n in files if not n.startswith("_") and n not in allowed) == [], package
