"""`torch.nn.modules.transformer`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)
