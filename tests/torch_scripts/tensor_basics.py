"""The "Tensors" and "Autograd" quickstart tutorials: creation, attributes, indexing, joining, arithmetic,
in-place ops, the NumPy bridge and a first backward pass."""
import numpy as np
import torch
import torch.nn.functional as F

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(x_data, x_np.dtype, x_data.dtype)
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(x_rand.shape, x_rand.dtype)

shape = (2, 3,)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")

tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
print(torch.stack([tensor[0], tensor[1]]).shape)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1, torch.equal(y1, y2), torch.equal(y1, y3))
z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z1, torch.equal(z1, z2), torch.equal(z2, z3))
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")

# attributes and shape helpers
a = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
print(a.size(), a.size(1), a.shape[-1], a.numel(), a.dim(), a.ndim, len(a))
print(a.shape == (2, 3, 4), a.shape == torch.Size([2, 3, 4]), list(a.shape), tuple(a.size()))
print(a.view(-1, 4).shape, a.view(6, -1).shape, a.flatten().shape, torch.flatten(a, 1).shape)
print(a.permute(2, 0, 1).shape, a.transpose(0, 1).shape, a.unsqueeze(0).shape, a[None].shape)
print(a.mean(), a.mean(dim=1), a.sum(-1, keepdim=True).shape, a.max(), a.min(dim=0).values.shape)
vals, idx = torch.max(a, 1)
print(vals, idx)
print(a.argmax(), a.argmax(dim=2), a.std(), a.var(dim=0).shape)
print(torch.sigmoid(torch.tensor([-1.0, 0.0, 2.0])), torch.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0))
print(torch.tanh(torch.tensor([0.5])), torch.relu(torch.tensor([-1.0, 1.0])), torch.exp(torch.tensor(1.0)))
print(torch.mean(a), torch.sum(a, dim=(0, 2)), torch.clamp(a, 3, 5)[0, 0], a.clamp(min=20).sum())
print(torch.zeros(2, 2, dtype=torch.long), torch.full((2,), 7.0), torch.eye(2), torch.arange(0, 1, 0.25))
b = a.clone()
b[0, 0, 0] = 100
print(a[0, 0, 0].item(), b[0, 0, 0].item())
c = a.detach().clone()
with torch.no_grad():
    c.mul_(2).add_(1)
print(c[1, 2], torch.allclose(c, a * 2 + 1), c.equal(a * 2 + 1))
print(torch.where(a > 10, a, torch.zeros_like(a))[0])
print(a.float().dtype, a.long().dtype, a.int().dtype, a.double().dtype, a.to(torch.float64).dtype, a.bool().any())
print((a > 5).sum().item(), (a > 5).float().mean().item(), a.eq(3).nonzero())
print(torch.is_tensor(a), isinstance(a, torch.Tensor), a.is_floating_point(), a.requires_grad)
print(torch.randperm(10).sort().values.tolist(), torch.randn(3, 2).shape, torch.randint(0, 5, (3,)).dtype)
print(a.split(2, dim=2)[1].shape, len(a.chunk(3, dim=1)), a.squeeze().shape, torch.ones(1, 3, 1).squeeze(2).shape)
print(torch.tensor([[1.0, 2.0], [3.0, 4.0]]).T.tolist(), torch.tensor(3.5).item(), torch.tensor([True, False]))

# autograd quickstart
x = torch.ones(5)
y = torch.zeros(3)
w = torch.tensor(np.linspace(-1, 1, 15).reshape(5, 3), dtype=torch.float32, requires_grad=True)
b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn is not None}")
loss.backward()
print(w.grad)
print(b.grad)
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z = torch.matmul(x, w) + b
z_det = z.detach()
print(z_det.requires_grad)
inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
print(F.softmax(torch.tensor([[1.0, 2.0]]), dim=1), F.one_hot(torch.tensor([0, 2]), num_classes=3))
