"""The data-loading tutorial's custom Dataset (a CSV read in __init__, dict samples from __getitem__, transforms as
plain callables composed by hand), split with random_split and a seeded torch.Generator, then a full training
loop: DataLoader(drop_last=True), model.train() / eval() with Dropout and BatchNorm, ReduceLROnPlateau on the
validation loss, early stopping that keeps copy.deepcopy(model.state_dict()), the best weights saved and loaded
with torch.save / torch.load, and a confusion matrix (bincount, index_put_, scatter_add_) with precision and
recall from torch.diag."""
import copy
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset, random_split

torch.manual_seed(0)
N_CLASSES, N_FEATURES = 3, 8


def write_csv(path, n=600, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0.0, 1.0, size=(N_CLASSES, N_FEATURES))
    labels = rng.integers(0, N_CLASSES, size=n)
    features = centers[labels] * 1.2 + rng.normal(0.0, 1.0, size=(n, N_FEATURES)) + 5.0
    header = ",".join([f"f{i}" for i in range(N_FEATURES)] + ["label"])
    np.savetxt(path, np.column_stack([features, labels]), delimiter=",", header=header, comments="", fmt="%.6f")


class TabularDataset(Dataset):
    """Samples of a CSV file: {'features': (N_FEATURES,), 'label': int}."""

    def __init__(self, csv_file, transform=None):
        data = np.loadtxt(csv_file, delimiter=",", skiprows=1)
        self.features = data[:, :-1].astype(np.float32)
        self.labels = data[:, -1].astype(np.int64)
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = idx.tolist()
        sample = {'features': self.features[idx], 'label': self.labels[idx]}
        if self.transform:
            sample = self.transform(sample)
        return sample


class Standardize:
    """Shift and scale the features with given statistics."""

    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def __call__(self, sample):
        return {'features': (sample['features'] - self.mean) / self.std, 'label': sample['label']}


class ToTensor:
    """Convert the ndarrays of a sample to tensors."""

    def __call__(self, sample):
        return {'features': torch.from_numpy(sample['features']), 'label': torch.tensor(sample['label'])}


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample


tmpdir = tempfile.mkdtemp()
csv_path = os.path.join(tmpdir, "samples.csv")
write_csv(csv_path)
raw = TabularDataset(csv_path)
mean, std = raw.features.mean(axis=0), raw.features.std(axis=0)
dataset = TabularDataset(csv_path, transform=Compose([Standardize(mean, std), ToTensor()]))
print(len(dataset), dataset[3]['features'].shape, dataset[3]['label'], dataset[3]['features'].dtype)

train_set, val_set, test_set = random_split(dataset, [0.7, 0.15, 0.15], generator=torch.Generator().manual_seed(42))
print(len(train_set), len(val_set), len(test_set), train_set.indices[:8])
train_loader = DataLoader(train_set, batch_size=32, shuffle=False, drop_last=True)
val_loader = DataLoader(val_set, batch_size=64)
test_loader = DataLoader(test_set, batch_size=64)
print(len(train_loader), len(val_loader))
batch = next(iter(train_loader))
print(sorted(batch.keys()), batch['features'].shape, batch['label'].shape, batch['label'].dtype)


class Classifier(nn.Module):
    def __init__(self, n_features, n_classes, p=0.2):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, 32, bias=False),  # BatchNorm follows: a bias would have no gradient
            nn.BatchNorm1d(32),
            nn.ReLU(),
            nn.Dropout(p),
            nn.Linear(32, 16),
            nn.ReLU(),
        )
        self.head = nn.Linear(16, n_classes)

    def forward(self, x):
        return self.head(self.body(x))


def evaluate(model, loader, criterion):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in loader:
            out = model(batch['features'])
            total += criterion(out, batch['label']).item() * batch['label'].size(0)
            count += batch['label'].size(0)
    return total / count


model = Classifier(N_FEATURES, N_CLASSES)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.5, patience=1)

best_loss, best_state, best_epoch, bad_epochs, patience = float('inf'), None, -1, 0, 4
for epoch in range(40):
    model.train()
    running = 0.0
    for batch in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(batch['features']), batch['label'])
        loss.backward()
        optimizer.step()
        running += loss.item()
    val_loss = evaluate(model, val_loader, criterion)
    scheduler.step(val_loss)
    print(f"epoch {epoch:2d} train {running / len(train_loader):.4f} val {val_loss:.4f} "
          f"lr {optimizer.param_groups[0]['lr']:.5f}")
    if val_loss < best_loss - 1e-4:
        best_loss, best_epoch, bad_epochs = val_loss, epoch, 0
        best_state = copy.deepcopy(model.state_dict())
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping at epoch {epoch}, best epoch {best_epoch} val {best_loss:.4f}")
            break

last_val = evaluate(model, val_loader, criterion)
best_path = os.path.join(tmpdir, "best.pt")
torch.save(best_state, best_path)
best_model = Classifier(N_FEATURES, N_CLASSES)
best_model.load_state_dict(torch.load(best_path))
best_model.eval()
print(f"best val {evaluate(best_model, val_loader, criterion):.4f} last val {last_val:.4f}")
print(best_model.body[1].running_var[:4], best_model.body[1].num_batches_tracked)

preds, targets = [], []
with torch.no_grad():
    for batch in test_loader:
        preds.append(best_model(batch['features']).argmax(dim=1))
        targets.append(batch['label'])
preds, targets = torch.cat(preds), torch.cat(targets)

cm = torch.bincount(targets * N_CLASSES + preds, minlength=N_CLASSES ** 2).reshape(N_CLASSES, N_CLASSES)
cm_put = torch.zeros(N_CLASSES, N_CLASSES, dtype=torch.long)
cm_put.index_put_((targets, preds), torch.ones_like(targets), accumulate=True)
cm_scatter = torch.zeros(N_CLASSES * N_CLASSES).scatter_add_(
    0, targets * N_CLASSES + preds, torch.ones(len(targets))).view(N_CLASSES, N_CLASSES)
print(cm)
print(torch.equal(cm, cm_put), torch.equal(cm.float(), cm_scatter))
precision = torch.diag(cm) / cm.sum(dim=0).clamp(min=1)
recall = torch.diag(cm) / cm.sum(dim=1)
f1 = 2 * precision * recall / (precision + recall)
print("precision", precision)
print("recall", recall)
print(f"accuracy {torch.diag(cm).sum().item() / cm.sum().item():.4f} macro-F1 {f1.mean().item():.4f}")
