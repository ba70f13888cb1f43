"""A CNN written as nn.Sequential, with BatchNorm, weight init through model.apply, SGD with momentum,
gradient clipping and a save / load round trip."""
import torch
import torch.nn as nn
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
X = torch.tensor(digits.images[:320] / 16.0, dtype=torch.float32).unsqueeze(1)
Y = torch.tensor(digits.target[:320], dtype=torch.long)
print(X.shape, Y.shape, X.dtype, Y.dtype)
print(X.shape == (320, 1, 8, 8), X.size() == torch.Size([320, 1, 8, 8]), X.size(0), X.size(-1))
loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=False)

model = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1),
    nn.BatchNorm2d(8),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 16, kernel_size=3, padding=1, bias=False),
    nn.BatchNorm2d(16),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d((2, 2)),
    nn.Flatten(),
    nn.Linear(64, 32),
    nn.ReLU(),
    nn.Dropout(p=0.2),
    nn.Linear(32, 10),
).to(device)


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.constant_(m.weight, 1)
        nn.init.constant_(m.bias, 0)
    elif isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


model.apply(init_weights)
print(model)
total_params = sum(p.numel() for p in model.parameters())
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"params: {total_params} trainable: {trainable}")
print(model[0], model[-1], len(model))
print([name for name, _ in model.named_children()])
print(list(model.state_dict().keys()))

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9, weight_decay=1e-4, nesterov=True)

for epoch in range(2):
    model.train()
    running_loss = 0.0
    correct = 0
    total = 0
    for i, (inputs, labels) in enumerate(loader):
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad(set_to_none=True)
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        optimizer.step()
        running_loss += loss.item() * inputs.size(0)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
        if i % 3 == 0:
            print(f"epoch {epoch} step {i} loss {loss.item():.5f} grad_norm {grad_norm.item():.5f}")
    print(f"epoch {epoch}: loss {running_loss / total:.5f} acc {100 * correct / total:.2f}%")

print(model[1].running_mean)
print(model[1].num_batches_tracked)
model.eval()
with torch.no_grad():
    out = model(X[:8])
    probs = torch.softmax(out, dim=1)
    values, indices = torch.max(probs, dim=1)
    print(values)
    print(indices)
    print(probs.sum(dim=1))

torch.save(model.state_dict(), "cnn.pt")
model2 = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
    nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Dropout(p=0.2), nn.Linear(32, 10))
result = model2.load_state_dict(torch.load("cnn.pt", map_location=device))
print(result)
model2.eval()
with torch.no_grad():
    print(torch.allclose(model2(X[:8]), out), torch.equal(model2(X[:8]), out))
