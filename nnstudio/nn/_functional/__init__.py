"""The math of `nn.functional`, one file per family named as the `nn/modules/` file whose classes call it
(`attention.py`: scaled_dot_product_attention and MultiheadAttention's forward). `nn/functional.py` re-exports
every public name; import them from there."""
