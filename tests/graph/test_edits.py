"""Editing a ModelGraph: the API's errors, wiring, undo/redo with a bounded history, transactions, observers."""

from __future__ import annotations

import pytest

from nnstudio.graph import GraphError, ModelGraph, NodeNotFoundError, UnknownLayerError


@pytest.fixture
def g():
    g = ModelGraph()
    g.input("x", (2,))
    g.add("Linear", name="fc1", out_features=8)
    g.add("ReLU", name="act")
    g.add("Linear", name="fc2", out_features=3)
    g.output("fc2")
    return g


def test_add_wires_after_the_last_block_and_names_automatically():
    g = ModelGraph()
    assert g.input("x", 4) == "x" and g["x"].config["shape"] == (4,)
    assert g.add("Linear") == "fc1" and g["fc1"].inputs == ("x",)
    assert g.add("Linear") == "fc2" and g["fc2"].inputs == ("fc1",)
    assert g.add("ReLU", inputs=[]) == "act1" and g["act1"].inputs == ()
    assert g.output("fc2") == "out" and g.output("fc1") == "out1"
    assert g.add("Dropout") == "drop1" and g["drop1"].inputs == ("act1",)  # never after an Output
    assert g["fc1"].config == {"in_features": None, "out_features": 64, "bias": True}  # registry defaults
    assert g["fc1"].layer_type == "Linear"


@pytest.mark.parametrize("call, error, words", [
    (lambda g: g.add("Linnear"), UnknownLayerError, "did you mean Linear"),
    (lambda g: g.add("Linear", out_features=0), GraphError, "out_features must be at least 1"),
    (lambda g: g.add("Linear", outfeatures=3), GraphError, "Linear has no setting 'outfeatures'"),
    (lambda g: g.add("Linear", name="fc1"), GraphError, "already exists"),
    (lambda g: g.add("Linear", name="2fast"), GraphError, "must start with a letter"),
    (lambda g: g.add("Linear", name="forward"), GraphError, "reserved"),
    (lambda g: g.add("Linear", name="lambda"), GraphError, "keyword"),
    (lambda g: g.add("Linear", name="x" * 65), GraphError, "at most 64"),
    (lambda g: g.add("Linear", inputs=["nope"]), NodeNotFoundError, "no node named 'nope'"),
    (lambda g: g.add("Linear", inputs="x"), GraphError, "list of node names"),
    (lambda g: g.add("Linear", inputs=["out"]), GraphError, "out is an Output"),
    (lambda g: g.add("Add", inputs=["x", "x"]), GraphError, "twice"),
    (lambda g: g.connect("fc1", "x"), GraphError, "x is an Input"),
    (lambda g: g.connect("fc1", "fc1"), GraphError, "its own output"),
    (lambda g: g.connect("x", "fc1"), GraphError, "already wired"),
    (lambda g: g.disconnect("fc2", "fc1"), GraphError, "is not wired into fc1"),
    (lambda g: g.update("fc1", bias="yes"), GraphError, "bias must be true or false"),
    (lambda g: g.update("fc1", kernel_size=3), GraphError, "its settings: in_features, out_features, bias"),
    (lambda g: g.update("ghost", bias=True), NodeNotFoundError, "no node named 'ghost'"),
    (lambda g: g.remove("ghost"), KeyError, "ghost"),
    (lambda g: g.rename("fc1", "act"), GraphError, "already exists"),
    (lambda g: g.input("y", (0,)), GraphError, r"shape\[0\] must be at least 1"),
    (lambda g: g.input("y", (2,), dtype="float16"), GraphError, "'float32', 'int64'"),
])
def test_edits_that_can_never_be_right_raise_and_change_nothing(g, call, error, words):
    before = g.to_json()
    with pytest.raises(error, match=words):
        call(g)
    assert g.to_json() == before and len(g._undo) == 5


def test_connect_disconnect_set_inputs_remove_rename(g):
    g.add("Add", name="skip", inputs=["fc1"])
    g.connect("act", "skip")
    assert g["skip"].inputs == ("fc1", "act")
    g.set_inputs("fc2", ["skip"])
    assert g.infer_shapes().ok and ("skip", "fc2") in g.edges
    g.disconnect("fc1", "skip")
    assert g["skip"].inputs == ("act",)
    g.rename("skip", "merge")
    assert "skip" not in g and g["fc2"].inputs == ("merge",) and list(g)[-1] == "merge"
    g.remove("act")
    assert g["merge"].inputs == () and g.consumers("fc1") == []
    g.connect("fc2", "merge")  # a cycle is allowed as an edit and reported by inference
    assert "cycle (merge → fc2 → merge)" in g.infer_shapes().errors["merge"]


def test_undo_redo_walks_the_history(g):
    snapshots = [g.to_json()]
    g.update("fc1", out_features=16)
    snapshots.append(g.to_json())
    g.remove("act")
    snapshots.append(g.to_json())
    assert g.can_undo and not g.can_redo
    assert g.undo() and g.to_json() == snapshots[1]
    assert g.undo() and g.to_json() == snapshots[0]
    assert g.redo() and g.to_json() == snapshots[1]
    g.update("fc2", bias=False)  # a new edit drops the redo steps
    assert not g.can_redo and not g.redo()
    while g.undo():
        pass
    assert len(g) == 0 and not g.undo()


def test_history_is_bounded():
    g = ModelGraph(history_limit=3)
    g.input("x", (2,))
    for i in range(10):
        g.add("ReLU", name=f"a{i}")
    assert sum(1 for _ in iter(g.undo, False)) == 3 and len(g) == 8
    with pytest.raises(GraphError):
        ModelGraph(history_limit=-1)


def test_edits_that_change_nothing_leave_no_history(g):
    n = len(g._undo)
    g.update("fc1", out_features=8)
    g.rename("fc1", "fc1")
    g.set_inputs("fc2", ["act"])
    assert len(g._undo) == n


def test_transaction_is_one_undo_step_and_rolls_back_on_error(g):
    seen = []
    g.observe(seen.append)
    with g.transaction("insert dropout"):
        d = g.add("Dropout", inputs=["act"])
        g.set_inputs("fc2", [d])
    assert [c.op for c in seen] == ["insert dropout"] and seen[0].names == ("drop1", "fc2")
    assert g.undo() and "drop1" not in g and g["fc2"].inputs == ("act",)
    before = g.to_json()
    with pytest.raises(GraphError):
        with g.transaction():
            g.add("Dropout", inputs=["act"])
            g.add("Linear", out_features=-1)
    assert g.to_json() == before and len(seen) == 2  # the undo was seen; the failed transaction was not
    with pytest.raises(GraphError, match="inside a transaction"):
        with g.transaction():
            g.undo()


def test_observers_hear_each_change_once_and_can_leave(g):
    seen = []
    stop = g.observe(seen.append)
    g.update("fc1", out_features=4)
    g.undo()
    g.redo()
    assert [(c.op, c.names) for c in seen] == [("update", ("fc1",)), ("undo", ("fc1",)), ("redo", ("fc1",))]
    assert seen[0].graph is g
    stop()
    g.remove("act")
    assert len(seen) == 3
    with pytest.raises(GraphError):
        g.observe("not callable")


def test_a_failing_observer_warns_and_the_edit_stands(g):
    def boom(change):
        raise RuntimeError("observer broke")

    g.observe(boom)
    with pytest.warns(RuntimeWarning, match="observer broke"):
        g.update("fc1", out_features=5)
    assert g["fc1"].config["out_features"] == 5


def test_nodes_cannot_be_changed_behind_the_graphs_back(g):
    with pytest.raises(TypeError):
        g.nodes["fc1"] = None
    with pytest.raises(TypeError):
        g["fc1"].config["out_features"] = 1
    with pytest.raises(AttributeError):
        g["fc1"].inputs = ("x",)


def test_copy_is_independent(g):
    c = g.copy()
    assert not c.can_undo and c.to_json() == g.to_json()
    c.update("fc1", out_features=2)
    assert g["fc1"].config["out_features"] == 8


def test_version_changes_on_every_change(g):
    v = g.version
    g.update("fc1", out_features=9)
    g.undo()
    assert g.version == v + 2


def test_replace_with_is_one_undoable_edit_heard_once(g):
    other = ModelGraph()
    other.input("x", (4,))
    other.add("Linear", name="head", out_features=2)
    other.output("head")
    before, heard = g.to_json(), []
    g.observe(heard.append)
    g.replace_with(other)
    assert g.to_json() == other.to_json() and [c.op for c in heard] == ["replace"]
    assert {"fc1", "head"} <= set(heard[0].names)
    other.update("head", out_features=5)  # the two designs stay independent
    assert g["head"].config["out_features"] == 2
    assert g.undo() and g.to_json() == before
    with pytest.raises(GraphError, match="needs a ModelGraph"):
        g.replace_with("x.json")
