"""A small denoising U-Net autoencoder on the digits: strided Conv2d down, ConvTranspose2d and Upsample up,
F.pad to align the skip connection (the classic U-Net diffX / diffY), ReflectionPad2d, PReLU and Hardswish,
with Adam; then a triplet loss on the bottleneck codes."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

torch.manual_seed(0)
digits = load_digits()
X = torch.tensor(digits.images[:64] / 16.0, dtype=torch.float32).unsqueeze(1)
Y = torch.tensor(digits.target[:64], dtype=torch.long)


class Up(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cout, kernel_size=2, stride=2)
        self.conv = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(2 * cout, cout, 3), nn.PReLU(cout))

    def forward(self, x1, x2):
        x1 = self.up(x1)
        diffY = x2.size()[2] - x1.size()[2]
        diffX = x2.size()[3] - x1.size()[3]
        x1 = F.pad(x1, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2])
        return self.conv(torch.cat([x2, x1], dim=1))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.inc = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.Hardswish())
        self.down = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2), nn.PReLU())
        self.up = Up(16, 8)
        self.refine = nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                                    nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.Hardsigmoid())
        self.out = nn.Conv2d(8, 1, 1)

    def forward(self, x):
        x1 = self.inc(x)
        code = self.down(x1)
        y = self.up(code, x1)
        return torch.sigmoid(self.out(self.refine(y))), code


model = UNet()
print(model)
print([(k, tuple(v.shape)) for k, v in model.state_dict().items() if "up" in k])
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.MSELoss()
for step in range(6):
    noisy = (X + 0.2 * torch.randn(X.shape)).clamp(0, 1)
    optimizer.zero_grad()
    recon, code = model(noisy)
    loss = criterion(recon, X)
    loss.backward()
    optimizer.step()
    sim = F.cosine_similarity(recon.flatten(1), X.flatten(1)).mean()
    print(f"step {step} loss {loss.item():.6f} cos {sim.item():.6f} grad {model.up.up.weight.grad.norm().item():.6f}")

with torch.no_grad():
    recon, code = model(X[:4])
    print(recon.shape, code.shape)
    print(F.interpolate(recon, size=(4, 4), mode="nearest")[0, 0])
    flat = code.flatten(1)
    a, p, n = flat[Y[:4] == Y[:4]], flat.roll(1, 0), flat.roll(2, 0)
    print(nn.TripletMarginLoss(margin=1.0)(a, p, n).item())
    print(nn.PairwiseDistance()(flat[:2], flat[2:4]))
