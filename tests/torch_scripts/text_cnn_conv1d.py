# ruff: noqa: UP008 (the re-implementations keep their Python 2 super(Class, self))
"""Kim's CNN for sentence classification as the popular PyTorch re-implementations write it: pretrained vectors
loaded with nn.Embedding.from_pretrained(freeze=False) next to a frozen copy (weight.requires_grad = False, the
"static" channel), convolutions of several widths in an nn.ModuleList of Conv1d over x.permute(0, 2, 1), ReLU,
max over time with F.max_pool1d(x, x.size(2)).squeeze(2) and with torch.max(dim=2)[0], torch.cat, Dropout,
Adadelta (the paper's optimizer) with the max-norm constraint on the output layer through torch.renorm,
and filter(lambda p: p.requires_grad, model.parameters()) for the optimizer."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
rng = np.random.default_rng(3)
VOCAB, EMB, SEQ, N = 30, 10, 14, 120
pretrained = torch.from_numpy(rng.standard_normal((VOCAB, EMB)).astype(np.float32))
sentences = rng.integers(1, VOCAB, size=(N, SEQ))
lengths = rng.integers(6, SEQ + 1, size=N)
for i, n in enumerate(lengths):
    sentences[i, n:] = 0
labels = np.array([int(((s >= 1) & (s < 6)).sum() >= 2) for s in sentences])
X = torch.from_numpy(sentences).long()
Y = torch.from_numpy(labels)
print(X.shape, X.dtype, Y.sum().item(), (X == 0).sum().item())


class CNN_Text(nn.Module):
    def __init__(self, embed_num, embed_dim, class_num, kernel_num=6, kernel_sizes=(2, 3, 4), dropout=0.5):
        super(CNN_Text, self).__init__()
        self.embed = nn.Embedding.from_pretrained(pretrained, freeze=False, padding_idx=0)
        self.static_embed = nn.Embedding(embed_num, embed_dim, padding_idx=0)
        self.static_embed.weight.data.copy_(pretrained)
        self.static_embed.weight.requires_grad = False
        self.convs = nn.ModuleList([nn.Conv1d(2 * embed_dim, kernel_num, K, padding=K // 2) for K in kernel_sizes])
        self.dropout = nn.Dropout(dropout)
        self.fc1 = nn.Linear(len(kernel_sizes) * kernel_num, class_num)

    def forward(self, x):
        x = torch.cat([self.embed(x), self.static_embed(x)], dim=2)  # (N, W, 2D)
        x = x.permute(0, 2, 1)  # (N, 2D, W)
        x = [F.relu(conv(x)) for conv in self.convs]  # [(N, Co, W'), ...]
        pooled = [F.max_pool1d(i, i.size(2)).squeeze(2) for i in x[:2]]
        pooled.append(torch.max(x[2], dim=2)[0])
        x = torch.cat(pooled, 1)
        x = self.dropout(x)
        return self.fc1(x)


model = CNN_Text(VOCAB, EMB, 2)
print(model)
print([name for name, p in model.named_parameters() if p.requires_grad])
print(model.embed.weight.requires_grad, model.static_embed.weight.requires_grad,
      torch.equal(model.embed.weight, model.static_embed.weight))
trainable = filter(lambda p: p.requires_grad, model.parameters())
optimizer = torch.optim.Adadelta(trainable, lr=1.0, rho=0.95, eps=1e-6)
criterion = nn.CrossEntropyLoss()
max_norm = 3.0
for epoch in range(5):
    model.train()
    epoch_loss, correct = 0.0, 0
    for i in range(0, 96, 24):
        feature, target = X[i:i + 24], Y[i:i + 24]
        optimizer.zero_grad()
        logit = model(feature)
        loss = criterion(logit, target)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            model.fc1.weight.data = torch.renorm(model.fc1.weight.data, p=2, dim=0, maxnorm=max_norm)
        epoch_loss += loss.item()
        correct += (torch.max(logit, 1)[1].view(target.size()).data == target.data).sum().item()
    model.eval()
    with torch.no_grad():
        logit = model(X[96:])
        val_loss = F.cross_entropy(logit, Y[96:], reduction="sum").item() / 24
        val_acc = (logit.argmax(1) == Y[96:]).float().mean().item()
    print(f"epoch {epoch} loss {epoch_loss / 4:.5f} train acc {correct}/96 val loss {val_loss:.5f} "
          f"val acc {val_acc:.4f}")

print(torch.equal(model.static_embed.weight, pretrained), torch.equal(model.embed.weight, pretrained))
print(f"{model.fc1.weight.norm(dim=1).max().item():.4f}", model.embed.weight[0].abs().sum().item())
print(f"{(model.embed.weight - pretrained).abs().sum().item():.4f}")
conv = model.convs[1]
print(conv.weight.shape, conv.padding, conv.stride, conv.kernel_size)
x = torch.randn(2, 2 * EMB, 7)
print(F.conv1d(x, conv.weight, conv.bias, padding=1).shape, F.avg_pool1d(x, 3, stride=2).shape,
      F.adaptive_max_pool1d(x, 1).squeeze(-1).shape)
print(f"{F.adaptive_avg_pool1d(x, 2).sum().item():.5f} {nn.MaxPool1d(2, ceil_mode=True)(x).sum().item():.5f}")
