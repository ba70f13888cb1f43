"""Matplotlib panels of the training dashboard: each owns one reusable figure and renders PNG bytes off-screen."""

from .base import Panel, downsample
from .boundary import DecisionBoundaryPanel, SamplePredictionsPanel
from .grads import GradientPanel
from .loss import LossPanel
from .shapes import ParameterShapesPanel
from .table import latest_norms, param_table_html

__all__ = ["DecisionBoundaryPanel", "GradientPanel", "LossPanel", "Panel", "ParameterShapesPanel",
           "SamplePredictionsPanel", "downsample", "latest_norms", "param_table_html"]
