"""A fully-connected autoencoder on sklearn's 8x8 digits, as the "autoencoder in PyTorch" blog posts write it:
encoder / decoder nn.Sequential blocks with a 2-d bottleneck, MSELoss between input and reconstruction, Adam
with weight decay, DataLoader over a TensorDataset (images and labels), per-epoch average loss, then the codes of
the test images under torch.no_grad(): their per-class centroids, the nearest-centroid accuracy, the worst
reconstructions (torch.topk of the per-image error) and the reconstruction of one image printed as rows."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
digits = load_digits()
images = torch.tensor(digits.images[:400] / 16.0, dtype=torch.float32)
labels = torch.from_numpy(digits.target[:400])
train_ds = TensorDataset(images[:300], labels[:300])
test_images, test_labels = images[300:], labels[300:]
print(images.shape, images.dtype, labels.dtype, "classes:", torch.bincount(labels).tolist())


class AutoEncoder(nn.Module):
    def __init__(self, code_size=2):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, 32), nn.ReLU(True), nn.Linear(32, 12), nn.ReLU(True),
                                     nn.Linear(12, code_size))
        self.decoder = nn.Sequential(nn.Linear(code_size, 12), nn.ReLU(True), nn.Linear(12, 32), nn.ReLU(True),
                                     nn.Linear(32, 64), nn.Sigmoid())

    def forward(self, x):
        code = self.encoder(x.view(x.size(0), -1))
        return self.decoder(code).view(-1, 8, 8), code


model = AutoEncoder()
print(model)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-5)
loader = DataLoader(train_ds, batch_size=50, shuffle=False)
for epoch in range(20):
    epoch_loss = 0.0
    for img, _ in loader:
        recon, _ = model(img)
        loss = criterion(recon, img)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    if epoch % 4 == 3:
        print(f"epoch [{epoch + 1}/20], loss:{epoch_loss / len(loader):.4f}")

model.eval()
with torch.no_grad():
    recon, codes = model(test_images)
    errors = ((recon - test_images) ** 2).mean(dim=(1, 2))
print("codes:", codes.shape, "test mse:", f"{errors.mean().item():.5f}")
centroids = torch.stack([codes[test_labels == c].mean(axis=0) for c in range(10)])
dist = torch.cdist(codes, centroids)
nearest = dist.argmin(dim=1)
print("nearest-centroid accuracy:", f"{(nearest == test_labels).float().mean().item():.3f}")
worst = errors.topk(3)
print("worst:", worst.indices.tolist(), [round(e, 4) for e in worst.values.tolist()],
      test_labels[worst.indices].tolist())
best_err, best_idx = errors.min(0)
print("best:", best_idx.item(), round(best_err.item(), 5))
row = recon[best_idx].numpy()
for r in np.round(row * 9).astype(int):
    print("".join(" .:-=+*#%@"[v] for v in r))
print("requires_grad:", recon.requires_grad, codes.grad_fn, loss.grad_fn.name())
