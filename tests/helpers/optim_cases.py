"""The small model pair and the two-group optimizer factory that the optimizer parity tests share."""

from __future__ import annotations

import torch

import nnstudio.nn as nn


def make_pair():
    """(nnstudio, torch) Linear(5, 6) - Tanh - Linear(6, 2) models (weights copied by the parity helper)."""
    ns = nn.Sequential(nn.Linear(5, 6), nn.Tanh(), nn.Linear(6, 2))
    th = torch.nn.Sequential(torch.nn.Linear(5, 6), torch.nn.Tanh(), torch.nn.Linear(6, 2))
    return ns, th


def grouped(cls, kwargs: dict, group_kwargs: dict):
    """A factory: the first layer in group 0 with the constructor's options, the second in group 1 with
    `group_kwargs` overriding them."""
    def factory(params):
        params = list(params)
        return cls([{"params": params[:2]}, {"params": params[2:], **group_kwargs}], **kwargs)
    return factory
