"""The builder widget's Python side, driven by the same command dicts the browser sends (no browser)."""

from __future__ import annotations

import json

import pytest

from nnstudio.graph import ModelGraph
from nnstudio.studio.builder import BuilderWidget, asset


def mlp() -> ModelGraph:
    g = ModelGraph()
    g.input("x", (2,))
    g.add("Linear", name="fc1", inputs=["x"], out_features=16)
    g.add("ReLU", name="act1", inputs=["fc1"])
    g.add("Linear", name="fc2", inputs=["act1"], out_features=16)
    g.add("ReLU", name="act2", inputs=["fc2"])
    g.add("Linear", name="head", inputs=["act2"], out_features=3)
    g.output("head")
    return g


@pytest.fixture
def w(tmp_path):
    return BuilderWidget(mlp(), folder=tmp_path)


def node(w, name):
    return next(n for n in w.view["nodes"] if n["name"] == name)


def names(w):
    return [n["name"] for n in w.view["nodes"]]


def test_assets_exist_and_are_wired():
    assert asset("builder.js").is_file() and asset("builder.css").is_file()
    js = BuilderWidget._esm  # the components joined into the one module anywidget loads
    assert isinstance(js, str) and js.count("export default") == 1 and "model.send" in js
    assert "import {" not in js and "\nexport function" not in js
    for hook in ("nnstudio-palette-item", "nnstudio-canvas", "nnstudio-node", "nnstudio-shape", "nnstudio-error",
                 "nnstudio-inspector", "data-field", "nnstudio-undo", "nnstudio-redo", "nnstudio-export",
                 "nnstudio-param-total"):
        assert hook in js, hook
    assert "http" not in BuilderWidget._css.replace("http://www.w3.org", "")  # no CDN
    assert ".nnstudio-hovercard" in BuilderWidget._css and ".nnstudio-node" in BuilderWidget._css


def test_view_lists_nodes_in_order_with_shapes_params_and_edges(w):
    v = w.view
    assert names(w)[:6] == ["x", "fc1", "act1", "fc2", "act2", "head"]
    assert node(w, "fc1")["shape"] == [16] and node(w, "fc1")["params"] == 2 * 16 + 16
    assert node(w, "head")["shape"] == [3] and node(w, "head")["params"] == 16 * 3 + 3
    assert ["fc1", "act1"] in v["edges"]
    assert v["ok"] and v["total_params"] == 48 + 272 + 51
    assert v["palette"] and all(it["type"] for cat in v["palette"] for it in cat["items"])
    json.dumps(v)  # the whole view is JSON


def test_the_real_message_path_applies_commands(w):
    w._handle_custom_msg({"cmd": "select", "name": "fc2", "seq": 7}, [])
    assert w.view["selected"] == "fc2" and w.view["ack"] == 7
    fields = {f["name"]: f for f in w.view["inspector"]["fields"]}
    assert fields["out_features"]["value"] == 16 and fields["out_features"]["min"] == 1


def test_update_changes_shapes_downstream(w):
    w.apply_command({"cmd": "update", "name": "fc1", "field": "out_features", "value": "32"})
    assert node(w, "fc1")["shape"] == [32]
    assert node(w, "fc2")["params"] == 32 * 16 + 16  # in_features followed the new width
    assert w.view["field_errors"] == {}


@pytest.mark.parametrize("raw, words", [("-3", "at least 1"), ("abc", "whole number"), ("2.5", "whole number"),
                                        ("", "needs a value")])
def test_invalid_value_is_refused_at_the_field_and_graph_keeps_last_valid(w, raw, words):
    before = w.graph.to_json()
    w.apply_command({"cmd": "select", "name": "fc1"})
    w.apply_command({"cmd": "update", "name": "fc1", "field": "out_features", "value": raw})
    err = w.view["field_errors"]["out_features"]
    assert words in err["message"] and "out_features" in err["message"] and err["raw"] == raw
    assert w.graph.to_json() == before and node(w, "fc1")["shape"] == [16]
    assert not w.view["can_undo"]
    w.apply_command({"cmd": "update", "name": "fc1", "field": "out_features", "value": "8"})
    assert "out_features" not in w.view["field_errors"] and node(w, "fc1")["shape"] == [8]


def test_a_valid_value_that_breaks_shapes_turns_the_block_red_and_undo_fixes_it(w):
    w.apply_command({"cmd": "update", "name": "fc2", "field": "in_features", "value": "7"})
    assert node(w, "fc2")["error"] and "fc2" in node(w, "fc2")["error"]
    assert node(w, "head")["shape"] is None and node(w, "head")["blocked"]  # downstream is blocked, not guessed
    assert node(w, "fc1")["shape"] == [16]  # the rest stays usable
    assert not w.view["ok"] and w.view["error_count"] >= 1 and w.view["total_params"] is None
    w.apply_command({"cmd": "undo"})
    assert node(w, "fc2")["error"] is None and w.view["ok"] and w.view["can_redo"]
    w.apply_command({"cmd": "redo"})
    assert node(w, "fc2")["error"]


def test_add_inserts_after_the_anchor_in_the_chain(w):
    w.apply_command({"cmd": "add", "layer": "Dropout", "after": "act1"})
    new = w.view["selected"]
    assert node(w, new)["type"] == "Dropout" and node(w, new)["inputs"] == ["act1"]
    assert node(w, "fc2")["inputs"] == [new]
    assert names(w).index(new) == names(w).index("act1") + 1
    w.apply_command({"cmd": "undo"})
    assert new not in names(w) and node(w, "fc2")["inputs"] == ["act1"]


def test_drop_conv2d_on_a_flat_vector_gives_an_error_on_that_block(w):
    w.apply_command({"cmd": "add", "layer": "Conv2d", "after": "fc1"})
    conv = w.view["selected"]
    assert node(w, conv)["error"]
    assert w.view["inspector"]["name"] == conv


def test_unknown_layer_and_malformed_commands_are_messages_not_exceptions(w):
    w.apply_command({"cmd": "add", "layer": "os.system"})
    assert w.view["message"]["level"] == "error"
    w.apply_command({"nope": 1})
    w.apply_command({"cmd": "frobnicate"})
    assert "unknown command" in w.view["message"]["text"]
    w.apply_command({"cmd": "update", "name": "fc1", "field": "no_such_field", "value": 1})
    assert w.view["message"]["level"] == "error"


def test_remove_keeps_the_chain_joined(w):
    w.apply_command({"cmd": "remove", "name": "act1"})
    assert "act1" not in names(w) and node(w, "fc2")["inputs"] == ["fc1"] and w.view["ok"]


def test_move_reorders_a_chain_block(w):
    w.apply_command({"cmd": "move", "name": "act2", "after": "fc1"})
    assert node(w, "act2")["inputs"] == ["fc1"] and node(w, "act1")["inputs"] == ["act2"]
    assert node(w, "head")["inputs"] == ["fc2"]
    assert names(w).index("act2") == names(w).index("fc1") + 1
    w.apply_command({"cmd": "undo"})
    assert node(w, "act2")["inputs"] == ["fc2"]


def test_wiring_into_a_layer_inserts_an_add_skip_connection(w):
    w.apply_command({"cmd": "connect", "src": "act1", "dst": "head"})
    add = w.view["selected"]
    assert node(w, add)["type"] == "Add" and sorted(node(w, add)["inputs"]) == ["act1", "act2"]
    assert node(w, "head")["inputs"] == [add] and node(w, add)["shape"] == [16] and w.view["ok"]
    # a second wire into the Add joins it; wiring backwards would make a cycle and is refused
    w.apply_command({"cmd": "connect", "src": "fc1", "dst": add})
    assert len(node(w, add)["inputs"]) == 3
    before = w.graph.to_json()
    w.apply_command({"cmd": "connect", "src": "head", "dst": "fc1"})
    assert "cycle" in w.view["message"]["text"] and w.graph.to_json() == before
    w.apply_command({"cmd": "disconnect", "src": "fc1", "dst": add})
    assert len(node(w, add)["inputs"]) == 2


def test_mismatched_skip_is_an_error_on_the_merge_block(w):
    w.apply_command({"cmd": "update", "name": "fc2", "field": "out_features", "value": "8"})
    w.apply_command({"cmd": "connect", "src": "fc1", "dst": "head"})
    add = w.view["selected"]
    assert node(w, add)["error"]


def test_export_gives_both_flavours(w):
    w.apply_command({"cmd": "export"})
    ex = w.view["export"]
    assert "nnstudio" in ex["nnstudio"] and "import torch" in ex["torch"] and ex["error"] is None


def test_save_and_load_round_trip_and_unsafe_names(w, tmp_path):
    w.apply_command({"cmd": "save", "filename": "mine"})
    assert (tmp_path / "mine.json").is_file() and "saved" in w.view["message"]["text"]
    assert "mine.json" in w.view["files"]
    w.apply_command({"cmd": "update", "name": "fc1", "field": "out_features", "value": "5"})
    w.apply_command({"cmd": "load", "filename": "mine.json"})
    assert node(w, "fc1")["shape"] == [16] and w.view["can_undo"]
    for bad in ("../x.json", "/tmp/x.json"):
        w.apply_command({"cmd": "save", "filename": bad})
        assert w.view["message"]["level"] == "error" and "not saved" in w.view["message"]["text"]
    assert not (tmp_path.parent / "x.json").exists()
    (tmp_path / "junk.json").write_text('{"format": "something else"}')
    before = w.graph.to_json()
    w.apply_command({"cmd": "load", "filename": "junk.json"})
    assert "not loaded" in w.view["message"]["text"] and w.graph.to_json() == before


def test_editing_while_training_asks_to_stop_first(w):
    state = {"running": True, "stopped": 0}
    w.edit_guard = lambda: "training runs" if state["running"] else None

    def stop():
        state["running"] = False
        state["stopped"] += 1

    w.stop_training = stop
    w.apply_command({"cmd": "remove", "name": "act1"})
    assert w.view["confirm"] and "act1" in names(w)  # nothing applied yet
    w.apply_command({"cmd": "cancel"})
    assert w.view["confirm"] is None and "act1" in names(w) and state["stopped"] == 0
    w.apply_command({"cmd": "remove", "name": "act1"})
    w.apply_command({"cmd": "confirm"})
    assert state["stopped"] == 1 and "act1" not in names(w) and w.view["confirm"] is None
    w.apply_command({"cmd": "select", "name": "fc1"})  # selecting is not an edit: never asks
    state["running"] = True
    w.apply_command({"cmd": "select", "name": "fc2"})
    assert w.view["confirm"] is None


def test_graph_change_listener_runs_after_edits_only(w):
    seen = []
    w.on_graph_change(lambda g: seen.append(g))
    w.apply_command({"cmd": "select", "name": "fc1"})
    w.apply_command({"cmd": "export"})
    assert seen == []
    w.apply_command({"cmd": "update", "name": "fc1", "field": "out_features", "value": "4"})
    w.apply_command({"cmd": "undo"})
    assert len(seen) == 2


def test_starter_designs_open(tmp_path):
    w = BuilderWidget(folder=tmp_path)
    assert w.view["designs"] and w.view["design"] in w.view["designs"] and w.view["ok"]
    other = w.view["designs"][-1]
    w.apply_command({"cmd": "design", "name": other})
    assert w.view["design"] == other and w.view["nodes"]


def test_a_hundred_block_design_builds_its_view(tmp_path):
    g = ModelGraph()
    g.input("x", (8,))
    prev = "x"
    for i in range(99):
        prev = g.add("Linear" if i % 2 == 0 else "ReLU", name=f"b{i}", inputs=[prev],
                     **({"out_features": 8} if i % 2 == 0 else {}))
    g.output(prev)
    w = BuilderWidget(g, folder=tmp_path)
    assert len(w.view["nodes"]) >= 100 and w.view["ok"]
    w.apply_command({"cmd": "update", "name": "b0", "field": "out_features", "value": "9"})
    assert node(w, "b2")["params"] == 9 * 8 + 8


def test_fit_to_data_changes_input_and_head_in_one_undoable_step(w):
    w.fit_to_data((5,), 4)
    assert node(w, "x")["shape"] == [5] and node(w, "head")["shape"] == [4] and w.view["ok"]
    assert node(w, "fc1")["params"] == 5 * 16 + 16
    w.apply_command({"cmd": "undo"})
    assert node(w, "x")["shape"] == [2] and node(w, "head")["shape"] == [3]


def test_fit_to_data_refuses_a_shape_the_design_cannot_take(tmp_path):
    g = ModelGraph()
    g.input("x", (1, 8, 8))
    g.add("Conv2d", name="conv", inputs=["x"], out_channels=4, kernel_size=3)
    g.add("Flatten", name="flat", inputs=["conv"])
    g.add("Linear", name="head", inputs=["flat"], out_features=10)
    g.output("head")
    w = BuilderWidget(g, folder=tmp_path)
    before = w.graph.to_json()
    with pytest.raises(ValueError, match="does not fit"):
        w.fit_to_data((2,), 3)  # a Conv2d cannot read flat 2-vectors
    assert w.graph.to_json() == before and w.view["ok"] and not w.view["can_undo"]


def test_rename_keeps_wires_and_selection_and_refuses_bad_names(w):
    w.apply_command({"cmd": "select", "name": "fc1"})
    w.apply_command({"cmd": "rename", "name": "fc1", "new_name": "hidden"})
    assert "hidden" in names(w) and "fc1" not in names(w) and node(w, "act1")["inputs"] == ["hidden"]
    assert w.view["selected"] == "hidden"
    for bad in ("a b", "1x", "", "act1"):
        before = w.graph.to_json()
        w.apply_command({"cmd": "rename", "name": "hidden", "new_name": bad})
        assert w.view["message"]["level"] == "error" and w.graph.to_json() == before
    w.apply_command({"cmd": "undo"})
    assert "fc1" in names(w)


def test_every_palette_layer_can_be_placed_and_its_form_read_back(w):
    from nnstudio.graph import registry

    types = [it["type"] for cat in w.view["palette"] for it in cat["items"]]
    assert set(types) == {t for ts in registry.palette().values() for t in ts}
    hues = {cat["category"]: cat["hue"] for cat in w.view["palette"]}
    assert hues == {c: registry.hue(c) for c in registry.palette()}  # colours from the registry, every category
    for layer in types:
        w.apply_command({"cmd": "add", "layer": layer, "after": "fc1"})
        ins = w.view["inspector"]
        assert ins["type"] == layer and ins["formula"] == registry.get(layer).formula, layer
        block = node(w, ins["name"])
        assert block["hue"] == registry.hue(registry.get(layer).category) and block["formula"] == ins["formula"]
        spec = registry.get(layer)
        for f in ins["fields"]:  # what the form shows reads back as the block's value
            value = spec.field(f["name"]).parse(f["display"])
            assert spec.field(f["name"]).to_json(value) == f["value"], (layer, f["name"])
        w.apply_command({"cmd": "undo"})
        assert ins["name"] not in names(w)
