"""Printing a model summary by hand, as the "count the parameters of a PyTorch model" and "torchsummary
without the package" answers do: forward hooks on every leaf module recording output shapes, a table of
layer / output shape / parameter count, total and trainable counts, the model's size in MB from
element_size(), then the tensor facts such scripts print: x.type() / type(x) / dtype, .type(torch.DoubleTensor),
torch.max / sort / topk / kthvalue / median / mode results (named tuples, printed whole), torch.Size
arithmetic, NumPy-style axis= / keepdims=, and torch's RuntimeError for a float32 @ float64 product."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class SmallCNN(nn.Module):
    def __init__(self, num_classes=5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d((2, 2)))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def summary(model, input_size):
    rows, hooks = [], []

    def hook(module, inputs, output):
        params = sum(p.numel() for p in module.parameters(recurse=False))
        rows.append((f"{type(module).__name__}-{len(rows) + 1}", list(output.shape), params))

    for m in model.modules():
        if len(list(m.children())) == 0:
            hooks.append(m.register_forward_hook(hook))
    model(torch.zeros(2, *input_size))
    for h in hooks:
        h.remove()
    print("-" * 56)
    print(f"{'Layer (type)':>20}  {'Output Shape':>20}  {'Param #':>10}")
    print("=" * 56)
    for name, shape, params in rows:
        print(f"{name:>20}  {str(shape):>20}  {params:>10,}")
    print("=" * 56)


model = SmallCNN()
summary(model, (1, 12, 12))
total = sum(p.numel() for p in model.parameters())
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
size_mb = sum(p.numel() * p.element_size() for p in model.parameters()) / 1024 ** 2
buffers = sum(b.numel() for b in model.buffers())
print(f"Total params: {total:,}\nTrainable params: {trainable:,}\nBuffers: {buffers}\nSize (MB): {size_mb:.4f}")
for name, param in model.named_parameters():
    if param.dim() > 1:
        print(f"{name:24s} {str(list(param.size())):16s} {param.type()} {param.dtype}", param.shape)

x = torch.randn(3, 1, 12, 12)
scores = model(x)
print(type(x), x.type(), scores.type(), x.long().type(), (x > 0).type(), x.type(torch.DoubleTensor).type(),
      x.type("torch.IntTensor").dtype, isinstance(x, torch.Tensor), isinstance(x, torch.FloatTensor))
print(torch.max(scores, 1))
values, indices = scores.max(dim=1)
print(values.shape, indices, scores.max(1)[1], scores.max(1).indices.tolist())
print(scores.detach().sort(dim=1, descending=True))
print(scores.detach().topk(2, dim=1))
print(scores.detach().kthvalue(2, dim=1))
print(torch.median(scores.detach(), 0))
print(torch.mode(torch.tensor([[1, 2, 2, 3], [4, 4, 5, 5]]), 1))
print(torch.aminmax(scores.detach()))
print(torch.linalg.slogdet(torch.eye(3) * 2))
shape = x.shape
print(shape, shape[1:], shape[:2] + (144,), x.view(shape[0], -1).shape, shape.numel(), len(shape))
print(x.sum(axis=(2, 3)).shape, x.mean(axis=-1, keepdims=True).shape, torch.amax(x, axis=(1, 2, 3)).shape,
      torch.std(x, axis=0).shape, torch.cat([x, x], axis=0).shape)
try:
    x.view(3, -1) @ torch.randn(144, 2, dtype=torch.float64)
except RuntimeError as err:
    print("RuntimeError:", "same dtype" in str(err) or "scalar type" in str(err))
print((x.view(3, -1) @ torch.randn(144, 2, dtype=torch.float64).float()).shape)
