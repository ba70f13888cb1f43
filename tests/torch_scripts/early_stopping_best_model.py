"""Early stopping as the "EarlyStopping class" snippets write it: a train / validation split by Subset
(index ranges), a patience counter on the validation loss with a min_delta, the best weights kept with
copy.deepcopy(model.state_dict()) and restored at the end, train() / eval() switching around Dropout and
BatchNorm, accuracy under torch.no_grad(), and a per-epoch log; the restored model is checked against the best
epoch's validation loss."""
import copy

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
n = 240
X = torch.randn(n, 8)
w_true = torch.randn(8)
y = ((X @ w_true + 0.8 * torch.randn(n)) > 0).long()
dataset = TensorDataset(X, y)
train_ds = torch.utils.data.Subset(dataset, range(0, 160))
val_ds = torch.utils.data.Subset(dataset, range(160, 240))
print(len(train_ds), len(val_ds), type(train_ds).__name__, train_ds[0][0].shape, train_ds[0][1])
train_loader = DataLoader(train_ds, batch_size=32)
val_loader = DataLoader(val_ds, batch_size=40)


class EarlyStopping:
    def __init__(self, patience=3, min_delta=1e-3):
        self.patience, self.min_delta = patience, min_delta
        self.counter, self.best_loss, self.best_state, self.best_epoch = 0, float("inf"), None, -1
        self.early_stop = False

    def __call__(self, val_loss, model, epoch):
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.counter = val_loss, epoch, 0
            self.best_state = copy.deepcopy(model.state_dict())
        else:
            self.counter += 1
            print(f"  EarlyStopping counter: {self.counter} out of {self.patience}")
            if self.counter >= self.patience:
                self.early_stop = True


model = nn.Sequential(nn.Linear(8, 64, bias=False), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 64),
                      nn.ReLU(), nn.Linear(64, 2))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
stopper = EarlyStopping(patience=3)


def evaluate(model, loader):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb)
            total_loss += criterion(out, yb).item() * xb.size(0)
            correct += (out.argmax(1) == yb).sum().item()
            count += xb.size(0)
    return total_loss / count, correct / count


for epoch in range(40):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * xb.size(0)
    val_loss, val_acc = evaluate(model, val_loader)
    print(f"epoch {epoch:2d} train {running / len(train_ds):.4f} val {val_loss:.4f} acc {val_acc:.3f}")
    stopper(val_loss, model, epoch)
    if stopper.early_stop:
        print(f"Early stopping at epoch {epoch}; best epoch {stopper.best_epoch} val {stopper.best_loss:.4f}")
        break

last_loss, _ = evaluate(model, val_loader)
model.load_state_dict(stopper.best_state)
restored_loss, restored_acc = evaluate(model, val_loader)
print(f"last {last_loss:.4f} restored {restored_loss:.4f} acc {restored_acc:.3f}",
      abs(restored_loss - stopper.best_loss) < 1e-6)
print("bn running stats:", model[1].running_mean.shape, f"{model[1].running_var.mean().item():.4f}",
      model[1].num_batches_tracked)
print("best state keys:", list(stopper.best_state)[:4], len(stopper.best_state))
