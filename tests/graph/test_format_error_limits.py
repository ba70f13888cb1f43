"""Issue 15 (10): a GraphFormatError stays short whatever the file holds: long keys and values are cut, and past
the first problems the rest are counted."""

from __future__ import annotations

import json

import pytest

from nnstudio.graph import GraphFormatError, ModelGraph
from nnstudio.graph.errors import MAX_LISTED, MAX_TEXT


def design(nodes) -> str:
    return json.dumps({"format": "nnstudio.graph", "version": 1, "nodes": nodes})


def test_a_5_mb_key_gives_a_short_message():
    node = {"name": "x", "type": "Input", "inputs": [], "config": {"shape": [4], "dtype": "float32"}}
    node["config"]["k" * 5_000_000] = 1
    with pytest.raises(GraphFormatError) as info:
        ModelGraph.from_json(design([node]))
    text = str(info.value)
    assert len(text) < 3 * MAX_TEXT and "characters in all" in text
    assert all(len(p) <= MAX_TEXT and len(m) <= MAX_TEXT for p, m in info.value.problems)


def test_thousands_of_bad_nodes_are_counted_not_listed():
    nodes = [{"name": f"n{i}", "type": "Nope", "inputs": [], "config": {}} for i in range(4999)]
    with pytest.raises(GraphFormatError) as info:
        ModelGraph.from_json(design(nodes))
    text = str(info.value)
    assert len(info.value.problems) >= 4999  # every problem is kept, each one short
    assert text.count("\n") <= MAX_LISTED + 2 and f"and {len(info.value.problems) - MAX_LISTED:,} more problems" in text
    assert len(text) < (MAX_LISTED + 2) * (2 * MAX_TEXT)
    assert "4,999 problems" in text or f"{len(info.value.problems):,} problems" in text


def test_a_huge_value_is_cut_too():
    node = {"name": "x", "type": "Input", "inputs": [], "config": {"shape": "s" * 1_000_000, "dtype": "float32"}}
    with pytest.raises(GraphFormatError) as info:
        ModelGraph.from_json(design([node]))
    assert len(str(info.value)) < 3 * MAX_TEXT
