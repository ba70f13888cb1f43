"""`AdaptiveLogSoftmaxWithLoss` (Grave et al., efficient softmax approximation): a head over the frequent classes
plus one cluster token per tail, each tail a low-rank projection; torch's parameters, names and outputs."""

from __future__ import annotations

from collections import namedtuple

from ...tensor import Tensor, where
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Args: in_features, n_classes, cutoffs (increasing, in (0, n_classes - 1)), div_value=4.0, head_bias=False.
    forward(input (N, in_features) or (in_features,), target (N,) or ()) -> (output: the target log-probabilities,
    loss: their negative mean)."""

    def __init__(self, in_features: int, n_classes: int, cutoffs, div_value: float = 4.0, head_bias: bool = False,
                 device=None, dtype=None) -> None:
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > (n_classes - 1)
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing "
                             "order, where each value is between 1 and n_classes-1")
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(in_features // (div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hsz, bias=False, device=device, dtype=dtype),
                                        Linear(hsz, osz, bias=False, device=device, dtype=dtype)))

    def reset_parameters(self) -> None:
        self.head.reset_parameters()
        for i2h, h2o in self.tail:
            i2h.reset_parameters()
            h2o.reset_parameters()

    def forward(self, input_: Tensor, target_: Tensor) -> _ASMoutput:
        batched = target_.ndim == 1
        if target_.ndim == 0:
            if input_.ndim != 1:
                raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs with size "
                                   f"{list(input_.shape)}")
            input, target = input_.unsqueeze(0), target_.unsqueeze(0)
        elif target_.ndim == 1:
            if input_.ndim != 2:
                raise RuntimeError("1D target tensor expects 2D input tensors, but found inputs with size "
                                   f"{list(input_.shape)}")
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            input, target = input_, target_
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        lo, hi = int(target.min()), int(target.max())
        if lo < 0 or hi > self.n_classes - 1:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{lo}, {hi}] were found. ")
        head_logprob = self.head(input).log_softmax(1)
        gather_inds = target
        output = head_logprob[:, :1].squeeze(1) * 0
        for i in range(1, len(self.cutoffs)):
            low, high = self.cutoffs[i - 1], self.cutoffs[i]
            mask = (target >= low) & (target < high)
            if not bool(mask.any()):
                continue
            gather_inds = where(mask, target * 0 + (self.shortlist_size + i - 1), gather_inds)
            relative = where(mask, target - low, target * 0)
            local = self.tail[i - 1](input).log_softmax(1).gather(1, relative.unsqueeze(1)).squeeze(1)
            output = output + where(mask, local, local * 0)
        output = output + head_logprob.gather(1, gather_inds.unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _get_full_log_prob(self, input: Tensor, head_output: Tensor) -> Tensor:
        from ... import cat

        head_logprob = head_output.log_softmax(1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster_logprob = self.tail[i](input).log_softmax(1)
            parts.append(cluster_logprob + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return cat(parts, 1)

    def log_prob(self, input: Tensor) -> Tensor:
        """Log-probabilities of every class: (N, in_features) -> (N, n_classes)."""
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        out = self._get_full_log_prob(x, self.head(x))
        return out if batched else out.squeeze(0)

    def predict(self, input: Tensor) -> Tensor:
        """The most likely class: (N, in_features) -> (N,)."""
        return self.log_prob(input).argmax(-1)


__all__ = [
    "AdaptiveLogSoftmaxWithLoss",
]
