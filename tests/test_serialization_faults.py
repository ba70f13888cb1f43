"""Issue 15 (8): a file PyTorch itself wrote (`torch.save`, a zip with a pickle inside) is refused, never unpickled;
the fault suite (tests/fault/test_hostile_files.py) covers every other hostile file without importing torch."""

from __future__ import annotations

import pytest

import nnstudio
from nnstudio.serialization import LoadError


@pytest.mark.parametrize("legacy", [False, True])
def test_a_real_torch_save_file_is_refused_with_a_way_out(tmp_path, legacy):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save(torch.nn.Linear(2, 3).state_dict(), path, _use_new_zipfile_serialization=not legacy)
    with pytest.raises(LoadError) as info:
        nnstudio.load(path)
    text = str(info.value)
    assert str(path) in text and "never loads pickles" in text and "numpy.savez" in text
    assert "allow_pickle" not in text and "weights_only" not in text
