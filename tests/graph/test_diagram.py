"""A design and a built module draw themselves as an SVG diagram with shapes when shown in a notebook."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from nnstudio.graph import ModelGraph, starters


def _texts(svg: str) -> str:
    root = ET.fromstring(svg)
    return " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))


def test_graph_shows_blocks_shapes_and_parameter_counts():
    g = starters.load("residual")
    bundle = g._repr_mimebundle_()
    text = _texts(bundle["image/svg+xml"])
    report = g.infer_shapes()
    for name in g.nodes:
        assert name in text
    assert f"{report.total_params:,} parameters" in text
    assert "(32,)" in text and "1,056" in text
    assert "skip" in bundle["text/plain"]


def test_built_module_draws_its_design():
    g = starters.load("mlp")
    module = g.build()
    bundle = module._repr_mimebundle_()
    svg = bundle["image/svg+xml"]
    for name in g.nodes:
        assert f">{name}<" in svg, name
    assert bundle["text/plain"] == repr(module)


def test_errors_are_drawn_red_with_their_sentence():
    g = ModelGraph()
    g.input("x", (2,))
    g.add("Linear", name="fc", in_features=5, out_features=3)
    report = g.infer_shapes()
    assert "fc" in report.errors
    svg = g._repr_mimebundle_()["image/svg+xml"]
    ET.fromstring(svg)  # well-formed XML, the error sentence escaped inside <title>
    assert "#d32f2f" in svg  # the block at fault is outlined in the error colour
    from html import escape

    assert escape(report.errors["fc"]) in svg
