"""Teachable blocks without a browser: hover/select watch a block, its live statistics reach the `stats` trait,
paced and gated; the Studio's gradient histogram follows the selected block."""

from __future__ import annotations

import json
import time

import pytest

import nnstudio
from nnstudio.graph import starters
from nnstudio.studio.builder import BuilderWidget
from nnstudio.studio.builder_stats import BlockStatsFeed
from nnstudio.train import Trainer


@pytest.fixture
def setup(tmp_path):
    graph = starters.load("mlp")
    builder = BuilderWidget(graph, folder=tmp_path)
    trainer = Trainer(graph.build(), "spiral", epochs=200)
    feed = BlockStatsFeed(builder, trainer)
    yield builder, trainer, feed
    feed.close()
    trainer.stop()


def wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def first_linear(builder):
    return next(n["name"] for n in builder.view["nodes"] if n["type"] == "Linear")


def test_hover_watches_a_block_without_sending_a_new_view(setup):
    builder, _, _ = setup
    rev = builder.view["rev"]
    name = first_linear(builder)
    builder.apply_command({"cmd": "hover", "name": name})
    assert builder.watched == [name] and builder.view["rev"] == rev  # no canvas redraw for a hover
    builder.apply_command({"cmd": "hover", "name": "no_such_block"})
    assert builder.watched == [name]
    builder.apply_command({"cmd": "hover", "name": None})
    assert builder.watched == [] and builder.stats == {}


def test_selecting_a_block_sends_its_weights_at_once_and_its_output_after_a_step(setup):
    builder, trainer, feed = setup
    name = first_linear(builder)
    builder.apply_command({"cmd": "select", "name": name})
    block = builder.stats["blocks"][name]
    weights = {w["name"]: w for w in block["weights"]}
    assert set(weights) == {f"{name}.weight", f"{name}.bias"} and block["output"] is None
    w = dict(trainer.model.named_parameters())[f"{name}.weight"].detach().numpy()
    assert weights[f"{name}.weight"]["shape"] == list(w.shape)
    assert weights[f"{name}.weight"]["mean"] == pytest.approx(float(w.mean()), rel=1e-3, abs=1e-6)
    trainer.step(3)
    trainer.events.flush()
    wait_for(lambda: builder.stats["step"] == 3)  # the trailing send after the steps
    assert builder.stats["state"] == "paused"
    out = builder.stats["blocks"][name]["output"]
    assert out["shape"][1:] == [trainer.param_shapes[f"{name}.weight"][0]] and sum(out["hist"]) > 0
    assert len(json.dumps(builder.stats)) < 2500  # small arrays: 16-bin histograms, a few numbers each


def test_while_training_the_feed_is_paced_and_gated(setup):
    builder, trainer, feed = setup
    name = first_linear(builder)
    trainer.start()
    builder.apply_command({"cmd": "hover", "name": name})  # watched while it trains: stats come by themselves
    wait_for(lambda: builder.stats.get("state") == "running" and builder.stats["blocks"][name]["output"])
    feed.gate = lambda: False  # no message token: nothing is sent while training
    with feed._lock:  # a send that passed the old gate just before the switch has finished
        sent = feed.sent
    time.sleep(0.5)
    assert feed.sent == sent
    trainer.pause()
    trainer.events.flush()
    assert feed.sent == sent + 1  # the pause sends the final state regardless of the gate
    assert feed.period == pytest.approx(1 / 3)


def test_nothing_is_computed_when_no_block_is_watched(setup):
    builder, trainer, feed = setup
    trainer.step(2)
    trainer.events.flush()
    assert builder.stats == {} and feed.sent == 0 and not feed.probe.names


def test_the_gradient_histogram_follows_the_selected_block(tmp_path):
    studio = nnstudio.Studio(folder=tmp_path, epochs=1)
    try:
        b, d = studio.builder, studio.dashboard
        linears = [n["name"] for n in b.view["nodes"] if n["type"] == "Linear"]
        b.apply_command({"cmd": "select", "name": linears[1]})
        assert d.param_select.value == f"{linears[1]}.weight" and d.grads_panel.selected == f"{linears[1]}.weight"
        act = next(n["name"] for n in b.view["nodes"] if n["type"] in ("Tanh", "ReLU"))
        b.apply_command({"cmd": "select", "name": act})  # no parameters: the histogram stays
        assert d.param_select.value == f"{linears[1]}.weight"
        b.apply_command({"cmd": "update", "name": linears[0], "field": "out_features", "value": "9"})
        b.apply_command({"cmd": "select", "name": linears[0]})
        assert d.param_select.value == f"{linears[0]}.weight"
        assert b.stats["blocks"][linears[0]]["weights"][0]["shape"] == [9, 2]
    finally:
        studio.close()
