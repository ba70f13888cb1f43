"""Connectionist temporal classification: `F.ctc_loss` and `nn.CTCLoss` (the forward algorithm in log space,
composed from differentiable tensor ops; gradients as torch reports them for log-probability inputs)."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, where
from .modules.module import Module

_NEG = -1e30  # a finite "log 0": keeps the recursion's gradients finite where no path exists


def _lse3(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    from .. import maximum

    m = maximum(maximum(a, b), c).detach()
    return m + ((a - m).exp() + (b - m).exp() + (c - m).exp()).log()


def _sample_nll(lp: Tensor, target: list, length: int, blank: int) -> Tensor:
    """-log p(target | lp[:length]) for one sample; lp (T, C) log-probabilities."""
    from .. import cat, full, tensor

    ext = [blank]
    for label in target:
        ext += [int(label), blank]
    L = len(ext)
    ext_t = tensor(np.asarray(ext, dtype=np.int64), device=lp.device)
    skip = np.zeros(L, dtype=bool)
    for s in range(2, L):
        skip[s] = ext[s] != blank and ext[s] != ext[s - 2]
    skip_t = tensor(skip, device=lp.device)
    neg = full((L,), _NEG, dtype=lp.dtype, device=lp.device)
    start = np.full(L, _NEG)
    start[0] = 0.0
    if L > 1:
        start[1] = 0.0
    alpha = tensor(start, dtype=lp.dtype, device=lp.device) + lp[0].gather(0, ext_t)
    neg1, neg2 = neg[:1], neg[:2]
    for t in range(1, length):
        a2 = cat([neg1, alpha[:-1]]) if L > 1 else neg1
        a3 = cat([neg2, alpha[:-2]]) if L > 2 else neg[:L]
        a3 = where(skip_t, a3, neg)
        alpha = _lse3(alpha, a2, a3) + lp[t].gather(0, ext_t)
    last = alpha[L - 1:]
    prev = alpha[L - 2:L - 1] if L > 1 else neg1
    return -_lse3(last, prev, neg1)[0]


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """log_probs (T, N, C) or (T, C) (log_softmax outputs); targets (N, S) padded or 1-D concatenated;
    input_lengths, target_lengths (N,). 'mean' divides each loss by its target length, then averages."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    unbatched = log_probs.ndim == 2
    lp_all = log_probs.unsqueeze(1) if unbatched else log_probs
    T, N, C = lp_all.shape
    in_len = [int(v) for v in np.asarray(input_lengths.tolist() if hasattr(input_lengths, "tolist")
                                         else input_lengths).reshape(-1)]
    tg_len = [int(v) for v in np.asarray(target_lengths.tolist() if hasattr(target_lengths, "tolist")
                                         else target_lengths).reshape(-1)]
    tg = np.asarray(targets.tolist() if hasattr(targets, "tolist") else targets)
    if unbatched and tg.ndim == 1:
        tg = tg.reshape(1, -1)
    if len(in_len) != N or len(tg_len) != N:
        raise RuntimeError(f"ctc_loss: expected input_lengths and target_lengths of size {N}, got {len(in_len)} "
                           f"and {len(tg_len)}")
    from .. import stack

    losses, offset = [], 0
    for b in range(N):
        if in_len[b] > T:
            raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value {in_len[b]}")
        if tg.ndim == 2:
            target = tg[b, :tg_len[b]].tolist()
        else:
            target = tg[offset:offset + tg_len[b]].tolist()
            offset += tg_len[b]
        lp = lp_all[:, b]
        nll = _sample_nll(lp, target, in_len[b], blank)
        e = lp[:in_len[b]].exp()
        nll = nll + (e - e.detach()).sum()  # torch's gradient for log-prob inputs carries exp(log_probs)
        impossible = float(nll.detach()) > 1e29
        if impossible:
            nll = nll * 0 if zero_infinity else nll * 0 + float("inf")
        losses.append(nll)
    loss = stack(losses)
    if reduction == "none":
        return loss[0] if unbatched else loss
    if reduction == "sum":
        return loss.sum()
    from .. import tensor

    lengths = tensor(np.maximum(np.asarray(tg_len, dtype=np.float64), 1), dtype=loss.dtype, device=loss.device)
    return (loss / lengths).mean()


class CTCLoss(Module):
    """Args: blank=0, reduction='mean', zero_infinity=False. forward(log_probs (T, N, C), targets,
    input_lengths, target_lengths)."""

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__()
        self.blank, self.reduction, self.zero_infinity = blank, reduction, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths, target_lengths) -> Tensor:
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                        self.zero_infinity)
