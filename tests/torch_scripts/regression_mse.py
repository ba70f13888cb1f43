"""Regression tutorials: hand-written gradient descent with requires_grad tensors, then nn.Linear / an MLP with
MSELoss and SGD on a noisy sine, with torch.from_numpy / torch.tensor(dtype=...) data."""
import math

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
dtype = torch.float
device = torch.device("cpu")

# 1. polynomial fit by hand (the "Learning PyTorch with examples" tutorial)
x = torch.linspace(-math.pi, math.pi, 200, device=device, dtype=dtype)
y = torch.sin(x)
a = torch.tensor(0.1, device=device, dtype=dtype, requires_grad=True)
b = torch.tensor(-0.2, device=device, dtype=dtype, requires_grad=True)
c = torch.tensor(0.3, device=device, dtype=dtype, requires_grad=True)
d = torch.tensor(0.05, device=device, dtype=dtype, requires_grad=True)
learning_rate = 1e-6
for t in range(300):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 50 == 49:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad.zero_()
        d.grad.zero_()
print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')

# 2. the same with nn.Sequential + Flatten(0, 1)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
print(xx.shape)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
loss_fn = torch.nn.MSELoss(reduction='sum')
for t in range(200):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 50 == 49:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= 1e-6 * param.grad
linear_layer = model[0]
print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
      f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')

# 3. an MLP regressor on numpy data
rng = np.random.default_rng(1)
X_np = rng.uniform(-3, 3, size=(160, 2))
y_np = np.sin(X_np[:, 0]) + 0.5 * X_np[:, 1] ** 2 / 3 + 0.05 * rng.standard_normal(160)
X_t = torch.tensor(X_np, dtype=torch.float32)
y_t = torch.from_numpy(y_np).float().unsqueeze(1)
print(X_t.dtype, y_t.dtype, y_t.shape, X_t.mean(dim=0), X_t.std(dim=0))
mean, std = X_t.mean(0, keepdim=True), X_t.std(0, keepdim=True)
X_t = (X_t - mean) / std


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x):
        return self.net(x)


reg = Regressor()
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(reg.parameters(), lr=0.05, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=40, gamma=0.5)
for epoch in range(120):
    perm = torch.arange(160)
    for i in range(0, 160, 40):
        idx = perm[i:i + 40]
        optimizer.zero_grad()
        loss = criterion(reg(X_t[idx]), y_t[idx])
        loss.backward()
        optimizer.step()
    scheduler.step()
    if epoch % 20 == 0:
        with torch.no_grad():
            full = criterion(reg(X_t), y_t)
        print(f"epoch {epoch:3d} mse {full.item():.6f} lr {scheduler.get_last_lr()[0]:.4f}")

vec = torch.nn.utils.parameters_to_vector(reg.parameters())
print(vec.shape, vec.norm().item())
with torch.no_grad():
    pred = reg(X_t)
    residual = (pred - y_t).squeeze()
    print(residual.abs().max().item(), torch.mean(residual ** 2).item(), nn.functional.l1_loss(pred, y_t).item())
    print(pred[:5].detach().numpy().round(4).tolist(), pred[:3].squeeze().tolist())
