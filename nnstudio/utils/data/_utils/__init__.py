"""torch.utils.data._utils: the DataLoader's helpers (collate.py: default_collate, default_convert)."""
