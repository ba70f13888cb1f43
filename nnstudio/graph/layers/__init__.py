"""The layer types of the registry, one family per file; each file lists its `LayerSpec`s in `SPECS`."""
