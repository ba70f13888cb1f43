"""Shuffled training, as in most tutorials: random_split with a seeded generator, DataLoader(shuffle=True),
randperm; the run must learn (this script's numbers depend on the library's random stream)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
digits = load_digits()
X = torch.tensor(digits.data, dtype=torch.float32) / 16.0
y = torch.tensor(digits.target)
dataset = TensorDataset(X, y)
train_set, val_set = random_split(dataset, [1400, len(dataset) - 1400], generator=torch.Generator().manual_seed(42))
print(len(train_set), len(val_set))
train_loader = DataLoader(train_set, batch_size=64, shuffle=True, drop_last=True)
val_loader = DataLoader(val_set, batch_size=128)
print(len(train_loader), len(val_loader))

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
first_losses, last_losses = [], []
for epoch in range(5):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        optimizer.step()
        (first_losses if epoch == 0 else last_losses).append(loss.item())
    scheduler.step()
model.eval()
correct = 0
with torch.no_grad():
    for xb, yb in val_loader:
        correct += (model(xb).argmax(1) == yb).sum().item()
perm = torch.randperm(len(X))
print("perm is a permutation:", sorted(perm.tolist()) == list(range(len(X))))
print("SMOKE first_loss", np.mean(first_losses[:3]), "last_loss", np.mean(last_losses[-5:]),
      "val_acc", correct / len(val_set))
