"""`torch.nn.parallel`: DataParallel and DistributedDataParallel as torch runs them on one device.

nnstudio drives one device, so `DataParallel(model)` is what torch gives with zero or one GPU: a wrapper whose
`module` is the model (state_dict keys start with `module.`) and whose forward calls it directly.
`DistributedDataParallel` needs a process group, which nnstudio never has (see `torch.distributed`): it raises
torch's ValueError. As torch: `data_parallel.py` and `distributed.py`.
"""

from __future__ import annotations

from .data_parallel import DataParallel, data_parallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]
