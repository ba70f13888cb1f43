"""A custom nn.Module MLP on the digits: F.relu, F.dropout(training=self.training), F.log_softmax, F.nll_loss,
Adam with weight decay and two parameter groups, an ExponentialLR schedule and the optimizer's state_dict."""
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset


class MLP(nn.Module):
    def __init__(self, in_features=64, hidden=48, num_classes=10, p=0.3):
        super().__init__()
        self.hidden = nn.Linear(in_features, hidden)
        self.hidden2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, num_classes)
        self.p = p

    def forward(self, x):
        x = x.view(-1, 64)
        x = F.relu(self.hidden(x))
        x = F.dropout(x, p=self.p, training=self.training)
        x = torch.tanh(self.hidden2(x))
        return F.log_softmax(self.out(x), dim=-1)


torch.manual_seed(42)
digits = load_digits()
data = digits.data.astype(np.float32) / 16.0
target = digits.target.astype(np.int64)
x_train, y_train = torch.from_numpy(data[:400]), torch.from_numpy(target[:400])
x_test, y_test = torch.from_numpy(data[400:600]), torch.from_numpy(target[400:600])
x_train = x_train.view(-1, 8, 8)
print(x_train.shape, x_train.dim(), x_train.numel(), y_train[:10])

train_dl = DataLoader(TensorDataset(x_train, y_train), batch_size=50)
model = MLP()
print(model)
print(model.training)

optimizer = optim.Adam([
    {"params": model.hidden.parameters()},
    {"params": list(model.hidden2.parameters()) + list(model.out.parameters()), "lr": 5e-3},
], lr=1e-2, weight_decay=1e-4)
scheduler = optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)
print(len(optimizer.param_groups), [g["lr"] for g in optimizer.param_groups], optimizer.param_groups[0]["weight_decay"])
print(optimizer.defaults["betas"], optimizer.param_groups[1]["betas"], optimizer.param_groups[1]["eps"])

history = []
for epoch in range(3):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_dl:
        optimizer.zero_grad()
        loss = F.nll_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
        history.append(loss.item())
    scheduler.step()
    model.eval()
    with torch.no_grad():
        logp = model(x_test)
        test_loss = F.nll_loss(logp, y_test).item()
        acc = (logp.argmax(1) == y_test).float().mean().item()
    print(f"epoch {epoch} train {epoch_loss / len(train_dl):.5f} test {test_loss:.5f} acc {acc:.4f} "
          f"lr {optimizer.param_groups[0]['lr']:.6f} {optimizer.param_groups[1]['lr']:.6f}")

print(" ".join(f"{v:.5f}" for v in history))
sd = optimizer.state_dict()
print(sorted(sd.keys()), len(sd["state"]), sorted(sd["state"][0].keys()), sd["param_groups"][0]["params"])
print(sd["state"][0]["step"], sd["state"][0]["exp_avg"].shape)

with torch.no_grad():
    all_preds = torch.cat([model(x_test[i:i + 50]).argmax(dim=1) for i in range(0, 200, 50)])
print(all_preds.shape, all_preds[:20].tolist())
print(torch.exp(model(x_test[:3])).sum(1).round(decimals=3))
