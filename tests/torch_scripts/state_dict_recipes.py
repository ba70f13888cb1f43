# ruff: noqa: UP008 (the recipes' code as it is: super(Net, self))
"""The Basics tutorial 'Save and Load the Model' and the recipes 'What is a state_dict in PyTorch', 'Saving and
loading a general checkpoint', 'Saving and loading multiple models in one file' and 'Warmstarting model using
parameters from a different model': printed state_dict keys and sizes of a model and of its optimizer,
torch.save / torch.load of a state_dict (weights_only=True) and of a whole model (weights_only=False), a
checkpoint dict with epoch / model / optimizer / loss resumed in model.train() and used in model.eval(), two
networks and their optimizers in one file, and load_state_dict(strict=False) into a different model (its
missing / unexpected keys printed)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
print(net)

# ------------------------------------------------------------------ what is a state_dict
optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
inputs, targets = torch.randn(4, 3, 32, 32), torch.randint(0, 10, (4,))
criterion = nn.CrossEntropyLoss()
for _ in range(2):
    optimizer.zero_grad()
    loss = criterion(net(inputs), targets)
    loss.backward()
    optimizer.step()

print("Model's state_dict:")
for param_tensor in net.state_dict():
    print(param_tensor, "\t", net.state_dict()[param_tensor].size())

print()

print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name] if var_name == "param_groups"
          else sorted(optimizer.state_dict()[var_name]))

# ------------------------------------------------------------------ save and load the model weights
torch.save(net.state_dict(), 'model_weights.pth')
model = Net()  # we do not specify ``weights``, i.e. create untrained model
model.load_state_dict(torch.load('model_weights.pth', weights_only=True))
model.eval()
print(torch.equal(model(inputs), net(inputs)))

torch.save(net, 'model.pth')
model = torch.load('model.pth', weights_only=False)
model.eval()
print(type(model).__name__, torch.equal(model(inputs), net(inputs)))

# ------------------------------------------------------------------ a general checkpoint
EPOCH = 5
PATH = "model.pt"
LOSS = 0.4

torch.save({
            'epoch': EPOCH,
            'model_state_dict': net.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(),
            'loss': LOSS,
            }, PATH)

model = Net()
optimizer2 = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)

checkpoint = torch.load(PATH, weights_only=True)
model.load_state_dict(checkpoint['model_state_dict'])
optimizer2.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']
print(epoch, loss)

model.eval()
print(torch.equal(model(inputs), net(inputs)))
# - or -
model.train()
for name, o in (("resumed", optimizer2), ("original", optimizer)):
    m = model if name == "resumed" else net
    o.zero_grad()
    step_loss = criterion(m(inputs), targets)
    step_loss.backward()
    o.step()
    print(name, step_loss.item(), m.fc3.bias.detach())

# ------------------------------------------------------------------ several models in one file
netA = Net()
netB = Net()
optimizerA = optim.SGD(netA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.SGD(netB.parameters(), lr=0.001, momentum=0.9)
torch.save({
            'modelA_state_dict': netA.state_dict(),
            'modelB_state_dict': netB.state_dict(),
            'optimizerA_state_dict': optimizerA.state_dict(),
            'optimizerB_state_dict': optimizerB.state_dict(),
            }, PATH)
modelA, modelB = Net(), Net()
optimizerA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.SGD(modelB.parameters(), lr=0.001, momentum=0.9)
checkpoint = torch.load(PATH, weights_only=True)
print(sorted(checkpoint))
modelA.load_state_dict(checkpoint['modelA_state_dict'])
modelB.load_state_dict(checkpoint['modelB_state_dict'])
optimizerA.load_state_dict(checkpoint['optimizerA_state_dict'])
optimizerB.load_state_dict(checkpoint['optimizerB_state_dict'])
modelA.eval()
modelB.train()
print(torch.equal(modelA(inputs), netA(inputs)), torch.equal(modelB.conv1.weight, netB.conv1.weight))


# ------------------------------------------------------------------ warmstarting from a different model
class NetB(nn.Module):
    def __init__(self):
        super(NetB, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc4 = nn.Linear(84, 5)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc4(x)


torch.save(netA.state_dict(), PATH)
netB = NetB()
result = netB.load_state_dict(torch.load(PATH, weights_only=True), strict=False)
print(result)
print(result.missing_keys, result.unexpected_keys)
print(torch.equal(netB.conv2.weight, netA.conv2.weight), torch.equal(netB.fc2.bias, netA.fc2.bias))
try:
    netB.load_state_dict(torch.load(PATH, weights_only=True))
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])
