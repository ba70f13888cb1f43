"""torchvision's ResNet, shrunk: BasicBlock built from the conv3x3 / conv1x1 helpers, BatchNorm2d, a downsample
nn.Sequential (stride-2 1x1 conv + BN) where the shape changes, AdaptiveAvgPool2d((1, 1)), torch.flatten(x, 1),
the kaiming_normal_(mode='fan_out', nonlinearity='relu') / constant_ init loop over self.modules() and
zero_init_residual; trained a few epochs with SGD(momentum=0.9, weight_decay=5e-4, nesterov=True) and
CosineAnnealingLR on random 3x16x16 images whose class is the colour channel of a bright patch (anywhere)."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    """3x3 convolution with padding"""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution"""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        # Both self.conv1 and self.downsample layers downsample the input when stride != 1
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x

        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)
        out = self.bn2(out)

        if self.downsample is not None:
            identity = self.downsample(x)

        out += identity
        out = self.relu(out)

        return out


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=4, zero_init_residual=False, norm_layer=None, width=8):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer

        self.inplanes = width
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        # a CIFAR-style stem for small images: one 3x3 convolution, no max pooling
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, width * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, width * 4, layers[2], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(width * 4 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

        # Zero-initialize the last BN in each residual branch,
        # so that the residual branch starts with zeros, and each residual block behaves like an identity.
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        norm_layer = self._norm_layer
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                norm_layer(planes * block.expansion),
            )

        layers = []
        layers.append(block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, self.dilation,
                            norm_layer))
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                                dilation=self.dilation, norm_layer=norm_layer))

        return nn.Sequential(*layers)

    def _forward_impl(self, x):
        x = self.conv1(x)
        x = self.bn1(x)
        x = self.relu(x)

        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)

        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.fc(x)

        return x

    def forward(self, x):
        return self._forward_impl(x)


def make_images(n, seed):
    rng = np.random.default_rng(seed)
    images = rng.normal(0.0, 1.0, size=(n, 3, 16, 16)).astype(np.float32)
    labels = rng.integers(0, 3, size=n)
    corners = rng.integers(0, 12, size=(n, 2))
    for i, (k, (r, c)) in enumerate(zip(labels, corners)):
        images[i, k, r:r + 4, c:c + 4] += 2.5
    return torch.from_numpy(images), torch.from_numpy(labels)


torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
x_train, y_train = make_images(256, 0)
x_test, y_test = make_images(128, 1)
train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32, shuffle=False)

model = ResNet(BasicBlock, [1, 1, 1], num_classes=3, zero_init_residual=True).to(device)
print(model.layer2[0])
print(sum(p.numel() for p in model.parameters()), len(list(model.modules())))
print(model.layer1[0].bn2.weight.abs().sum().item(), model.layer2[0].downsample[1].weight.sum().item())

criterion = nn.CrossEntropyLoss()
epochs = 5
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4, nesterov=True)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)

for epoch in range(epochs):
    model.train()
    running_loss, correct, total = 0.0, 0, 0
    for inputs, targets in train_loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * targets.size(0)
        _, predicted = outputs.max(1)
        total += targets.size(0)
        correct += predicted.eq(targets).sum().item()
    scheduler.step()
    print(f"epoch {epoch} loss {running_loss / total:.4f} acc {100. * correct / total:.2f}% "
          f"lr {scheduler.get_last_lr()[0]:.5f}")

model.eval()
with torch.no_grad():
    outputs = model(x_test.to(device))
    test_loss = criterion(outputs, y_test.to(device)).item()
    accuracy = (outputs.argmax(dim=1) == y_test.to(device)).float().mean().item()
print(f"test loss {test_loss:.4f} accuracy {accuracy:.4f}")
print(outputs.shape, model.bn1.running_mean[:3].cpu(), model.layer3[0].bn2.num_batches_tracked.cpu())
