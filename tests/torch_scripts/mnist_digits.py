"""The official PyTorch MNIST example, adapted to sklearn's 8x8 digits (a subset, so it runs in seconds)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from sklearn.datasets import load_digits
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(128, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args["log_interval"] == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(  # noqa: UP032 (the example's style)
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader), loss.item()))


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction='sum').item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # get the index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()

    test_loss /= len(test_loader.dataset)

    print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'.format(  # noqa: UP032
        test_loss, correct, len(test_loader.dataset),
        100. * correct / len(test_loader.dataset)))
    return correct


def main():
    args = {"batch_size": 64, "test_batch_size": 100, "epochs": 3, "lr": 1.0, "gamma": 0.7,
            "seed": 1, "log_interval": 2, "save_model": True}
    use_cuda = torch.cuda.is_available()
    torch.manual_seed(args["seed"])
    device = torch.device("cuda" if use_cuda else "cpu")

    train_kwargs = {'batch_size': args["batch_size"]}
    test_kwargs = {'batch_size': args["test_batch_size"]}
    if use_cuda:
        cuda_kwargs = {'num_workers': 1, 'pin_memory': True, 'shuffle': True}
        train_kwargs.update(cuda_kwargs)
        test_kwargs.update(cuda_kwargs)

    digits = load_digits()
    images = digits.images.astype(np.float32) / 16.0
    images = (images - 0.3) / 0.45  # transforms.Normalize((mean,), (std,))
    x = torch.from_numpy(images).unsqueeze(1)
    y = torch.from_numpy(digits.target).long()
    dataset1 = TensorDataset(x[:384], y[:384])
    dataset2 = TensorDataset(x[1000:1300], y[1000:1300])
    train_loader = torch.utils.data.DataLoader(dataset1, **train_kwargs)
    test_loader = DataLoader(dataset2, **test_kwargs)

    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args["lr"])

    scheduler = StepLR(optimizer, step_size=1, gamma=args["gamma"])
    for epoch in range(1, args["epochs"] + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        correct = test(model, device, test_loader)
        scheduler.step()
        print("lr", scheduler.get_last_lr()[0], optimizer.param_groups[0]["lr"])

    if args["save_model"]:
        torch.save(model.state_dict(), "mnist_cnn.pt")
        state = torch.load("mnist_cnn.pt")
        print(sorted(state.keys()))
        model2 = Net()
        model2.load_state_dict(state)
        model2.eval()
        with torch.no_grad():
            print(torch.allclose(model2(x[:5]), model(x[:5])))
    return correct


if __name__ == '__main__':
    main()
