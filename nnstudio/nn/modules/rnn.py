"""`torch.nn.modules.rnn`: torch's import path for these classes."""

from __future__ import annotations

from .. import (  # noqa: F401
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    RNNBase,
    RNNCell,
    RNNCellBase,
)
