"""`replace_all_batch_norm_modules_` (torch's `_functorch/batch_norm_replacement.py`): BatchNorm without running
statistics, so that `vmap` over a model with BatchNorm has no buffers to update in place."""

from __future__ import annotations

__all__ = ["replace_all_batch_norm_modules_"]


def _without_running_stats(module) -> None:
    from ..nn.modules.batchnorm import _BatchNorm

    if isinstance(module, _BatchNorm) and module.track_running_stats:
        module.running_mean = None
        module.running_var = None
        module.num_batches_tracked = None
        module.track_running_stats = False


def replace_all_batch_norm_modules_(root):
    """In place: every BatchNorm in `root` (root included) gets running_mean, running_var and
    num_batches_tracked None and track_running_stats False (batch statistics in train and eval). Returns root."""
    for module in root.modules():
        _without_running_stats(module)
    return root
