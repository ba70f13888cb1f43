"""Attention written by hand as in the "transformer from scratch" posts, checked against nn.MultiheadAttention
and F.scaled_dot_product_attention: torch.einsum("bhqd,bhkd->bhqk"), a causal mask from
torch.triu(torch.ones(T, T), diagonal=1).bool(), masked_fill(mask, float("-inf")), a key padding mask broadcast
with [:, None, None, :], softmax, dropout-free weights; then a small pre-LN block (LayerNorm, GELU) with
nn.MultiheadAttention(batch_first=True, key_padding_mask=..., attn_mask=..., need_weights=True,
average_attn_weights=False) trained on a copy task with a regression loss that broadcasts an (N, 1) output
against an (N,) target (the classic Stack Overflow bug: torch warns and averages an N x N matrix)."""
import math
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.simplefilter("ignore")
torch.manual_seed(0)
B, T, E, H = 3, 6, 8, 2
x = torch.randn(B, T, E)
lengths = torch.tensor([6, 4, 5])
key_padding_mask = torch.arange(T)[None, :] >= lengths[:, None]  # True = pad
causal = torch.triu(torch.ones(T, T), diagonal=1).bool()
print(key_padding_mask.int())
print(causal.sum().item(), causal.dtype)

mha = nn.MultiheadAttention(E, H, batch_first=True)
print(mha, sum(p.numel() for p in mha.parameters()))
w_q, w_k, w_v = mha.in_proj_weight.chunk(3, dim=0)
b_q, b_k, b_v = mha.in_proj_bias.chunk(3)


def split_heads(t):
    return t.view(B, T, H, E // H).transpose(1, 2)


q = split_heads(F.linear(x, w_q, b_q))
k = split_heads(F.linear(x, w_k, b_k))
v = split_heads(F.linear(x, w_v, b_v))
scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(E // H)
scores = scores.masked_fill(causal, float("-inf"))
scores = scores.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
attn = torch.softmax(scores, dim=-1)
ctx = torch.einsum("bhqk,bhkd->bhqd", attn, v).transpose(1, 2).contiguous().view(B, T, E)
manual = mha.out_proj(ctx)
out, weights = mha(x, x, x, key_padding_mask=key_padding_mask, attn_mask=causal, need_weights=True,
                   average_attn_weights=False)
print(out.shape, weights.shape, torch.allclose(out, manual, atol=1e-6), torch.allclose(weights, attn, atol=1e-6))
print(f"{out.sum().item():.5f} {weights[1, 0, -1].tolist()}")
_, avg = mha(x, x, x, key_padding_mask=key_padding_mask)
print(avg.shape, f"{avg.sum(-1).mean().item():.5f}", avg[1, :, 4:].abs().max().item())
sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True)
manual_causal = torch.softmax((q @ k.transpose(-2, -1) / math.sqrt(E // H)).masked_fill(causal, float("-inf")), -1) @ v
print(torch.allclose(sdpa, manual_causal, atol=1e-6), f"{sdpa.abs().sum().item():.5f}")
float_mask = torch.zeros(T, T).masked_fill(causal, float("-inf"))
sdpa2 = F.scaled_dot_product_attention(q, k, v, attn_mask=float_mask)
print(torch.allclose(sdpa, sdpa2, atol=1e-6), torch.einsum("ii->", torch.eye(3)).item(),
      torch.einsum("bi,bi->b", x[:, 0], x[:, 1]).shape, torch.einsum("ij,jk", torch.ones(2, 3), torch.ones(3, 4)).sum())


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, h, batch_first=True)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(approximate="tanh"), nn.Linear(4 * d, d))

    def forward(self, x, pad):
        h = self.ln1(x)
        a, _ = self.attn(h, h, h, key_padding_mask=pad, need_weights=False)
        x = x + a
        return x + self.mlp(self.ln2(x))


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(1, E)
        self.pos = nn.Parameter(torch.zeros(1, T, E))
        self.block = Block(E, H)
        self.head = nn.Linear(E, 1)

    def forward(self, seq, pad):
        h = self.block(self.inp(seq.unsqueeze(-1)) + self.pos, pad)
        h = h.masked_fill(pad.unsqueeze(-1), 0.0)
        return self.head(h.sum(1) / (~pad).sum(1, keepdim=True))  # (N, 1)


data = torch.rand(48, T)
lens = torch.randint(2, T + 1, (48,))
pad = torch.arange(T)[None, :] >= lens[:, None]
target = data.masked_fill(pad, 0.0).max(dim=1).values  # (N,)
model = Regressor()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.MSELoss()
for step in range(30):
    pred = model(data, pad)
    loss_bug = criterion(pred, target)  # (48, 1) vs (48,): broadcast to (48, 48), as in the SO question
    loss = F.mse_loss(pred.squeeze(1), target) + 0.1 * F.l1_loss(pred, target.unsqueeze(1))
    opt.zero_grad()
    (loss + 0.0 * loss_bug).backward()
    opt.step()
    if step % 6 == 0:
        print(f"step {step:2d} loss {loss.item():.5f} broadcast loss {loss_bug.item():.5f} "
              f"huber {F.huber_loss(pred, target, delta=0.5).item():.5f}")
with torch.no_grad():
    w = torch.linspace(0.5, 1.5, 48)
    pred = model(data, pad).squeeze(1)
    print(f"weighted mse {F.mse_loss(pred, target, weight=w).item():.5f} "
          f"weighted l1 {F.l1_loss(pred, target, weight=w, reduction='sum').item():.5f}")
