"""Save/load path safety: names must stay inside the folder, links out are refused, writes are atomic."""

from __future__ import annotations

import os

import pytest

from nnstudio.studio import files
from nnstudio.studio.files import UnsafePathError, atomic_write_text, load_text, safe_path, save_text


@pytest.mark.parametrize("name", ["../x.json", "a/../../x.json", "/etc/passwd", "/tmp/x.json", "~/x.json",
                                  "C:\\x.json", "..\\x.json", "", "   ", ".hidden.json", "sub/.git/x.json",
                                  "a\x00b.json", "x" * 300, "model.py"])
def test_unsafe_names_are_refused(tmp_path, name):
    with pytest.raises(UnsafePathError):
        safe_path(tmp_path, name)


def test_plain_names_resolve_inside_the_folder(tmp_path):
    assert safe_path(tmp_path, "mlp") == tmp_path / "mlp.json"
    assert safe_path(tmp_path, "designs/cnn.json") == tmp_path / "designs" / "cnn.json"


def test_symlink_leading_out_is_refused(tmp_path):
    inside = tmp_path / "nb"
    inside.mkdir()
    outside = tmp_path / "secret.json"
    outside.write_text("{}")
    (inside / "link.json").symlink_to(outside)
    (inside / "dirlink").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="outside"):
        safe_path(inside, "link.json")
    with pytest.raises(UnsafePathError, match="outside"):
        safe_path(inside, "dirlink/secret.json")
    with pytest.raises(UnsafePathError):
        save_text(inside, "link.json", "overwritten")
    assert outside.read_text() == "{}"


def test_symlink_inside_the_folder_is_refused_too(tmp_path):
    (tmp_path / "real.json").write_text("{}")
    (tmp_path / "alias.json").symlink_to(tmp_path / "real.json")
    with pytest.raises(UnsafePathError, match="link"):
        safe_path(tmp_path, "alias.json")


def test_save_then_load_round_trip(tmp_path):
    path = save_text(tmp_path, "designs/m.json", '{"a": 1}')
    assert path == tmp_path / "designs" / "m.json"
    assert load_text(tmp_path, "designs/m") == '{"a": 1}'
    assert files.list_designs(tmp_path / "designs") == ["m.json"]


def test_load_missing_and_huge_files(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError):
        load_text(tmp_path, "nope.json")
    (tmp_path / "big.json").write_text("x" * 100)
    monkeypatch.setattr(files, "MAX_DESIGN_BYTES", 10)
    with pytest.raises(UnsafePathError, match="at most"):
        load_text(tmp_path, "big.json")


def test_atomic_write_never_leaves_a_half_file(tmp_path, monkeypatch):
    target = tmp_path / "d.json"
    target.write_text("old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new content")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]  # the temporary file was cleaned up


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "d.json"
    target.write_text("a much longer old content")
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
