"""Linear / polynomial regression the way blog posts write it: NumPy data -> torch.from_numpy, a custom Dataset
returning dicts (collated into dicts of tensors, strings kept as lists) and a TensorDataset with DataLoader,
an nn.Module with one Linear layer, MSELoss and SGD, the learned weight and bias against the true ones,
NumPy-style reductions (x.mean(axis=0), keepdims=True), torch.Size arithmetic for reshaping, the grad_fn chain
of the loss, and evaluation under torch.no_grad()."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

rng = np.random.RandomState(42)
x_np = rng.uniform(-1, 1, size=(64, 3)).astype(np.float32)
true_w = np.array([[2.0], [-3.0], [0.5]], dtype=np.float32)
y_np = x_np @ true_w + 1.0 + 0.01 * rng.randn(64, 1).astype(np.float32)

X, Y = torch.from_numpy(x_np), torch.from_numpy(y_np)
print("X:", X.shape, X.dtype, "| Y:", Y.shape, "| mean:", X.mean(axis=0), "| std:", X.std(axis=0, keepdims=True))
mu, sigma = X.mean(dim=0, keepdim=True), X.std(0, keepdims=True)
Xn = (X - mu) / sigma
print("normalised:", Xn.mean(axis=0).abs().max().item() < 1e-6, torch.allclose(Xn.std(axis=0), torch.ones(3)))


class PointsDataset(Dataset):
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return {"features": self.x[idx], "target": self.y[idx], "id": f"pt{idx}", "weight": 1.0}


loader = DataLoader(PointsDataset(Xn, Y), batch_size=16)
batch = next(iter(loader))
print(sorted(batch), batch["features"].shape, batch["id"][:3], batch["weight"].dtype, type(batch["id"]).__name__)


class LinearRegression(nn.Module):
    def __init__(self, in_features):
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x):
        return self.linear(x)


model = LinearRegression(3)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
train_loader = DataLoader(TensorDataset(Xn, Y), batch_size=16, shuffle=False)
for epoch in range(30):
    total = 0.0
    for xb, yb in train_loader:
        pred = model(xb)
        loss = criterion(pred, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.size(0)
    if epoch % 10 == 9:
        print(f"Epoch [{epoch + 1}/30], Loss: {total / len(train_loader.dataset):.6f}")

print("loss graph:", loss.grad_fn.name(), [(n.name() if n else None, i) for n, i in loss.grad_fn.next_functions])
addmm = loss.grad_fn.next_functions[0][0]
print("addmm inputs:", [n.name() if n else None for n, _ in addmm.next_functions])
w = model.linear.weight.detach() / sigma  # back to the raw inputs' scale
b = model.linear.bias.detach() - (w * mu).sum(axis=1)
print("learned w:", [round(v, 3) for v in w.view(-1).tolist()], "b:", round(b.item(), 3))
print("true    w:", true_w.ravel().tolist(), "b: 1.0")

shape = X.shape
print(shape + (1,), (2,) + shape[1:], shape[::-1], shape * 2, type(shape[1:]).__name__, shape.numel())
with torch.no_grad():
    test_x = torch.tensor([[0.5, -0.5, 1.0]])
    print("prediction:", round(model((test_x - mu) / sigma).item(), 3),
          "expected:", round(float((test_x.numpy() @ true_w).item() + 1.0), 3))
    residuals = model(Xn) - Y
    print("max |residual|:", f"{residuals.abs().max().item():.4f}", "rmse:", f"{residuals.pow(2).mean().sqrt():.4f}")
