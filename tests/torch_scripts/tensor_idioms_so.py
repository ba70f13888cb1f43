"""Tensor idioms from Stack Overflow answers: view / reshape / permute / contiguous (torch's RuntimeError for
a view of a transposed tensor is left out: nnstudio's view copies), gather / scatter_ / scatter_add_ /
index_add_, topk and sort with indices, cumsum / cumprod, torch.where, clamp, F.one_hot, argmax(dim,
keepdim=True), item / tolist / numpy round trips (sharing memory), in-place ops with a trailing underscore,
dtype casts .long() / .float() / .to(torch.float64) / .type(torch.int32), integer division and rounding modes,
broadcasting, masked_select / nonzero / unique(return_counts) / bincount, repeat vs expand vs repeat_interleave,
meshgrid(indexing="ij"), bucketize, chunk / split / unbind, prod(dtype=), normalize(out=) and
uniform_(**{"from": ..., "to": ...})."""
import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.arange(24).view(2, 3, 4)
print(x.shape, x.stride(), x.is_contiguous(), x.dim(), x.numel())
y = x.permute(2, 0, 1)
print(y.shape, y.is_contiguous(), y.contiguous().is_contiguous())
print(y.reshape(-1)[:6].tolist(), y.contiguous().view(4, -1).shape, x.transpose(0, 2).shape, x.flatten(1).shape)
print(x.unsqueeze(1).shape, x[None, ..., None].shape, x.squeeze().shape, x[:, :1].squeeze(1).shape)

scores = torch.randn(5, 4)
labels = torch.tensor([0, 3, 1, 1, 2])
picked = scores.gather(1, labels.unsqueeze(1)).squeeze(1)
print(torch.allclose(picked, scores[torch.arange(5), labels]), f"{picked.sum().item():.5f}")
one_hot = torch.zeros(5, 4).scatter_(1, labels.unsqueeze(1), 1.0)
print(torch.equal(one_hot, F.one_hot(labels, num_classes=4).float()), F.one_hot(labels).dtype)
counts = torch.zeros(4).scatter_add_(0, labels, torch.ones(5))
print(counts, torch.bincount(labels, minlength=4), torch.zeros(4, dtype=torch.long).index_add_(0, labels,
                                                                                             torch.ones(5).long()))
vals, idx = scores.topk(2, dim=1)
print(vals.shape, idx.tolist())
sorted_vals, order = torch.sort(scores[:, 0], descending=True)
print(order.tolist(), f"{sorted_vals[0].item():.5f}", torch.argsort(scores[:, 1]).tolist())
pred = scores.argmax(dim=1, keepdim=True)
print(pred.shape, pred.eq(labels.view_as(pred)).sum().item(), scores.max(dim=1).indices.tolist())
print(torch.cumsum(torch.arange(1, 6), dim=0).tolist(), torch.cumprod(torch.tensor([1.0, 2.0, 3.0, 4.0]), 0))
print(torch.where(scores > 0, scores, torch.zeros_like(scores)).sum().item() == scores.clamp(min=0).sum().item())
print(scores.clamp(-0.5, 0.5).abs().max().item(), torch.clamp(scores, max=0.0).max().item())
print(torch.where(labels == 1)[0].tolist(), (labels == 1).nonzero(as_tuple=False).view(-1).tolist(),
      labels.masked_select(labels > 0).tolist())
u, c = torch.unique(torch.tensor([3, 1, 3, 2, 1, 3]), return_counts=True)
print(u.tolist(), c.tolist(), torch.unique(torch.tensor([3, 1, 3]), sorted=True, return_inverse=True)[1].tolist())

a = np.arange(6, dtype=np.float32).reshape(2, 3)
t = torch.from_numpy(a)
a[0, 0] = 100.0
print(t[0, 0].item(), t.numpy().dtype, torch.tensor(a).dtype, type(t.tolist()), type(t[0, 1].item()))
back = t.numpy()
back[1, 2] = -1.0
print(t[1, 2].item(), t.sum().item(), torch.as_tensor(a).data_ptr() == t.data_ptr())

z = torch.ones(3)
z.add_(2).mul_(3).sub_(1)
z.clamp_(max=7.5)
z[0] = -2
z.abs_()
print(z, z.sqrt_().tolist() == z.tolist())
f = torch.tensor([1.7, -2.3, 3.5, -0.5])
print(f.long(), f.int().dtype, f.to(torch.float64).dtype, f.type(torch.int32), f.round(), f.trunc(), f.floor())
print(torch.tensor([7, -7]) // 2, torch.div(torch.tensor([7, -7]), 2, rounding_mode="trunc"), torch.tensor([7, -7]) % 3,
      torch.tensor([7, -7]) / 2, torch.fmod(torch.tensor([7.0, -7.0]), 3), torch.remainder(torch.tensor([-7.0]), 3))
col, row = torch.arange(3).view(3, 1), torch.arange(4).view(1, 4)
print((col * 10 + row).tolist(), (col + row.float()).dtype, (torch.ones(2, 1, 3) * torch.ones(4, 1)).shape)
print(torch.tensor([1, 2]).repeat(2, 2).tolist(), torch.tensor([[1], [2]]).expand(2, 3).tolist(),
      torch.tensor([1, 2]).repeat_interleave(2).tolist(), torch.tensor([1, 2]).repeat_interleave(
          torch.tensor([1, 3]), output_size=4).tolist())
gi, gj = torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")
print(gi.tolist(), gj.tolist())
print(torch.bucketize(torch.tensor([0.1, 0.5, 0.9]), torch.tensor([0.25, 0.5, 0.75])).tolist(),
      torch.bucketize(torch.tensor([0.5]), torch.tensor([0.25, 0.5, 0.75]), right=True).tolist())
print([c.shape for c in torch.arange(10).chunk(3)], [s.tolist() for s in torch.arange(5).split([2, 3])],
      len(torch.ones(3, 2).unbind(0)))
print(torch.tensor([1, 2, 3, 4]).prod().dtype, torch.tensor([1, 2, 3, 4], dtype=torch.int32).prod().dtype,
      torch.tensor([2.0, 3.0]).prod(dtype=torch.float64))
buf = torch.empty(2, 3)
F.normalize(torch.tensor([[3.0, 4.0, 0.0], [1.0, 1.0, 1.0]]), dim=1, out=buf)
print(buf)
w = torch.empty(1000).uniform_(**{"from": -2.0, "to": 2.0})
print(w.shape, bool(w.min() >= -2.0), bool(w.max() < 2.0))
print(torch.tensor([[1.0, float("nan")], [float("inf"), -0.0]]), torch.tensor([1e-8, 1e8]),
      torch.tensor([True, False]), torch.tensor([123456789]), torch.tensor(2.5, dtype=torch.float64))
