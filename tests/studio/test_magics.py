"""`%load_ext nnstudio` and `%nnstudio` in a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.testing.globalipapp import start_ipython

import nnstudio.nn as nn
from nnstudio.graph import starters
from nnstudio.studio.magics import MagicError, parse_line


@pytest.fixture(scope="module")
def ip():
    shell = start_ipython()
    shell.run_line_magic("load_ext", "nnstudio")
    return shell


def test_parse_line():
    assert parse_line("") == (None, None)
    assert parse_line("model --data digits") == ("model", "digits")
    assert parse_line("'my design.json'") == ("my design.json", None)
    with pytest.raises(MagicError, match="--data needs"):
        parse_line("model --data")
    with pytest.raises(MagicError, match="unexpected"):
        parse_line("a b")


def test_magic_opens_a_module_variable(ip):
    ip.user_ns["net"] = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 3))
    studio = ip.run_line_magic("nnstudio", "net --data spiral")
    report = studio.builder.graph.infer_shapes()
    assert report.ok
    assert report.total_params == 2 * 16 + 16 + 16 * 3 + 3


def test_magic_opens_a_design_file(ip, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    design = starters.load("residual")
    (tmp_path / "res.json").write_text(design.to_json())
    studio = ip.run_line_magic("nnstudio", "res.json")
    assert set(studio.builder.graph.nodes) == set(design.nodes)


def test_magic_names_what_it_could_not_find(ip, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MagicError, match="neither a variable"):
        ip.run_line_magic("nnstudio", "nothing_here")
    with pytest.raises(MagicError, match="no design file"):
        ip.run_line_magic("nnstudio", "missing.json")
