"""`Field.parse` (text typed into a form -> a checked value) and `Field.text` (the inverse) for every kind."""

from __future__ import annotations

import pytest

from nnstudio.graph import registry
from nnstudio.graph.fields import FieldValueError


def field(layer: str, name: str):
    return registry.get(layer).field(name)


@pytest.mark.parametrize("layer, name, raw, value", [
    ("Linear", "out_features", "32", 32), ("Linear", "out_features", " 3.0 ", 3), ("Linear", "out_features", 7, 7),
    ("Linear", "in_features", "auto", None), ("Linear", "in_features", "", None), ("Linear", "bias", False, False),
    ("Linear", "bias", "off", False), ("Dropout", "p", "0.25", 0.25), ("Conv2d", "kernel_size", "3", 3),
    ("Conv2d", "kernel_size", "3, 5", (3, 5)), ("Conv2d", "kernel_size", "(3 5)", (3, 5)),
    ("Conv2d", "padding", "same", "same"), ("Input", "shape", "1, 8, 8", (1, 8, 8)), ("Input", "shape", "64", (64,)),
    ("Input", "dtype", "int64", "int64"), ("RNN", "nonlinearity", "relu", "relu"),
    ("GELU", "approximate", "none", "none"), ("GELU", "approximate", "tanh", "tanh"),
])
def test_parse_reads_form_text_into_checked_values(layer, name, raw, value):
    f = field(layer, name)
    got = f.parse(raw)
    assert got == value and type(got) is type(value)
    assert f.parse(f.text(got)) == got  # text() is parse's inverse


@pytest.mark.parametrize("layer, name, raw, words", [
    ("Linear", "out_features", "-3", "out_features must be at least 1, got -3"),
    ("Linear", "out_features", "abc", "out_features must be a whole number, got 'abc'"),
    ("Linear", "out_features", "2.5", "out_features must be a whole number, got 2.5"),
    ("Linear", "out_features", "", "out_features needs a value"),
    ("Dropout", "p", "1.5", "p must be at most 1"),
    ("Linear", "bias", "maybe", "bias must be true or false"),
    ("Conv2d", "kernel_size", "1 2 3", "kernel_size takes one number or 2 numbers, got 3"),
    ("Conv2d", "kernel_size", "same", "kernel_size must be a whole number"),
    ("RNN", "nonlinearity", "sigmoid", "nonlinearity must be one of 'tanh', 'relu'"),
])
def test_parse_refuses_with_one_sentence_naming_the_field(layer, name, raw, words):
    with pytest.raises(FieldValueError) as info:
        field(layer, name).parse(raw)
    assert words in str(info.value)


def test_text_of_auto_tuple_and_bool():
    assert field("Linear", "in_features").text(None) == ""
    assert field("Conv2d", "kernel_size").text((3, 3)) == "3, 3"
    assert field("Linear", "bias").text(True) is True
