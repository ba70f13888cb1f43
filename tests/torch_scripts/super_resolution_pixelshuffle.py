"""The pytorch/examples super-resolution net (super_resolution/model.py: conv 5x5 -> 3x3 -> 3x3 -> sub-pixel
convolution with nn.PixelShuffle, orthogonal init with relu gain) trained to upscale 8x8 digits to 16x16 with MSE
and Adam; PSNR on a held-out set. The device line is current example code's torch.accelerator idiom."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.init as init
import torch.optim as optim
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else "cpu"
torch.manual_seed(123)


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super(Net, self).__init__()  # noqa: UP008 (the example's style)

        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 16, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(16, 16, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(16, 8, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(8, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)

        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv2.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv3.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv4.weight)


digits = load_digits()
high = torch.from_numpy((digits.images / 16.0).astype(np.float32)).unsqueeze(1)
high = torch.nn.functional.interpolate(high, scale_factor=2, mode="bilinear", align_corners=False)  # 16x16 targets
low = torch.nn.functional.avg_pool2d(high, 2)  # 8x8 inputs
train_loader = DataLoader(TensorDataset(low[:512], high[:512]), batch_size=64, shuffle=False)
test_loader = DataLoader(TensorDataset(low[1200:1400], high[1200:1400]), batch_size=100)

model = Net(upscale_factor=2).to(device)
criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=0.003)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))


def train(epoch):
    epoch_loss = 0
    for iteration, batch in enumerate(train_loader, 1):  # noqa: B007 (the example's loop)
        input, target = batch[0].to(device), batch[1].to(device)
        optimizer.zero_grad()
        loss = criterion(model(input), target)
        epoch_loss += loss.item()
        loss.backward()
        optimizer.step()
    print(f"===> Epoch {epoch} Complete: Avg. Loss: {epoch_loss / len(train_loader):.6f}")


def test():
    avg_psnr = 0
    with torch.no_grad():
        for batch in test_loader:
            input, target = batch[0].to(device), batch[1].to(device)
            prediction = model(input)
            mse = criterion(prediction, target)
            psnr = 10 * math.log10(1 / mse.item())
            avg_psnr += psnr
    print(f"===> Avg. PSNR: {avg_psnr / len(test_loader):.4f} dB")


for epoch in range(1, 4):
    train(epoch)
    test()
out = model(low[1500:1501].to(device))
print("upscaled shape:", tuple(out.shape), f"mean {out.mean().item():.4f}")
