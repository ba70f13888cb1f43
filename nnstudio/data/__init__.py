"""`nnstudio.data`: built-in datasets (no downloads, fixed seeds) and your own data, split into train/validation.

>>> import nnstudio
>>> ds = nnstudio.data.load("spiral", arms=3, noise=0.1)      # or nnstudio.data.spiral(arms=3, noise=0.1)
>>> ds.X_train.shape, ds.y_train.shape, ds.input_shape, ds.num_classes, ds.is_2d
((480, 2), (480,), (2,), 3, True)
>>> mine = nnstudio.data.from_arrays(X, y)                   # NumPy arrays or tensors
>>> table = nnstudio.data.from_csv("iris.csv", label="species")

Every loader returns a `SplitDataset`: `X_train, y_train, X_val, y_val` (float32 inputs; int64 class indices or
float32 `(N, k)` targets), `task`, `num_classes`, `input_shape`, `num_outputs`, `name`, `is_2d`, and
`loaders(batch_size)` for `DataLoader`s. The same arguments always give the same arrays.
"""

from .dataset import CLASSIFICATION, REGRESSION, SplitDataset, split_indices
from .digits import digits
from .registry import DATASETS, as_dataset, describe, load, options
from .regression import regression1d
from .sequence import sequence
from .toy2d import circles, gauss, moons, spiral, xor
from .user import from_arrays, from_csv

__all__ = [
    "CLASSIFICATION", "DATASETS", "REGRESSION", "SplitDataset", "as_dataset", "circles", "describe", "digits",
    "from_arrays", "from_csv", "gauss", "load", "moons", "options", "regression1d", "sequence", "spiral",
    "split_indices", "xor",
]
