"""`torch.amp`: autocast regions and gradient scaling (see autocast_mode.py for what nnstudio does in them)."""

from .autocast_mode import autocast, custom_bwd, custom_fwd, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]
