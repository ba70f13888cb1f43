"""A tiny TransformerEncoder classifier with a sinusoidal positional encoding kept as a buffer, a padding mask,
AdamW and a warm-up LambdaLR; the "sequence model" tutorial pattern."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class PositionalEncoding(nn.Module):
    def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 64):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer('pe', pe)

    def forward(self, x):
        """x: (seq_len, batch, d_model)"""
        x = x + self.pe[:x.size(0)]
        return self.dropout(x)


class TransformerModel(nn.Module):
    def __init__(self, ntoken, d_model, nhead, d_hid, nlayers, nclass, dropout=0.1):
        super().__init__()
        self.model_type = 'Transformer'
        self.pos_encoder = PositionalEncoding(d_model, dropout)
        encoder_layers = nn.TransformerEncoderLayer(d_model, nhead, d_hid, dropout=0.0)
        self.transformer_encoder = nn.TransformerEncoder(encoder_layers, nlayers, enable_nested_tensor=False)
        self.embedding = nn.Embedding(ntoken, d_model)
        self.d_model = d_model
        self.classifier = nn.Linear(d_model, nclass)
        self.init_weights()

    def init_weights(self) -> None:
        initrange = 0.1
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.classifier.bias.data.zero_()
        self.classifier.weight.data.uniform_(-initrange, initrange)

    def forward(self, src, src_key_padding_mask=None):
        src = self.embedding(src) * math.sqrt(self.d_model)
        src = self.pos_encoder(src)
        output = self.transformer_encoder(src, src_key_padding_mask=src_key_padding_mask)
        return self.classifier(output.mean(dim=0))


torch.manual_seed(0)
rng = np.random.default_rng(3)
VOCAB, SEQ, N = 12, 10, 128
tokens = rng.integers(1, VOCAB, size=(N, SEQ))
labels = (tokens == 3).any(axis=1).astype(np.int64)
src = torch.from_numpy(tokens).t().contiguous()  # (seq, batch)
y = torch.from_numpy(labels)
pad = torch.zeros(N, SEQ, dtype=torch.bool)
pad[:, -2:] = True
print(src.shape, src.is_contiguous(), y.float().mean().item(), pad.sum().item())

model = TransformerModel(VOCAB, d_model=16, nhead=2, d_hid=32, nlayers=2, nclass=2, dropout=0.1)
print(model)
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
print([k for k in model.state_dict().keys() if "layers.0" in k])
mask = nn.Transformer.generate_square_subsequent_mask(4)
print(mask)

optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)
warmup = 3
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=lambda step: min(1.0, (step + 1) / warmup))
for epoch in range(4):
    model.train()
    total = 0.0
    for i in range(0, N, 32):
        logits = model(src[:, i:i + 32], src_key_padding_mask=pad[i:i + 32])
        loss = F.cross_entropy(logits, y[i:i + 32])
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        optimizer.step()
        scheduler.step()
        total += loss.item()
        print(f"  batch {i // 32} loss {loss.item():.6f} lr {scheduler.get_last_lr()[0]:.6f}")
    model.eval()
    with torch.no_grad():
        acc = (model(src, src_key_padding_mask=pad).argmax(-1) == y).float().mean()
    print(f"epoch {epoch} loss {total / 4:.5f} acc {acc.item():.4f}")
