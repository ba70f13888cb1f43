"""A VGG-style CNN (cfg list -> make_layers with Conv2d + BatchNorm2d + ReLU(inplace=True) + MaxPool2d,
AdaptiveAvgPool2d((1, 1)), a Dropout-free classifier) initialised as torchvision's VGG through
`model.apply(init_weights)` (kaiming_normal_ fan_out, normal_(0, 0.01), constant_), then the learning-rate
schedules people copy: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts,
OneCycleLR, CyclicLR, LambdaLR, MultiplicativeLR, PolynomialLR, ConstantLR, warm-up with
SequentialLR(LinearLR, CosineAnnealingLR), ChainedScheduler and ReduceLROnPlateau, each traced through
`optimizer.param_groups[0]["lr"]` and `get_last_lr()`; finally the VGG is trained with SGD + OneCycleLR."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import lr_scheduler

cfg = [8, "M", 16, "M", 16, 16, "M"]


def make_layers(cfg, batch_norm=True):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features, num_classes=4):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Sequential(nn.Linear(16, 32), nn.ReLU(True), nn.Linear(32, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        if m.bias is not None:
            nn.init.constant_(m.bias, 0)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.constant_(m.weight, 1)
        nn.init.constant_(m.bias, 0)
    elif isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, 0, 0.01)
        nn.init.constant_(m.bias, 0)


def trace(name, make, steps=12, metric=None):
    params = [nn.Parameter(torch.zeros(2))]
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    sched = make(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for i in range(steps):
        opt.step()
        if metric is None:
            sched.step()
        else:
            sched.step(metric(i))
        lrs.append(opt.param_groups[0]["lr"])
    last = sched.get_last_lr() if hasattr(sched, "get_last_lr") else None
    print(f"{name:>22}: " + " ".join(f"{v:.5f}" for v in lrs), "last", [round(v, 6) for v in last] if last else "")


torch.manual_seed(0)
trace("StepLR", lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5))
trace("MultiStepLR", lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5, 9], gamma=0.1))
trace("ExponentialLR", lambda o: lr_scheduler.ExponentialLR(o, gamma=0.8))
trace("CosineAnnealingLR", lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=1e-3))
trace("WarmRestarts", lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.001))
trace("OneCycleLR", lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=13))
trace("OneCycleLR linear", lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.5, epochs=2, steps_per_epoch=7,
                                                             anneal_strategy="linear", pct_start=0.25,
                                                             three_phase=True))
trace("CyclicLR", lambda o: lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                  mode="triangular2"))
trace("LambdaLR", lambda o: lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: 0.95 ** epoch))
trace("MultiplicativeLR", lambda o: lr_scheduler.MultiplicativeLR(o, lr_lambda=lambda epoch: 0.9))
trace("PolynomialLR", lambda o: lr_scheduler.PolynomialLR(o, total_iters=8, power=2.0))
trace("ConstantLR", lambda o: lr_scheduler.ConstantLR(o, factor=0.5, total_iters=4))
trace("LinearLR", lambda o: lr_scheduler.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5))
trace("warmup+cosine", lambda o: lr_scheduler.SequentialLR(
    o, schedulers=[lr_scheduler.LinearLR(o, start_factor=0.01, total_iters=3),
                   lr_scheduler.CosineAnnealingLR(o, T_max=9)], milestones=[3]))
trace("Chained", lambda o: lr_scheduler.ChainedScheduler(
    [lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2), lr_scheduler.ExponentialLR(o, gamma=0.9)]))
losses = [1.0, 0.9, 0.85, 0.85, 0.86, 0.86, 0.84, 0.84, 0.84, 0.84, 0.84, 0.84]
trace("ReduceLROnPlateau", lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1,
                                                                   threshold=0.01),
      metric=lambda i: losses[i])

# warm-up written by hand, as in many training scripts
warmup_steps, total_steps, base_lr = 4, 12, 0.1


def lr_lambda(step):
    if step < warmup_steps:
        return float(step + 1) / float(warmup_steps)
    progress = float(step - warmup_steps) / float(max(1, total_steps - warmup_steps))
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))


trace("hand warmup cosine", lambda o: lr_scheduler.LambdaLR(o, lr_lambda))

# two parameter groups with their own lr: each group scheduled
model = VGG(make_layers(cfg))
model.apply(init_weights)
print(model)
print(sum(p.numel() for p in model.parameters()), len(list(model.modules())))
opt = torch.optim.SGD([{"params": model.features.parameters()},
                       {"params": model.classifier.parameters(), "lr": 0.01}], lr=0.05, momentum=0.9,
                      weight_decay=5e-4)
sched = lr_scheduler.StepLR(opt, 2, gamma=0.5)
for _ in range(5):
    opt.step()
    sched.step()
print([g["lr"] for g in opt.param_groups], sched.get_last_lr(), sched.last_epoch)
print(sorted(sched.state_dict().keys()))

# train with OneCycleLR stepped every batch
images = torch.randn(64, 3, 16, 16)
labels = torch.randint(0, 4, (64,))
for c in range(4):
    images[labels == c, c % 3, 4 * c:4 * c + 4, :] += 2.0
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
epochs, batch = 4, 16
scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, epochs=epochs, steps_per_epoch=64 // batch)
for epoch in range(epochs):
    model.train()
    running = 0.0
    for i in range(0, 64, batch):
        optimizer.zero_grad()
        out = model(images[i:i + batch])
        loss = F.cross_entropy(out, labels[i:i + batch])
        loss.backward()
        optimizer.step()
        scheduler.step()
        running += loss.item()
    model.eval()
    with torch.no_grad():
        correct = (model(images).argmax(1) == labels).sum().item()
    print(f"epoch {epoch} loss {running / 4:.5f} acc {correct}/64 lr {scheduler.get_last_lr()[0]:.6f} "
          f"momentum {optimizer.param_groups[0]['momentum']:.4f}")
