"""The IPython extension: `%load_ext nnstudio`, then `%nnstudio` opens the Studio.

    %nnstudio                      the starter design on the spiral data
    %nnstudio model                a model variable (nn.Module or ModelGraph) of the notebook
    %nnstudio design.json          a saved design file
    %nnstudio model --data digits  with a built-in dataset (or a variable holding (X, y))
    %nnstudio model --shape 28,28  an nn.Module with one sample's input shape (when no --data gives it)
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
    target, data, _ = parse_options(line)
    return target, data


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(p) for p in text.strip("()[]").replace(",", " ").split())
    except ValueError:
        shape = ()
    if not shape or min(shape) < 1:
        raise MagicError(f"%nnstudio: --shape takes one sample's sizes, e.g. --shape 28,28; got '{text}'")
    return shape


def parse_options(line: str) -> tuple[str | None, str | None, tuple[int, ...] | None]:
    """`"model --data digits --shape 1,8,8"` -> ("model", "digits", (1, 8, 8)); every part optional."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise MagicError(f"%nnstudio: cannot read the line ({exc})") from None
    shape = None
    for flag in ("--shape", "--input-shape"):
        while flag in words:
            i = words.index(flag)
            if i + 1 >= len(words):
                raise MagicError(f"%nnstudio: {flag} needs one sample's sizes, e.g. {flag} 28,28")
            shape = _shape(words[i + 1])
            del words[i:i + 2]
    for w in list(words):
        if w.startswith(("--shape=", "--input-shape=")):
            shape = _shape(w.split("=", 1)[1])
            words.remove(w)
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
    return target, data, shape


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
    target, data, shape = parse_options(line)
    kwargs = resolve(target, data, namespace)
    if shape is not None:
        kwargs["input_shape"] = shape
    elif "data" not in kwargs and _is_module(kwargs.get("model")):
        raise MagicError(f"%nnstudio: '{target}' is an nn.Module; say what one input sample looks like: "
                         f"%nnstudio {target} --shape 28,28 (one sample's sizes), or --data NAME")
    return Studio(**kwargs)


def _is_module(model: Any) -> bool:
    """An nn.Module that needs an input shape (not a design, not a module made by ModelGraph.build())."""
    return model is not None and hasattr(model, "forward") and not hasattr(model, "_graph_json")


def load_ipython_extension(ipython) -> None:
    """Register `%nnstudio` (called by `%load_ext nnstudio`)."""
    ipython.register_magic_function(nnstudio_magic, magic_kind="line", magic_name="nnstudio")
