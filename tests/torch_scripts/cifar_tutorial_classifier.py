"""The "Training a Classifier" tutorial of the 60-minute blitz (CIFAR-10's Net: conv 3->6->16 with 5x5
kernels, max pooling, three Linear layers), on generated 32x32 colour images whose class is the channel that
is brightest: DataLoader of a TensorDataset with batch_size=4, SGD with momentum, the "[epoch, batch] loss"
printout, `_, predicted = torch.max(outputs, 1)`, overall and per-class accuracy under torch.no_grad(), and
saving / reloading the weights with torch.save(net.state_dict(), PATH)."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
classes = ("red", "green", "blue")


def make_images(n):
    images = torch.rand(n, 3, 32, 32) * 0.5
    labels = torch.arange(n) % 3
    for i in range(n):
        images[i, labels[i]] += 0.4
    return (images - 0.5) / 0.5, labels


trainset = TensorDataset(*make_images(48))
testset = TensorDataset(*make_images(24))
trainloader = DataLoader(trainset, batch_size=4, shuffle=False)
testloader = DataLoader(testset, batch_size=4, shuffle=False)
images, labels = next(iter(trainloader))
print(images.shape, labels, " ".join(f"{classes[labels[j]]:5s}" for j in range(4)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)  # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
print(net)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
print(optimizer)

for epoch in range(3):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 4 == 3:
            print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 4:.3f}")
            running_loss = 0.0
print("Finished Training")

PATH = os.path.join(tempfile.mkdtemp(), "cifar_net.pth")
torch.save(net.state_dict(), PATH)
net = Net()
print(net.load_state_dict(torch.load(PATH, weights_only=True)))

dataiter = iter(testloader)
images, labels = next(dataiter)
outputs = net(images)
_, predicted = torch.max(outputs, 1)
print("Predicted: ", " ".join(f"{classes[predicted[j]]:5s}" for j in range(4)))
print(torch.max(outputs.detach(), 1).indices, outputs.grad_fn.name())

correct = 0
total = 0
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
print(f"Accuracy of the network on the {total} test images: {100 * correct // total} %")

correct_pred = {classname: 0 for classname in classes}
total_pred = {classname: 0 for classname in classes}
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predictions = torch.max(outputs, 1)
        for label, prediction in zip(labels, predictions):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1
for classname, correct_count in correct_pred.items():
    accuracy = 100 * float(correct_count) / total_pred[classname]
    print(f"Accuracy for class: {classname:5s} is {accuracy:.1f} %")
