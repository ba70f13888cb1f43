"""Convolutional autoencoders as the blog posts write them, on the 8x8 digits upsampled to 16x16 with
F.interpolate(mode='bilinear', align_corners=False): an encoder of Conv2d + ReLU + MaxPool2d(return_indices=True)
whose indices feed nn.MaxUnpool2d in the decoder; a second decoder with ConvTranspose2d(stride=2, padding=1,
output_padding=1); a third with nn.Upsample(scale_factor=2, mode='nearest') / F.interpolate(size=...,
mode='bicubic' and align_corners=True) and an antialias=True downscale; Sigmoid outputs, BCELoss and MSELoss,
Adam, and reconstructions compared under torch.no_grad()."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(7)
digits = load_digits()
small = torch.tensor(digits.data[:128].reshape(-1, 1, 8, 8) / 16.0, dtype=torch.float32)
images = F.interpolate(small, scale_factor=2, mode="bilinear", align_corners=False).clamp(0, 1)
print(images.shape, f"{images.mean().item():.6f} {images.max().item():.4f}")
print(f"{F.interpolate(small, size=(12, 12), mode='bicubic', align_corners=True).sum().item():.4f}",
      f"{F.interpolate(small, scale_factor=1.5, mode='nearest').sum().item():.4f}",
      f"{F.interpolate(small, size=10, mode='area').sum().item():.4f}")


class UnpoolAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 12, 3, padding=1)
        self.pool = nn.MaxPool2d(2, stride=2, return_indices=True)
        self.unpool = nn.MaxUnpool2d(2, stride=2)
        self.deconv2 = nn.Conv2d(12, 8, 3, padding=1)
        self.deconv1 = nn.Conv2d(8, 1, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        size1 = x.size()
        x, idx1 = self.pool(x)
        x = F.relu(self.conv2(x))
        size2 = x.size()
        x, idx2 = self.pool(x)
        code = x
        x = self.unpool(x, idx2, output_size=size2)
        x = F.relu(self.deconv2(x))
        x = self.unpool(x, idx1, output_size=size1)
        return torch.sigmoid(self.deconv1(x)), code


class TransposeAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.ReLU(True),
            nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(True))
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1), nn.ReLU(True),
            nn.ConvTranspose2d(8, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.decoder(self.encoder(x))


class UpsampleAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.LeakyReLU(0.1), nn.AvgPool2d(2),
                                 nn.Conv2d(8, 8, 3, padding=1), nn.LeakyReLU(0.1), nn.AvgPool2d(2))
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv = nn.Conv2d(8, 8, 3, padding=1)
        self.out = nn.Conv2d(8, 1, 3, padding=1)

    def forward(self, x):
        z = self.enc(x)
        z = F.leaky_relu(self.conv(self.up(z)), 0.1)
        z = F.interpolate(z, size=x.shape[-2:], mode="bilinear", align_corners=True)
        return torch.sigmoid(self.out(z))


for name, model, criterion in [("unpool", UnpoolAE(), nn.BCELoss()), ("transpose", TransposeAE(), nn.MSELoss()),
                               ("upsample", UpsampleAE(), nn.BCELoss(reduction="mean"))]:
    print(name, sum(p.numel() for p in model.parameters()))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(3):
        train_loss = 0.0
        for i in range(0, 96, 32):
            batch = images[i:i + 32]
            out = model(batch)
            recon = out[0] if isinstance(out, tuple) else out
            loss = criterion(recon, batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            train_loss += loss.item() * batch.size(0)
        print(f"  epoch {epoch + 1} train loss {train_loss / 96:.6f}")
    model.eval()
    with torch.no_grad():
        out = model(images[96:])
        recon = out[0] if isinstance(out, tuple) else out
        mse = F.mse_loss(recon, images[96:]).item()
        print(f"  test mse {mse:.6f} shape {tuple(recon.shape)} range {recon.min().item():.4f} "
              f"{recon.max().item():.4f}")
        if isinstance(out, tuple):
            print("  code", tuple(out[1].shape), f"{out[1].mean().item():.5f}")

pool = nn.MaxPool2d(2, stride=2, return_indices=True)
unpool = nn.MaxUnpool2d(2, stride=2)
x = torch.tensor([[[[1., 2., 3., 4.], [5., 6., 7., 8.], [9., 10., 11., 12.], [13., 14., 15., 16.]]]])
y, idx = pool(x)
print(y, idx)
print(unpool(y, idx))
print(F.max_unpool2d(y, idx, 2, output_size=(5, 5)).shape)
print(np.round(F.interpolate(x, scale_factor=0.5, mode="bilinear", antialias=True).numpy(), 4))
