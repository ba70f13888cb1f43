"""`nnstudio.utils`: `utils.data` as in torch."""

from . import checkpoint, data
