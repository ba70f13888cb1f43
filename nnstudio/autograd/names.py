"""torch's names for backward nodes that nnstudio builds from other primitives.

A view such as `transpose` runs nnstudio's `Permute` primitive, yet torch prints `grad_fn=<TransposeBackward0>`;
`as_torch_node(out, name, source)` records the name torch gives on the node that produced `out`, and
`nnstudio._tensor.printing.grad_fn_name` prints it; `as_torch_composite` also gives the node torch's edges
(`grad_fn.next_functions`). Display only: the graph and its gradients are unchanged.
"""

from __future__ import annotations


def as_torch_composite(out, name: str, *inputs):
    """Name the node of `out`, the result of an op composed from several primitives (mse_loss from `-`, `*`
    and `mean`), as torch's one node for the op, with torch's edges: to the op's `inputs` (tensors), not to the
    primitives inside. Returns `out`; nothing changes when `out` has no node of its own."""
    from .graph import edges_to

    ctx = getattr(out, "_ctx", None)
    if ctx is None or any(ctx is getattr(t, "_ctx", None) for t in inputs):
        return out
    ctx.torch_name = name
    ctx.torch_edges = edges_to(inputs)
    return out


def as_torch_node(out, name: str, *sources):
    """Name the backward node of `out` as torch would (`name`, e.g. "StackBackward0"); returns `out`.

    Nothing is named when `out` has no node, or when its node is one of the `sources`' own (an op that
    returned its input unchanged must not rename the input's node).
    """
    ctx = getattr(out, "_ctx", None)
    if ctx is None or any(ctx is getattr(s, "_ctx", None) for s in sources):
        return out
    ctx.torch_name = name
    return out
