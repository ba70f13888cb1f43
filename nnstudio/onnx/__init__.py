"""`torch.onnx`: nnstudio cannot write ONNX files (it has no graph exporter); `export` says so."""

from __future__ import annotations

__all__ = ["export", "is_in_onnx_export"]


def export(model, args=(), f=None, *a, **kw):
    """Raises NotImplementedError: save weights with `torch.save(model.state_dict(), path)` instead, or export
    the model's code with nnstudio's graph tools (`nnstudio.graph.from_module(...).to_code("torch")`) and run
    torch.onnx.export under PyTorch."""
    raise NotImplementedError("torch.onnx.export is not available in nnstudio (no ONNX exporter): save the "
                              "state_dict with torch.save, or export the model under PyTorch")


def is_in_onnx_export() -> bool:
    """False: no export is ever in progress."""
    return False
