"""`torch.hub`: nnstudio never downloads (it runs offline); every loader raises a RuntimeError saying so."""

from __future__ import annotations

import os

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

_dir = [os.path.join(os.path.expanduser("~"), ".cache", "torch", "hub")]


def _offline(what: str):
    raise RuntimeError(f"torch.hub.{what}: nnstudio does not download models or weights (it works offline); "
                       "build the model in code and load a local file with torch.load")


def load(repo_or_dir, model, *args, **kwargs):
    _offline("load")


def list(github, force_reload=False, **kwargs):  # noqa: A001 - torch's name
    _offline("list")


def help(github, model, force_reload=False, **kwargs):  # noqa: A001 - torch's name
    _offline("help")


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    _offline("load_state_dict_from_url")


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    _offline("download_url_to_file")


def get_dir() -> str:
    """The directory torch would cache hub downloads in (nothing is ever written there)."""
    return _dir[0]


def set_dir(d) -> None:
    _dir[0] = os.fspath(d)
