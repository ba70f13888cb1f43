"""Issue 15: fuzzed design files. Whatever the text (a valid design with characters flipped, cut or spliced, or
any JSON value put anywhere in it), `ModelGraph.from_json` returns a graph or raises `GraphFormatError` with a
short message; a graph it returns infers shapes without raising and round-trips through JSON."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnstudio.graph import GraphFormatError, ModelGraph, starters
from nnstudio.graph.errors import MAX_LISTED, MAX_TEXT

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 60))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
BASES = [starters.load(name).to_json() for name in starters.names()[:4]]
JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
                    | st.text(max_size=30), lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def load_or_refuse(text) -> None:
    try:
        g = ModelGraph.from_json(text)
    except GraphFormatError as exc:
        message = str(exc)
        assert len(message) < (MAX_LISTED + 3) * (MAX_TEXT + 80), len(message)
        return
    report = g.infer_shapes()  # errors are values, never exceptions
    assert report.ok == (not report.errors and not report.graph_errors)
    assert ModelGraph.from_json(g.to_json()).to_json() == g.to_json()


@SETTINGS
@given(st.data())
def test_corrupted_design_text_loads_or_is_refused(data):
    text = data.draw(st.sampled_from(BASES))
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(chars) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip":
            chars[i] = data.draw(st.sampled_from(list('{}[]",:-.0123456789eE aztn\\\u00e9\u2028\x00')))
        elif op == "cut":
            del chars[i:i + data.draw(st.integers(1, 40))]
        else:
            chars[i:i] = data.draw(st.sampled_from(['"x"', "{", "]", ",", "null", "1e999", '"\\ud800"', "-0", "[[[["]))
        if not chars:
            chars = ["{"]
    load_or_refuse("".join(chars))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


@SETTINGS
@given(st.data())
def test_any_json_value_anywhere_in_a_design_loads_or_is_refused(data):
    design = json.loads(data.draw(st.sampled_from(BASES)))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(_paths(design))))
        value = data.draw(JSON)
        if not path:
            design = value
            continue
        parent = design
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value
    load_or_refuse(json.dumps(design))


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_load_or_are_refused(blob):
    load_or_refuse(blob)
