"""Node names: each is a Python identifier that can name a submodule and a variable in exported code."""

from __future__ import annotations

import keyword
import re

MAX_NAME = 64
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

#: attributes of torch.nn.Module and nnstudio.nn.Module (a submodule must not shadow them), the graph module's
#: own attributes, and names the exported code uses
RESERVED = frozenset({
    "T_destination", "add_module", "apply", "bfloat16", "buffers", "call_super_init", "children", "compile", "cpu",
    "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer", "get_extra_state",
    "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules", "mtia", "named_buffers",
    "named_children", "named_modules", "named_parameters", "parameters", "register_backward_hook",
    "register_buffer", "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
    "register_full_backward_pre_hook", "register_load_state_dict_post_hook", "register_load_state_dict_pre_hook",
    "register_module", "register_parameter", "register_state_dict_post_hook", "register_state_dict_pre_hook",
    "requires_grad_", "set_extra_state", "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train",
    "type", "xpu", "zero_grad", "training",
    # the graph module and the exported code
    "graph", "input_names", "output_names", "self", "nn", "torch", "nnstudio", "super", "Model", "F",
})


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a node (one sentence), or None when it can."""
    if not isinstance(name, str):
        return f"a node name must be text, got {type(name).__name__}"
    if not name:
        return "a node name cannot be empty"
    if len(name) > MAX_NAME:
        return f"a node name has at most {MAX_NAME} characters, got {len(name)}"
    if not _IDENT.match(name):
        shown = name if len(name) <= 30 else name[:27] + "..."
        return (f"node name {shown!r} must start with a letter and hold only letters, digits and _ (it names a "
                f"submodule and a variable)")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"node name {name!r} is a Python keyword"
    if name in RESERVED:
        return f"node name {name!r} is reserved (an nn.Module attribute or a name the exported code uses)"
    return None


def fresh_name(prefix: str, taken: object) -> str:
    """``prefix1``, ``prefix2`` ...: the first that is not in ``taken``."""
    prefix = prefix or "node"
    i = 1
    while f"{prefix}{i}" in taken:  # type: ignore[operator]
        i += 1
    return f"{prefix}{i}"
