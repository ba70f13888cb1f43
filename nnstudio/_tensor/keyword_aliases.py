"""NumPy's keyword names that torch accepts for its own: `axis=` for `dim=` and `keepdims=` for `keepdim=`.

torch's argument parser takes them for every function and method written in C++ that has a `dim` / `keepdim`
parameter: `x.sum(axis=0)`, `torch.mean(x, axis=1, keepdims=True)`, `x.max(axis=1)`, `torch.cat(ts, axis=1)`,
`x.softmax(axis=-1)`. The few that torch writes in Python (`split`, `norm`, `unique`, `unflatten`, and all of
`nn.functional`) do not, and neither do they here. Giving both names (`x.sum(0, axis=1)`) is a TypeError, as
in torch.

`accept_numpy_keywords(mixin)` wraps each such method of Tensor's parts once, at import, before they compose it;
`accept_numpy_keywords_in(namespace)` each such function of `nnstudio` (`torch.std_mean`, `torch.trapezoid`);
`with_numpy_keywords(fn)` one function (`torch.cat`, whose `out=` wrapper hides its signature).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

#: NumPy's name -> torch's
NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}

#: methods and functions with a `dim` that torch implements in Python, where its parser's aliases do not apply
TORCH_PYTHON_NAMES = frozenset({"split", "norm", "unique", "unique_consecutive", "unflatten", "stft", "istft",
                                "lu", "align_to", "refine_names", "rename", "to_sparse_coo"})


def with_numpy_keywords(fn: Callable) -> Callable:
    """`fn`, also taking `axis=` for its `dim` and `keepdims=` for its `keepdim` (fn itself if it has neither)."""
    if getattr(fn, "numpy_keywords", False):
        return fn
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn
    aliases = {alias: own for alias, own in NUMPY_NAMES.items() if own in params and alias not in params}
    if not aliases or getattr(fn, "__name__", "") in TORCH_PYTHON_NAMES:
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs and ("axis" in kwargs or "keepdims" in kwargs):
            for alias, own in aliases.items():
                if alias in kwargs:
                    if own in kwargs:
                        raise TypeError(f"{fn.__name__}() got both '{own}' and its NumPy name '{alias}'")
                    kwargs[own] = kwargs.pop(alias)
        return fn(*args, **kwargs)

    wrapper.numpy_keywords = True
    return wrapper


def accept_numpy_keywords_in(namespace: dict) -> None:
    """Wrap, in place, every public function of a module's namespace that has a `dim` or `keepdim` parameter."""
    for name, value in list(namespace.items()):
        if not name.startswith("_") and inspect.isfunction(value) and name not in TORCH_PYTHON_NAMES:
            namespace[name] = with_numpy_keywords(value)


def accept_numpy_keywords(cls: type) -> type:
    """Wrap, in place, every public method with a `dim` or `keepdim` parameter where it is defined: in `cls`
    and the classes it is built from (a mixin and its generated base), so a class composed from them holds none
    of its own."""
    for klass in cls.__mro__[:-1]:
        for name, attr in list(vars(klass).items()):
            if not name.startswith("_") and name not in TORCH_PYTHON_NAMES and inspect.isfunction(attr):
                wrapped = with_numpy_keywords(attr)
                if wrapped is not attr:
                    setattr(klass, name, wrapped)
    return cls
