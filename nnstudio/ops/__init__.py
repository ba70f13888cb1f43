"""Differentiable primitives on raw arrays (NumPy or CuPy). They know nothing of `Tensor`."""
