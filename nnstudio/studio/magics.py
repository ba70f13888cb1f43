"""The IPython extension: `%load_ext nnstudio`, then `%nnstudio` opens the Studio.

    %nnstudio                      the starter design on the spiral data
    %nnstudio model                a model variable (nn.Module or ModelGraph) of the notebook
    %nnstudio design.json          a saved design file
    %nnstudio model --data digits  with a built-in dataset (or a variable holding (X, y))
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

MAX_DESIGN_BYTES = 5 * 1024 * 1024


class MagicError(ValueError):
    """A `%nnstudio` line that names nothing usable; the message says what was expected."""


def parse_line(line: str) -> tuple[str | None, str | None]:
    """`"model --data digits"` -> ("model", "digits"); every part optional."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise MagicError(f"%nnstudio: cannot read the line ({exc})") from None
    target, data = None, None
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("--data", "-d"):
            if i + 1 >= len(words):
                raise MagicError("%nnstudio: --data needs a dataset name or a variable, e.g. --data digits")
            data = words[i + 1]
            i += 2
            continue
        if w.startswith("--data="):
            data = w.split("=", 1)[1]
        elif target is None:
            target = w
        else:
            raise MagicError(f"%nnstudio: unexpected '{w}'; usage: %nnstudio [model_or_file.json] [--data NAME]")
        i += 1
    return target, data


def resolve(target: str | None, data: str | None, namespace: dict) -> dict[str, Any]:
    """The keyword arguments of `Studio(...)` for a magic line, looked up in the user's namespace."""
    kwargs: dict[str, Any] = {}
    if data is not None:
        kwargs["data"] = namespace[data] if data in namespace else data
    if target is None:
        return kwargs
    if target in namespace:
        kwargs["model"] = namespace[target]
        return kwargs
    if target.endswith(".json"):
        from ..graph import ModelGraph

        path = Path(target).expanduser()
        if not path.is_file():
            raise MagicError(f"%nnstudio: no design file '{target}' (looked in {Path.cwd()})")
        if path.stat().st_size > MAX_DESIGN_BYTES:
            raise MagicError(f"%nnstudio: '{target}' is larger than {MAX_DESIGN_BYTES // 2**20} MB: not a design")
        kwargs["model"] = ModelGraph.from_json(path.read_text(encoding="utf-8"))
        return kwargs
    raise MagicError(f"%nnstudio: '{target}' is neither a variable of this notebook nor a .json design file")


def nnstudio_magic(line: str, local_ns: dict | None = None):
    """Open the Studio on a model variable or a design file (see the module docstring)."""
    from IPython import get_ipython

    from .app import Studio

    ip = get_ipython()
    namespace = dict(ip.user_ns) if ip is not None else {}
    namespace.update(local_ns or {})
    target, data = parse_line(line)
    return Studio(**resolve(target, data, namespace))


def load_ipython_extension(ipython) -> None:
    """Register `%nnstudio` (called by `%load_ext nnstudio`)."""
    ipython.register_magic_function(nnstudio_magic, magic_kind="line", magic_name="nnstudio")
