"""describe() (what a front end draws) and summary() (a text table)."""

from __future__ import annotations

import json

import nnstudio
from nnstudio.graph import ModelGraph, starters


def test_describe_is_plain_json_in_topological_order():
    g = starters.load("residual")
    d = g.describe()
    assert json.loads(json.dumps(d)) == d
    assert [n["name"] for n in d["nodes"]] == list(g.infer_shapes().order)
    assert d["ok"] and d["total_params"] == 2307 and d["inputs"] == ["x"] and d["outputs"] == ["out"]
    skip = next(n for n in d["nodes"] if n["name"] == "skip")
    assert skip == {**skip, "type": "Add", "category": "Merge", "role": "op", "inputs": ["fc2", "act0"],
                    "consumers": ["act2"], "shape": [32], "dtype": "float32", "params": 0, "status": "ok",
                    "error": None, "config": {}, "resolved": {}}
    assert skip["depth"] == 6 and skip["help"] and skip["formula"]
    stem = next(n for n in d["nodes"] if n["name"] == "stem")
    assert stem["config"]["in_features"] is None and stem["resolved"]["in_features"] == 2
    assert ["act0", "skip", 1] in d["edges"] and ["fc2", "skip", 0] in d["edges"]


def test_describe_marks_errors_and_blocked_nodes():
    g = starters.load("mlp")
    g.update("fc2", in_features=3)
    nodes = {n["name"]: n for n in g.describe()["nodes"]}
    assert nodes["fc2"]["status"] == "error" and nodes["fc2"]["error"].startswith("fc2: in_features is 3")
    assert nodes["head"]["status"] == "blocked" and nodes["head"]["shape"] is None and nodes["head"]["error"] is None
    assert nodes["fc1"]["status"] == "ok" and not g.describe()["ok"]


def test_summary_reads_like_a_table():
    text = starters.load("lenet").summary()
    lines = text.splitlines()
    assert lines[0].split() == ["node", "type", "output", "params"]
    assert "conv1    Conv2d     (N, 8, 8, 8)       80" in text
    assert lines[-1] == "total parameters: 6,058"
    g = starters.load("mlp")
    g.update("fc2", in_features=3)
    assert "(blocked)" in g.summary() and "error: fc2: in_features is 3" in g.summary()
    assert "ok" in repr(starters.load("mlp")) and "4,547 parameters" in repr(starters.load("mlp"))


def test_top_level_access():
    assert nnstudio.ModelGraph is ModelGraph
    assert nnstudio.graph.starter_designs["mlp"].dataset == "spiral"
