"""`torch.utils.tensorboard`: a SummaryWriter without the tensorboard dependency.

nnstudio writes no TensorBoard event files. `SummaryWriter` keeps torch's calls and writes what it is given as
JSON lines to `<log_dir>/scalars.jsonl` (one object per value: tag, value, step, wall_time), readable with
`nnstudio.utils.tensorboard.read_scalars(log_dir)` or any JSON reader. Images, graphs, audio, embeddings and
figures are accepted and not stored (a single note goes to `<log_dir>/README.txt`).
"""

from __future__ import annotations

from .writer import SummaryWriter, read_scalars

__all__ = ["SummaryWriter", "read_scalars"]
