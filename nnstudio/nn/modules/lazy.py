"""`LazyModuleMixin`: modules whose parameter shapes come from their first input (torch's lazy modules).

Until the first forward a lazy module holds `UninitializedParameter` / `UninitializedBuffer` placeholders; a forward
pre-hook calls `initialize_parameters(*input)`, which materialises them and runs the layer's own
`reset_parameters` (torch's init), and the module then becomes `cls_to_become` (LazyLinear -> Linear). A state_dict
of materialised tensors loads into a lazy module (the placeholders take the loaded shapes).
"""

from __future__ import annotations

import itertools

from ...autograd import no_grad
from ..parameter import is_lazy


class LazyModuleMixin:
    """Mix in before a layer class (`class LazyLinear(LazyModuleMixin, Linear)`); subclasses implement
    `initialize_parameters(input)` and set `cls_to_become`."""

    cls_to_become: type | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters)

    def _save_to_state_dict(self, destination, prefix: str, keep_vars: bool) -> None:
        """As Module's, but placeholders go in as they are (torch prints them `<UninitializedParameter>`)."""
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if is_lazy(param) or keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers:
                destination[prefix + name] = buf if is_lazy(buf) or keep_vars else buf.detach()

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                        error_msgs) -> None:
        """Before loading: a placeholder whose key holds a materialised tensor takes that tensor's shape."""
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key in state_dict and param is not None and is_lazy(param):
                value = state_dict[key]
                if not is_lazy(value):
                    with no_grad():
                        param.materialize(tuple(value.shape))

    def initialize_parameters(self, *args, **kwargs) -> None:
        """Infer the shapes from the first input and materialise the parameters (each lazy layer's own)."""
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self) -> bool:
        """Whether any parameter or buffer of this module (not its children) is still a placeholder."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(), self._buffers.values()))

    def _infer_parameters(self, module, args, kwargs=None) -> None:
        """The forward pre-hook: initialise, drop both hooks, become `cls_to_become`."""
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, "_initialize_hook")
        delattr(module, "_load_hook")
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with `DataParallel`. Run a dummy "
                           "forward pass to correctly initialize the modules")


__all__ = ["LazyModuleMixin"]
