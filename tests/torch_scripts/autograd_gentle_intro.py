"""'A Gentle Introduction to torch.autograd' and 'Automatic Differentiation with torch.autograd' (the Basics
tutorial): Q.backward(gradient=external_grad) on a vector output, requires_grad propagation, a one-layer
logistic model with binary_cross_entropy_with_logits, torch.no_grad() and detach(), the Jacobian-product section
(backward twice accumulates, zero_ resets), retain_grad on an intermediate, set_grad_enabled, requires_grad_,
and fine-tuning with frozen parameters (only the new classifier's parameters get gradients and are optimized)."""
import torch
from torch import nn, optim

# ------------------------------------------------------------------ differentiation in autograd
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3 * a ** 3 - b ** 2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9 * a ** 2 == a.grad)
print(-2 * b == b.grad)
print(a.grad, b.grad)

# ------------------------------------------------------------------ exclusion from the DAG
x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)
a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

# ------------------------------------------------------------------ the Basics tutorial's logistic model
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)

z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)

# ------------------------------------------------------------------ tensor gradients and Jacobian products
inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

# ------------------------------------------------------------------ autograd mechanics
x = torch.randn(3, requires_grad=True)
h = x * 2
h.retain_grad()
out = (h ** 2).sum()
out.backward()
print(h.grad, x.grad, h.is_leaf, x.is_leaf, out.is_leaf)

x = torch.tensor([1.], requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad)
is_train = False
with torch.set_grad_enabled(is_train):
    y = x * 2
print(y.requires_grad)
torch.set_grad_enabled(True)
y = x * 2
print(y.requires_grad)
torch.set_grad_enabled(False)
y = x * 2
print(y.requires_grad)
torch.set_grad_enabled(True)

t = torch.zeros(2)
print(t.requires_grad, t.requires_grad_().requires_grad, t.is_leaf)


# ------------------------------------------------------------------ frozen parameters (fine-tuning)
class TinyBackbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten())
        self.fc = nn.Linear(8, 1000)

    def forward(self, x):
        return self.fc(self.features(x))


model = TinyBackbone()
for param in model.parameters():
    param.requires_grad = False
model.fc = nn.Linear(8, 10)
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
print([name for name, p in model.named_parameters() if p.requires_grad])
data = torch.rand(4, 3, 16, 16)
labels = torch.rand(4, 10)
for step in range(3):
    optimizer.zero_grad()
    prediction = model(data)
    loss = (prediction - labels).sum()
    loss.backward()
    optimizer.step()
    print(step, loss.item(), model.features[0].weight.grad is None, model.fc.weight.grad.abs().sum().item())
print(model.fc.bias.data)
