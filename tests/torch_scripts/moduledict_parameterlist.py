"""A custom nn.Module holding its parts in containers, as the docs' examples and forum answers do: nn.ModuleDict
of activations chosen by name, nn.ModuleList of layers, nn.ParameterList of per-layer scales, nn.ParameterDict of
biases, a bare nn.Parameter, and a registered buffer; print(model) and print of each container and parameter,
named_parameters / named_buffers / state_dict keys, a few training steps with Adam over two parameter groups
(printed), and the containers' list / dict behaviour (append, extend, keys, items, len, in, indexing)."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class MixtureNet(nn.Module):
    def __init__(self, sizes=(4, 8, 8, 2)):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.activations = nn.ModuleDict({"relu": nn.ReLU(), "tanh": nn.Tanh(), "lrelu": nn.LeakyReLU(0.1)})
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(b)) for b in sizes[1:]])
        self.offsets = nn.ParameterDict({f"layer{i}": nn.Parameter(torch.zeros(b)) for i, b in enumerate(sizes[1:])})
        self.temperature = nn.Parameter(torch.tensor(1.0))
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))

    def forward(self, x, act="relu"):
        for i, layer in enumerate(self.layers):
            x = layer(x) * self.scales[i] + self.offsets[f"layer{i}"]
            if i < len(self.layers) - 1:
                x = self.activations[act](x)
        if self.training:
            self.steps += 1
        return x / self.temperature


model = MixtureNet()
print(model)
print(model.scales)
print(model.offsets)
print(model.temperature)
print(model.scales[0])
print([n for n, _ in model.named_parameters()])
print([(n, b.dtype) for n, b in model.named_buffers()], list(model.state_dict())[-3:])
print(len(model.layers), len(model.scales), len(model.offsets), "tanh" in model.activations,
      list(model.activations.keys()), [type(m).__name__ for m in model.activations.values()])

x = torch.randn(16, 4)
target = torch.randn(16, 2)
main = [p for n, p in model.named_parameters() if n.startswith("layers")]
extra = [p for n, p in model.named_parameters() if not n.startswith("layers")]
optimizer = torch.optim.Adam([{"params": main}, {"params": extra, "lr": 0.05, "weight_decay": 0.0}], lr=0.01,
                             weight_decay=1e-4)
print(optimizer)
for step in range(6):
    act = ["relu", "tanh", "lrelu"][step % 3]
    loss = nn.functional.mse_loss(model(x, act), target)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step} act {act:5s} loss {loss.item():.5f} temperature {model.temperature.item():.5f}")
print("steps buffer:", model.steps.item(), model.steps)

model.scales.append(nn.Parameter(torch.full((3,), 2.0)))
model.scales.extend([nn.Parameter(torch.zeros(1))])
model.offsets["extra"] = nn.Parameter(torch.ones(3))
model.offsets.update({"more": torch.ones(2)})
print(len(model.scales), [tuple(p.shape) for p in model.scales], list(model.offsets.keys()))
print(type(model.offsets["more"]).__name__, model.offsets["more"].requires_grad)
print(model.scales)
print(model.offsets)
print(sum(p.numel() for p in model.parameters()), [n for n, _ in model.named_parameters()][-4:])
model.eval()
with torch.no_grad():
    out = model(x[:2], "tanh")
print(out, model.steps.item())
