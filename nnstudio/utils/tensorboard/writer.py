"""The JSON-lines SummaryWriter (see the package docstring)."""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import datetime

_NOTE = ("Written by nnstudio's SummaryWriter: scalars.jsonl holds one JSON object per logged value (tag, value, "
         "step, wall_time). Images, graphs, audio, figures and embeddings are not stored. TensorBoard cannot read "
         "this folder.\n")


def _number(value) -> float:
    if hasattr(value, "item"):
        value = value.item()
    return float(value)


class SummaryWriter:
    """`SummaryWriter(log_dir=None, comment='', purge_step=None, max_queue=10, flush_secs=120, filename_suffix='')`.

    `log_dir` defaults to torch's `runs/<Mon DD_HH-MM-SS>_<host><comment>`.
    """

    def __init__(self, log_dir=None, comment: str = "", purge_step=None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")
        self.log_dir = os.fspath(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "README.txt"), "w") as f:
            f.write(_NOTE)
        self._file = open(os.path.join(self.log_dir, f"scalars{filename_suffix}.jsonl"), "a")  # noqa: SIM115
        self._pending = 0
        self._max_queue = max(1, int(max_queue))

    def get_logdir(self) -> str:
        return self.log_dir

    def _write(self, record: dict) -> None:
        if self._file is None:
            raise RuntimeError("SummaryWriter: write after close()")
        self._file.write(json.dumps(record) + "\n")
        self._pending += 1
        if self._pending >= self._max_queue:
            self.flush()

    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False) -> None:
        self._write({"tag": tag, "value": _number(scalar_value), "step": None if global_step is None
                     else int(global_step), "wall_time": time.time() if walltime is None else float(walltime)})

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None, walltime=None) -> None:
        for tag, value in tag_scalar_dict.items():
            self.add_scalar(f"{main_tag}/{tag}", value, global_step, walltime)

    def add_histogram(self, tag: str, values, global_step=None, bins="tensorflow", walltime=None,
                      max_bins=None) -> None:
        """Stored as summary numbers (min, max, mean, count) rather than a histogram."""
        import numpy as np

        arr = np.asarray(values.detach().cpu().numpy() if hasattr(values, "detach") else values, dtype=np.float64)
        for stat, v in (("min", arr.min()), ("max", arr.max()), ("mean", arr.mean()), ("count", arr.size)):
            self.add_scalar(f"{tag}/{stat}", float(v), global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        self._write({"tag": tag, "text": str(text_string), "step": global_step,
                     "wall_time": time.time() if walltime is None else float(walltime)})

    def add_hparams(self, hparam_dict: dict, metric_dict: dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None) -> None:
        self._write({"tag": "hparams", "hparams": {k: v if isinstance(v, (int, float, str, bool)) else str(v)
                                                   for k, v in hparam_dict.items()},
                     "metrics": {k: _number(v) for k, v in metric_dict.items()}, "step": global_step,
                     "wall_time": time.time()})

    def _not_stored(self, *args, **kwargs) -> None:
        """Accepted for torch compatibility; not stored (see README.txt in log_dir)."""

    add_image = add_images = add_figure = add_graph = add_audio = add_video = add_embedding = _not_stored
    add_pr_curve = add_mesh = add_custom_scalars = add_image_with_boxes = _not_stored

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()
        self._pending = 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_scalars(log_dir) -> list[dict]:
    """Every record a SummaryWriter wrote to `log_dir`, in order."""
    out = []
    for name in sorted(os.listdir(log_dir)):
        if name.startswith("scalars") and name.endswith(".jsonl"):
            with open(os.path.join(log_dir, name)) as f:
                out.extend(json.loads(line) for line in f if line.strip())
    return out
