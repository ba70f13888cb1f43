"""Weight initialisation the way forum answers write it: `model.apply(init_weights)` and loops over
`named_modules()` with isinstance checks (xavier / kaiming / orthogonal / constant / zeros, BatchNorm weight 1
and bias 0, Embedding normal_, LSTM weight_ih / weight_hh by name), then a check of each layer's statistics,
the count of parameters per layer type, requires_grad toggling, and a forward pass through the initialised
network."""
import math
from collections import Counter

import torch
import torch.nn as nn

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8, padding_idx=0)
        self.conv = nn.Conv1d(8, 12, kernel_size=3, padding=1)
        self.bn = nn.BatchNorm1d(12)
        self.lstm = nn.LSTM(12, 16, batch_first=True)
        self.head = nn.Sequential(nn.Linear(16, 16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 4))

    def forward(self, tokens):
        h = self.embed(tokens).transpose(1, 2)
        h = torch.relu(self.bn(self.conv(h))).transpose(1, 2)
        out, _ = self.lstm(h)
        return self.head(out[:, -1])


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Conv1d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        nn.init.constant_(m.bias, 0.01)
    elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


model = Net()
model.apply(init_weights)
for name, module in model.named_modules():
    if isinstance(module, nn.Embedding):
        print("init", name, module)
        nn.init.normal_(module.weight, mean=0.0, std=0.02)
        with torch.no_grad():
            module.weight[module.padding_idx].fill_(0)
    elif isinstance(module, nn.LSTM):
        print("init", name, module)
        for pname, param in module.named_parameters():
            if "weight_ih" in pname:
                nn.init.xavier_uniform_(param)
            elif "weight_hh" in pname:
                nn.init.orthogonal_(param)
            elif "bias" in pname:
                param.data.fill_(0)
                n = param.size(0)
                param.data[n // 4:n // 2].fill_(1.0)  # forget-gate bias 1

print("modules:", [name or "<root>" for name, _ in model.named_modules()])
print("types:", dict(Counter(type(m).__name__ for m in model.modules())))
total = sum(p.numel() for p in model.parameters())
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"total params: {total:,} | trainable: {trainable:,}")
for name, p in model.named_parameters():
    print(f"{name:22s} {str(tuple(p.shape)):10s} mean {p.mean().item():+.4f} std {p.std().item():.4f}")

lin = model.head[0]
bound = math.sqrt(6.0 / (lin.in_features + lin.out_features))
print("xavier bound respected:", lin.weight.abs().max().item() <= bound, round(bound, 4))
w_hh = model.lstm.weight_hh_l0
print("orthonormal columns:", torch.allclose(w_hh.t() @ w_hh, torch.eye(16), atol=1e-5))
print("padding row zero:", model.embed.weight[0].abs().sum().item() == 0.0,
      "bn:", model.bn.weight.unique().tolist(), model.bn.bias.unique().tolist())
print("forget bias:", model.lstm.bias_ih_l0[16:32].unique().tolist(), model.lstm.bias_ih_l0[:16].sum().item())

for p in model.embed.parameters():
    p.requires_grad = False
print("after freezing embed:", sum(p.numel() for p in model.parameters() if p.requires_grad))
frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
print("frozen:", frozen)

model.eval()
tokens = torch.randint(1, 20, (3, 7))
with torch.no_grad():
    logits = model(tokens)
print(logits.shape, logits.argmax(dim=1).tolist(), f"{logits.abs().mean().item():.5f}")
model.train()
out = model(tokens)
loss = out.logsumexp(dim=1).mean()
loss.backward()
print("grads:", {n: p.grad is not None for n, p in model.named_parameters() if "weight" in n})
print(f"grad norm: {torch.norm(torch.stack([p.grad.norm() for p in model.parameters() if p.grad is not None])):.5f}")
