"""Define-by-run autograd: primitives (`Function`), graph recording (`apply`) and the backward sweep."""

from . import forward_ad, functional
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .engine import run_backward
from .function import Function, apply
from .functional_grad import backward, grad
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .variable import Variable

__all__ = ["Function", "apply", "run_backward", "grad", "backward", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "functional", "forward_ad",
           "gradcheck", "gradgradcheck", "GradcheckError",
           "Variable", "detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled", "is_anomaly_check_nan_enabled"]


def __getattr__(name: str):
    if name == "profiler":  # torch.autograd.profiler, loaded on first use
        import importlib

        return importlib.import_module(".profiler", __name__)
    raise AttributeError(f"module 'nnstudio.autograd' has no attribute {name!r}")
