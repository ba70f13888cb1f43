"""The names of torch's top-level namespace that are neither tensors nor their functions: configuration and
introspection (`config`: finfo, memory formats, determinism switches, torch.conv2d-style aliases, interop),
the ATen forms of layer steps (`layer_forms`: torch.lstm, torch.native_layer_norm, ...) and eager control flow
(`control_flow`: torch.cond, torch.while_loop, the sym_* helpers). `nnstudio/__init__.py` exports each module's
`__all__`.
"""
