"""JSON: a stable, diffable format that round-trips, and loading that refuses bad or hostile files with every
problem and its JSON path, executing nothing and building nothing half-way."""

from __future__ import annotations

import json
import sys

import pytest

from nnstudio.graph import GraphFormatError, ModelGraph, starters


def tiny() -> ModelGraph:
    g = ModelGraph()
    g.input("x", (2,))
    g.add("Linear", name="f", out_features=4, bias=False)
    g.add("Softmax", name="prob")
    g.output("prob")
    return g


GOLDEN = """{
  "format": "nnstudio.graph",
  "version": 1,
  "nodes": [
    {"name": "x", "type": "Input", "inputs": [], "config": {"shape": [2], "dtype": "float32"}},
    {"name": "f", "type": "Linear", "inputs": ["x"], "config": {"in_features": null, "out_features": 4, "bias": false}},
    {"name": "prob", "type": "Softmax", "inputs": ["f"], "config": {"dim": -1}},
    {"name": "out", "type": "Output", "inputs": ["prob"], "config": {}}
  ]
}
"""


def test_format_is_stable_and_one_node_per_line():
    assert tiny().to_json() == GOLDEN
    assert json.loads(GOLDEN) == tiny().to_dict()
    assert list(tiny().to_dict()) == ["format", "version", "nodes"]


@pytest.mark.parametrize("name", starters.names())
def test_starters_round_trip(name):
    g = starters.load(name)
    text = g.to_json()
    back = ModelGraph.from_json(text)
    assert back.to_json() == text and back.to_dict() == g.to_dict()
    assert back.infer_shapes().shapes == g.infer_shapes().shapes
    assert ModelGraph.from_dict(g.to_dict()).to_json() == text
    assert ModelGraph.from_json(text.encode()).to_json() == text


def test_broken_designs_round_trip_too():
    g = tiny()
    g.add("Conv2d", name="bad", inputs=["f"])  # wrong shape and dangling
    g.connect("prob", "bad")
    assert not g.infer_shapes().ok
    back = ModelGraph.from_json(g.to_json())
    assert back.to_json() == g.to_json() and back.infer_shapes().errors == g.infer_shapes().errors


def test_a_hand_written_file_may_leave_out_defaults():
    g = ModelGraph.from_json('{"format": "nnstudio.graph", "version": 1, "nodes": ['
                             '{"name": "x", "type": "Input", "config": {"shape": [3]}},'
                             '{"name": "fc", "type": "Linear", "inputs": ["x"], "config": {"out_features": 2}},'
                             '{"name": "out", "type": "Output", "inputs": ["fc"]}]}')
    assert g["fc"].config == {"in_features": None, "out_features": 2, "bias": True} and g.infer_shapes().ok
    assert g["x"].config["shape"] == (3,) and not g.can_undo


def doc(*nodes, **top):
    d = {"format": "nnstudio.graph", "version": 1, "nodes": list(nodes)}
    d.update(top)
    return json.dumps(d)


X = {"name": "x", "type": "Input", "inputs": [], "config": {"shape": [2], "dtype": "float32"}}


def lin(**cfg):
    return {"name": "fc", "type": "Linear", "inputs": ["x"], "config": {"out_features": 2, **cfg}}


HOSTILE = [
    ("{", "$", "not valid JSON"),
    ("[]", "$", "a design is a JSON object"),
    ('"just text"', "$", "JSON object"),
    (doc(X, format="other.tool"), "$.format", "not an nnstudio design"),
    (json.dumps({"version": 1, "nodes": []}), "$.format", "missing"),
    (doc(X, version=2), "$.version", "newer nnstudio"),
    (doc(X, version="1"), "$.version", "whole number"),
    (doc(X, version=True), "$.version", "whole number"),
    (doc(X, evil="rm -rf"), "$.evil", "unknown key"),
    (json.dumps({"format": "nnstudio.graph", "version": 1, "nodes": {"x": 1}}), "$.nodes", "must be a list"),
    (doc("x"), "$.nodes[0]", "a node is an object"),
    (doc(X, {"name": "boom", "type": "os.system", "inputs": ["x"]}), "$.nodes[1].type", "unknown layer type"),
    (doc(X, {"name": "boom", "type": ["Linear"]}), "$.nodes[1].type", "unknown layer type"),
    (doc(X, {"name": "m", "type": "antigravity"}), "$.nodes[1].type", "unknown layer type"),
    (doc(X, lin(out_features=-1)), "$.nodes[1].config.out_features", "at least 1"),
    (doc(X, lin(out_features=10 ** 30)), "$.nodes[1].config.out_features", "at most 1,048,576, got a 31-digit number"),
    (doc(X, lin(out_features=2.5)), "$.nodes[1].config.out_features", "whole number"),
    (doc(X, lin(out_features="__import__('os').system('echo hi')")), "$.nodes[1].config.out_features",
     "whole number"),
    (doc(X, lin(bias="yes")), "$.nodes[1].config.bias", "true or false"),
    (doc(X, lin(__class__="x")), "$.nodes[1].config.__class__", "no setting"),
    (doc({**X, "config": {"shape": [2] * 7}}), "$.nodes[0].config.shape", "1 to 6 numbers"),
    (doc({**X, "config": {"shape": [[2]]}}), "$.nodes[0].config.shape", "shape[0] must be a whole number"),
    (doc({**X, "config": "shape=2"}), "$.nodes[0].config", "must be an object"),
    (doc({**X, "code": "import os"}), "$.nodes[0].code", "unknown key"),
    (doc({**X, "name": "__import__"}), "$.nodes[0].name", "must start with a letter"),
    (doc({**X, "name": "eval"}), "$.nodes[0].name", "reserved"),
    (doc({**X, "name": 7}), "$.nodes[0].name", "must be text"),
    (doc(X, X), "$.nodes[1].name", "already the name of $.nodes[0]"),
    (doc(X, {**lin(), "inputs": ["ghost"]}), "$.nodes[1].inputs[0]", "no node is named 'ghost'"),
    (doc(X, {**lin(), "inputs": "x"}), "$.nodes[1].inputs", "must be a list"),
    (doc(X, {**lin(), "inputs": [1]}), "$.nodes[1].inputs[0]", "must be a node name"),
    (doc(X, {**lin(), "inputs": ["x", "x"]}), "$.nodes[1].inputs[1]", "twice"),
    (doc(X, {**lin(), "inputs": ["fc"]}), "$.nodes[1].inputs[0]", "its own output"),
    (doc({**X, "inputs": ["x2"]}, {**X, "name": "x2"}), "$.nodes[0].inputs", "nothing can be wired into it"),
    (doc(X, {"name": "o", "type": "Output", "inputs": ["x"]}, {**lin(), "inputs": ["o"]}), "$.nodes[2].inputs[0]",
     "is an Output"),
    ('{"format": "nnstudio.graph", "format": "x", "version": 1, "nodes": []}', "$", "appears twice"),
    (doc(X).replace('"version": 1', '"version": NaN'), "$", "not valid JSON"),
    (doc(X).replace('"version": 1', '"version": ' + "1" * 5000), "$", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "$", "nested too deeply"),
    (doc(*[{**X, "name": f"x{i}"} for i in range(5001)]), "$.nodes", "at most 5,000"),
    (b"\xff\xfe{}", "$", "not UTF-8"),
    (" " * (10 * 1024 * 1024 + 1), "$", "at most"),
    (12, "$", "expected JSON text"),
]


@pytest.mark.parametrize("text, path, words", HOSTILE, ids=[f"{i}-{h[1]}" for i, h in enumerate(HOSTILE)])
def test_hostile_files_are_refused_with_the_json_path(text, path, words):
    modules = set(sys.modules)
    with pytest.raises(GraphFormatError) as info:
        ModelGraph.from_json(text)
    assert (path, ) in {(p,) for p, _ in info.value.problems}, info.value.problems
    assert any(p == path and words in m for p, m in info.value.problems), info.value.problems
    assert f"{path}: " in str(info.value) and "cannot load the design" in str(info.value)
    assert set(sys.modules) == modules  # nothing was imported on the file's say-so


def test_every_problem_is_listed_at_once():
    text = doc({**X, "name": "bad name"}, lin(out_features=0, bias=3, dropout=1), {"type": "Nope"}, extra=1)
    with pytest.raises(GraphFormatError) as info:
        ModelGraph.from_json(text)
    paths = [p for p, _ in info.value.problems]
    assert paths == ["$.extra", "$.nodes[0].name", "$.nodes[1].config.out_features", "$.nodes[1].config.bias",
                     "$.nodes[1].config.dropout", "$.nodes[2].name", "$.nodes[2].type"]
    assert str(info.value).count("\n") == len(paths)


def test_a_failed_load_leaves_the_current_graph_alone():
    g = tiny()
    before = g.to_json()
    try:
        g = ModelGraph.from_json(doc(X, lin(out_features=-5)))
    except GraphFormatError:
        pass
    assert g.to_json() == before
