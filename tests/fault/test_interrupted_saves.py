"""Issue 15 (11, 15): an interrupted save keeps the old file and leaves no temporary; saves to one path never race;
new files respect the umask, replaced ones keep their mode, read-only ones are refused."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import nnstudio
from nnstudio import _atomic_write
from nnstudio.studio.files import UnsafePathError, load_text, save_text


def state(value: float, n: int = 1000):
    return {"w": nnstudio.full((n,), value)}


def only(folder, *names):
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="RLIMIT_FSIZE on Linux")
def test_a_file_size_limit_mid_save_keeps_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "ckpt.npz"
    nnstudio.save(state(1.0), path)
    script = textwrap.dedent(f"""
        import resource, signal, sys
        import nnstudio
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        try:
            nnstudio.save({{"w": nnstudio.full((100000,), 2.0)}}, {str(path)!r})
        except OSError as exc:
            print("refused", exc.errno)
            sys.exit(0)
        sys.exit(1)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "refused" in out.stdout, out.stderr[-2000:]
    only(tmp_path, "ckpt.npz")
    np.testing.assert_array_equal(nnstudio.load(path)["w"].numpy(), np.ones(1000, np.float32))


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failing_write_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch, exc):
    path = tmp_path / "ckpt.npz"
    nnstudio.save(state(1.0), path)
    real = np.savez

    def half_then_fail(file, **arrays):
        file.write(b"PK\x03\x04 half a file")
        raise exc

    monkeypatch.setattr(np, "savez", half_then_fail)
    with pytest.raises(type(exc)):
        nnstudio.save(state(2.0), path)
    monkeypatch.setattr(np, "savez", real)
    only(tmp_path, "ckpt.npz")
    assert nnstudio.load(path)["w"].numpy()[0] == 1.0


def test_concurrent_saves_to_one_path_never_fail(tmp_path):
    path = tmp_path / "same.npz"
    errors = []

    def saver(k):
        for i in range(8):
            try:
                nnstudio.save(state(float(k * 100 + i), 5000), path)
            except Exception as exc:  # noqa: BLE001 - collected for the assert
                errors.append(exc)

    threads = [threading.Thread(target=saver, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    only(tmp_path, "same.npz")
    w = nnstudio.load(path)["w"].numpy()
    assert (w == w[0]).all()  # one whole version, never a mix


def test_a_path_without_npz_suffix_is_written_exactly(tmp_path):
    nnstudio.save(state(1.0), tmp_path / "model.pt")
    only(tmp_path, "model.pt")


def test_permissions_follow_the_umask_and_an_existing_file(tmp_path):
    old = os.umask(0o027)
    try:
        nnstudio.save(state(1.0), tmp_path / "a.npz")
        save_text(tmp_path, "d.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.npz").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "d.json").stat().st_mode) == 0o640
    os.chmod(tmp_path / "d.json", 0o604)
    save_text(tmp_path, "d.json", "{ }")
    assert stat.S_IMODE((tmp_path / "d.json").stat().st_mode) == 0o604


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else False,
                    reason="root may write read-only files; the refusal is checked with os.access below")
def test_a_read_only_file_is_refused_not_replaced(tmp_path):
    _read_only_refused(tmp_path)


def test_a_read_only_file_is_refused_not_replaced_even_as_root(tmp_path, monkeypatch):
    real = os.access
    monkeypatch.setattr(_atomic_write.os, "access",
                        lambda p, mode: False if str(p).endswith(("ro.json", "ro.npz")) else real(p, mode))
    _read_only_refused(tmp_path)


def _read_only_refused(tmp_path):
    (tmp_path / "ro.json").write_text("keep")
    os.chmod(tmp_path / "ro.json", 0o444)
    with pytest.raises(PermissionError, match="read-only"):
        save_text(tmp_path, "ro.json", "{}")
    assert load_text(tmp_path, "ro.json") == "keep"
    nnstudio.save(state(1.0), tmp_path / "ro.npz")
    os.chmod(tmp_path / "ro.npz", 0o444)
    with pytest.raises(PermissionError, match="read-only"):
        nnstudio.save(state(2.0), tmp_path / "ro.npz")
    assert nnstudio.load(tmp_path / "ro.npz")["w"].numpy()[0] == 1.0
    only(tmp_path, "ro.json", "ro.npz")


@pytest.mark.parametrize("name", ["designs/", "designs//", "a/ /", "x\ny.json", "bell\x07.json", "esc\x1b[31m.json",
                                  "tab\there.json", "rtl\u202egnp.json", "x" * 250, "sub/" + "y" * 245 + ".json"])
def test_bad_design_names_are_refused(tmp_path, name):
    with pytest.raises(UnsafePathError):
        save_text(tmp_path, name, "{}")
    only(tmp_path)


@pytest.mark.parametrize("length", [200, 236])
def test_long_design_names_up_to_the_limit_save(tmp_path, length):
    name = "n" * length + ".json"
    save_text(tmp_path, name, "{}")
    only(tmp_path, name)


def test_long_checkpoint_names_save_and_leave_no_temporary(tmp_path):
    name = "c" * 250 + ".npz"  # 254 characters: the temporary name must still fit in 255
    nnstudio.save(state(1.0), tmp_path / name)
    only(tmp_path, name)
