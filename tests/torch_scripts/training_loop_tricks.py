"""The boilerplate of modern training scripts, on CPU: device = torch.device("cuda" if
torch.cuda.is_available() else "cpu"), torch.backends.cudnn.benchmark, torch.set_float32_matmul_precision,
torch.compile(model) where present, a custom Dataset with a collate_fn returning a dict, DataLoader(num_workers=0,
pin_memory=False), .to(device, non_blocking=True), AMP written to be a no-op off the GPU
(torch.autocast(device_type=..., enabled=False), torch.amp.GradScaler / torch.cuda.amp.GradScaler(enabled=False)
with scale / unscale_ / step / update), gradient accumulation, clip_grad_norm_ (its returned total norm
printed) and clip_grad_value_, AdamW with decay / no-decay parameter groups, an EMA of the weights with
torch.optim.swa_utils.AveragedModel, evaluation under torch.inference_mode(), and state_dict save / load round
trips of model, optimizer, scheduler and scaler through io.BytesIO."""
import io
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

warnings.filterwarnings("ignore")
torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("device", device, device.type, torch.cuda.device_count())
torch.backends.cudnn.benchmark = True
torch.backends.cudnn.deterministic = False
torch.set_float32_matmul_precision("high")
use_amp = device.type == "cuda"


class SpiralDataset(Dataset):
    def __init__(self, n_per_class=64, classes=3):
        t = torch.linspace(0, 1, n_per_class)
        xs, ys = [], []
        for c in range(classes):
            r = t
            theta = c * 2.1 + t * 4.0
            xs.append(torch.stack([r * torch.sin(theta), r * torch.cos(theta)], dim=1))
            ys.append(torch.full((n_per_class,), c, dtype=torch.long))
        self.x = torch.cat(xs) + 0.05 * torch.randn(n_per_class * classes, 2)
        self.y = torch.cat(ys)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {"features": self.x[i], "label": self.y[i]}


def collate(batch):
    return {"features": torch.stack([b["features"] for b in batch]),
            "label": torch.tensor([b["label"].item() for b in batch])}


class Net(nn.Module):
    def __init__(self, hidden=32, classes=3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, hidden), nn.LayerNorm(hidden), nn.SiLU(), nn.Dropout(0.0),
                                 nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.net(x)


ds = SpiralDataset()
perm = torch.randperm(len(ds))
train_idx, val_idx = perm[:160].tolist(), perm[160:].tolist()
train_loader = DataLoader(torch.utils.data.Subset(ds, train_idx), batch_size=16, shuffle=False, num_workers=0,
                          pin_memory=False, collate_fn=collate, drop_last=False)
val_loader = DataLoader(torch.utils.data.Subset(ds, val_idx), batch_size=32, collate_fn=collate)
print(len(train_loader), len(val_loader), next(iter(train_loader))["features"].shape)

model = Net().to(device)
if hasattr(torch, "compile"):
    compiled = torch.compile(model, disable=True)
    print(type(compiled).__name__ in ("Net", "OptimizedModule"))

decay, no_decay = [], []
for name, param in model.named_parameters():
    if not param.requires_grad:
        continue
    if param.ndim <= 1 or name.endswith(".bias"):
        no_decay.append(param)
    else:
        decay.append(param)
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                               {"params": no_decay, "weight_decay": 0.0}], lr=1e-2, betas=(0.9, 0.95), eps=1e-8)
print([len(g["params"]) for g in optimizer.param_groups], [g["weight_decay"] for g in optimizer.param_groups])
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=5 * len(train_loader) // 2)
scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
legacy_scaler = torch.cuda.amp.GradScaler(enabled=False)
print(scaler.is_enabled(), legacy_scaler.is_enabled(), scaler.get_scale() if use_amp else 1.0)
ema = torch.optim.swa_utils.AveragedModel(model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.9))
accum_steps = 2


def evaluate(m):
    m.eval()
    total, correct, n = 0.0, 0, 0
    with torch.inference_mode():
        for batch in val_loader:
            x = batch["features"].to(device, non_blocking=True)
            y = batch["label"].to(device, non_blocking=True)
            logits = m(x)
            total += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(-1) == y).sum().item()
            n += y.numel()
    return total / n, correct / n


for epoch in range(5):
    model.train()
    optimizer.zero_grad(set_to_none=True)
    running, norms = 0.0, []
    for step, batch in enumerate(train_loader):
        x = batch["features"].to(device, non_blocking=True)
        y = batch["label"].to(device, non_blocking=True)
        with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=use_amp):
            logits = model(x)
            loss = F.cross_entropy(logits, y, label_smoothing=0.05) / accum_steps
        scaler.scale(loss).backward()
        running += loss.item() * accum_steps
        if (step + 1) % accum_steps == 0:
            scaler.unscale_(optimizer)
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
            norms.append(norm.item())
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad(set_to_none=True)
            scheduler.step()
            ema.update_parameters(model)
    val_loss, val_acc = evaluate(model)
    ema_loss, ema_acc = evaluate(ema.module)
    print(f"epoch {epoch} train {running / len(train_loader):.5f} val {val_loss:.5f} acc {val_acc:.4f} "
          f"ema {ema_loss:.5f} {ema_acc:.4f} lr {scheduler.get_last_lr()[0]:.6f} "
          f"grad-norm {min(norms):.4f} {max(norms):.4f}")

print(model.net[0].weight.grad is None, ema.n_averaged.item())

buffer = io.BytesIO()
torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
            "scaler": scaler.state_dict(), "epoch": 5}, buffer)
size = buffer.tell()
buffer.seek(0)
ckpt = torch.load(buffer, map_location=device, weights_only=True)
print(size > 0, sorted(ckpt), ckpt["epoch"], len(ckpt["optimizer"]["state"]), ckpt["scheduler"]["last_epoch"])
restored = Net().to(device)
missing, unexpected = restored.load_state_dict(ckpt["model"], strict=True)
print(missing, unexpected)
opt2 = torch.optim.AdamW([{"params": [p for p in restored.parameters() if p.ndim > 1]},
                          {"params": [p for p in restored.parameters() if p.ndim <= 1]}], lr=1e-2)
opt2.load_state_dict(ckpt["optimizer"])
print(opt2.param_groups[0]["weight_decay"], opt2.param_groups[1]["weight_decay"],
      f"{opt2.param_groups[0]['lr']:.6f}", float(opt2.state[restored.net[0].weight]["step"]))
print(evaluate(restored) == evaluate(model))
x = torch.randn(4, 2)
with torch.no_grad():
    print(torch.allclose(restored(x), model(x)), restored(x).argmax(1).tolist())

# one more step from the restored state matches one more step of the original
for m, opt in ((model, optimizer), (restored, opt2)):
    m.train()
    opt.zero_grad()
    F.cross_entropy(m(ds.x[:16]), ds.y[:16]).backward()
    opt.step()
print(torch.allclose(model.net[0].weight, restored.net[0].weight, atol=1e-7),
      f"{model.net[0].weight.sum().item():.6f}")
