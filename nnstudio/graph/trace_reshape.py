"""Indexing and reshaping a traced tensor: ``x[:, -1]`` becomes Select blocks (``x[:, 2:5]`` Slice blocks),
``view`` / ``reshape`` (and ``squeeze`` / ``unsqueeze``) become Flatten and Unflatten blocks; what would touch the
batch is refused."""

from __future__ import annotations

from typing import Any

from .trace_proxy import BatchSize, Proxy


def getitem(t: Any, x: Proxy, key: Any) -> Proxy:
    """``x[:, -1]``, ``x[:, 0, :]``, ``x[..., 3]``, ``x[:, 2:5]``: one Select block per integer index, one Slice
    block per range."""
    what = f"indexing x[{_show_key(key)}]"
    key = key if isinstance(key, tuple) else (key,)
    n = len(x.sample_shape) + 1
    if any(k is Ellipsis for k in key):
        i = key.index(Ellipsis)
        key = (*key[:i], *[slice(None)] * (n - len(key) + 1), *key[i + 1:])
    if len(key) > n:
        raise t.refusal(what, f"the tensor has only {n} dimensions", "index fewer dimensions")
    if not key or key[0] != slice(None):
        raise t.refusal(what, "it picks samples out of the batch, whose size a design leaves open",
                        "keep the batch whole: start the index with ':' (x[:, -1])")
    picks = []
    for d, k in enumerate(key[1:], 1):
        if k == slice(None):
            continue
        if isinstance(k, int) and not isinstance(k, bool):
            picks.append((d, k))
            continue
        if isinstance(k, slice) and k.step in (None, 1) and all(
                v is None or isinstance(v, int) and not isinstance(v, bool) for v in (k.start, k.stop)):
            picks.append((d, k))
            continue
        raise t.refusal(what, "the builder's blocks pick one position (Select) or a range of positions with step 1 "
                        "(Slice); lists, masks, steps and tensors as indices have no block",
                        "pick single positions (x[:, -1]) or ranges (x[:, 2:5])")
    for d, k in reversed(picks):  # the last dimension first: the earlier ones keep their numbers
        if isinstance(k, slice):
            x = t.add("Slice", {"dim": d, "start": k.start or 0, "end": k.stop}, [x], what)
        else:
            x = t.add("Select", {"dim": d, "index": k}, [x], what)
    return x


def reshape(t: Any, x: Proxy, sizes: tuple, what: str) -> Proxy:
    """``view`` / ``reshape`` to ``sizes`` (with the batch first): Flatten and/or Unflatten blocks."""
    if not sizes:
        raise t.refusal(what, "it needs the new sizes", "give them: x.view(x.size(0), -1)")
    first, rest = sizes[0], list(sizes[1:])
    if any(isinstance(s, BatchSize) for s in rest):
        raise t.refusal(what, "the batch size may stay only in dimension 0", "keep it first")
    numel = 1
    for s in x.sample_shape:
        numel *= s
    if rest.count(-1) + (not isinstance(first, BatchSize) and first == -1) > 1:
        raise t.refusal(what, "only one size may be -1", "give every other size")
    if not isinstance(first, BatchSize):
        if first != -1:
            raise t.refusal(what, f"dimension 0 becomes {first}, but it is the batch, whose size a design "
                            "leaves open", "keep the batch first: x.view(x.size(0), ...) or x.view(-1, ...)")
        if -1 in rest:
            raise t.refusal(what, "with -1 for the batch every other size must be given", "give them")
    known = 1
    for s in rest:
        if s != -1:
            known *= s
    if -1 in rest:
        if known == 0 or numel % known:
            raise t.refusal(what, f"one sample's {numel} values do not split into {tuple(rest)}",
                            "give sizes whose product is the sample's size")
        rest[rest.index(-1)] = numel // known
    elif known != numel:
        raise t.refusal(what, f"one sample holds {numel} values ({_fmt(x.sample_shape)}), but the new "
                        f"sizes {tuple(rest)} hold {known}: this would move values between samples",
                        "give sizes whose product is one sample's size")
    return _reshape_nodes(t, x, tuple(rest), what)

def _reshape_nodes(tr: Any, x: Proxy, t: tuple[int, ...], what: str) -> Proxy:
    s = x.sample_shape
    if s == t:
        return x
    p = 0
    while p < min(len(s), len(t)) and s[p] == t[p]:
        p += 1
    q = 0
    while q < min(len(s), len(t)) - p and s[len(s) - 1 - q] == t[len(t) - 1 - q]:
        q += 1
    while (len(s) - p - q == 0 or len(t) - p - q == 0) and (p or q):
        if p:
            p -= 1
        else:
            q -= 1
    ms, mt = s[p:len(s) - q], t[p:len(t) - q]
    if len(mt) == 1 and len(ms) > 1:
        return tr.add("Flatten", {"start_dim": p + 1, "end_dim": p + len(ms)}, [x], what)
    if len(ms) == 1 and len(mt) > 1:
        return tr.add("Unflatten", {"dim": p + 1, "unflattened_size": tuple(mt)}, [x], what)
    if len(s) > 1:
        x = tr.add("Flatten", {"start_dim": 1, "end_dim": -1}, [x], what)
    if len(t) > 1:
        x = tr.add("Unflatten", {"dim": 1, "unflattened_size": t}, [x], what)
    return x


def _fmt(shape: tuple) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _show_key(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)

    def one(k: Any) -> str:
        if k is Ellipsis:
            return "..."
        if isinstance(k, slice):
            return ":".join("" if v is None else str(v) for v in (k.start, k.stop)) + \
                ("" if k.step is None else f":{k.step}")
        return "None" if k is None else repr(k) if not isinstance(k, Proxy) else "tensor"

    return ", ".join(one(k) for k in parts)
