"""Gradient clipping and learning-rate schedules as training-loop recipes show them: clip_grad_norm_ (its
returned total norm, and the norms before / after), clip_grad_value_, SGD with momentum and nesterov under
StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, a LambdaLR warm-up, OneCycleLR stepped per batch and
ReduceLROnPlateau fed the validation loss; get_last_lr(), the param groups' lr, print(optimizer) with two
groups, and scheduler.state_dict() keys."""
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
X = torch.randn(64, 10)
y = (X[:, :3].sum(dim=1, keepdim=True) > 0).float()
Xv, yv = torch.randn(32, 10), None
yv = (Xv[:, :3].sum(axis=1, keepdims=True) > 0).float()


def make_model():
    return nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 1))


def grad_norm(model):
    return torch.norm(torch.stack([p.grad.detach().norm(2) for p in model.parameters()]), 2).item()


model = make_model()
criterion = nn.BCEWithLogitsLoss()
opt = optim.SGD(model.parameters(), lr=5.0)
loss = criterion(model(X), y)
loss.backward()
before = grad_norm(model)
total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.1)
print(f"norm before {before:.5f} returned {total.item():.5f} after {grad_norm(model):.5f}")
nn.utils.clip_grad_value_(model.parameters(), clip_value=0.01)
print("max |grad| after clip_grad_value_:", max(p.grad.abs().max().item() for p in model.parameters()))
opt.step()

schedulers = {
    "StepLR": lambda o: optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5),
    "MultiStepLR": lambda o: optim.lr_scheduler.MultiStepLR(o, milestones=[2, 4], gamma=0.1),
    "ExponentialLR": lambda o: optim.lr_scheduler.ExponentialLR(o, gamma=0.8),
    "CosineAnnealingLR": lambda o: optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    "LambdaLR": lambda o: optim.lr_scheduler.LambdaLR(o, lr_lambda=lambda epoch: min(1.0, (epoch + 1) / 3)),
}
for name, make in schedulers.items():
    model = make_model()
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    sched = make(opt)
    lrs, losses = [], []
    for _ in range(6):
        opt.zero_grad()
        loss = criterion(model(X), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        lrs.append(round(sched.get_last_lr()[0], 6))
        losses.append(round(loss.item(), 5))
    print(f"{name:18s} lr {lrs} loss {losses[-1]}")
    print("    state keys:", sorted(k for k in sched.state_dict() if not k.startswith("_")))

model = make_model()
head, body = model[2], model[0]
opt = optim.Adam([{"params": body.parameters()}, {"params": head.parameters(), "lr": 1e-2}], lr=1e-3)
print(opt)
sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=[0.01, 0.05], total_steps=8)
for step in range(8):
    opt.zero_grad()
    criterion(model(X[step * 8:(step + 1) * 8]), y[step * 8:(step + 1) * 8]).backward()
    opt.step()
    sched.step()
    if step % 2 == 1:
        print(f"one-cycle step {step}: lrs {[round(g['lr'], 6) for g in opt.param_groups]}")

model = make_model()
opt = optim.SGD(model.parameters(), lr=8.0)
plateau = optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, threshold=1e-2)
for epoch in range(8):
    opt.zero_grad()
    criterion(model(X), y).backward()
    opt.step()
    with torch.no_grad():
        val_loss = criterion(model(Xv), yv).item()
    plateau.step(val_loss)
    print(f"epoch {epoch} val {val_loss:.5f} lr {opt.param_groups[0]['lr']} bad epochs {plateau.num_bad_epochs}")
