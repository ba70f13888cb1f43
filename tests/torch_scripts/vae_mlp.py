"""The pytorch/examples VAE (vae/main.py) on sklearn's 8x8 digits: fc encoder with mean and log-variance heads,
the reparameterization trick with torch.randn_like, a sigmoid decoder, binary cross-entropy summed plus the KL
divergence, Adam, a shuffled training loader; reconstructions and samples from the prior instead of saved images."""
import numpy as np
import torch
import torch.utils.data
from sklearn.datasets import load_digits
from torch import nn, optim
from torch.nn import functional as F

args = {"batch_size": 128, "epochs": 3, "seed": 1, "log_interval": 4}
torch.manual_seed(args["seed"])
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

digits = load_digits()
images = torch.from_numpy((digits.images / 16.0).astype(np.float32)).unsqueeze(1)
labels = torch.from_numpy(digits.target)
train_set = torch.utils.data.TensorDataset(images[:1500], labels[:1500])
test_set = torch.utils.data.TensorDataset(images[1500:], labels[1500:])
train_loader = torch.utils.data.DataLoader(train_set, batch_size=args["batch_size"], shuffle=True)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=args["batch_size"], shuffle=False)


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()  # noqa: UP008 (the example's style)

        self.fc1 = nn.Linear(64, 128)
        self.fc21 = nn.Linear(128, 8)
        self.fc22 = nn.Linear(128, 8)
        self.fc3 = nn.Linear(8, 128)
        self.fc4 = nn.Linear(128, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


model = VAE().to(device)
optimizer = optim.Adam(model.parameters(), lr=1e-3)


# Reconstruction + KL divergence losses summed over all elements and batch
def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction='sum')

    # see Appendix B from VAE paper:
    # Kingma and Welling. Auto-Encoding Variational Bayes. ICLR, 2014
    # 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())

    return BCE + KLD


def train(epoch):
    model.train()
    train_loss = 0
    for batch_idx, (data, _) in enumerate(train_loader):
        data = data.to(device)
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
        if batch_idx % args["log_interval"] == 0:
            print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(  # noqa: UP032 (the example's style)
                epoch, batch_idx * len(data), len(train_loader.dataset),
                100. * batch_idx / len(train_loader),
                loss.item() / len(data)))

    print('====> Epoch: {} Average loss: {:.4f}'.format(  # noqa: UP032
          epoch, train_loss / len(train_loader.dataset)))


def test(epoch):
    model.eval()
    test_loss = 0
    with torch.no_grad():
        for i, (data, _) in enumerate(test_loader):
            data = data.to(device)
            recon_batch, mu, logvar = model(data)
            test_loss += loss_function(recon_batch, data, mu, logvar).item()
            if i == 0:
                n = min(data.size(0), 8)
                comparison = torch.cat([data[:n],
                                        recon_batch.view(args["batch_size"], 1, 8, 8)[:n]])
                print('reconstruction', tuple(comparison.shape),
                      round(F.mse_loss(comparison[n:], comparison[:n]).item(), 5))

    test_loss /= len(test_loader.dataset)
    print('====> Test set loss: {:.4f}'.format(test_loss))  # noqa: UP032


if __name__ == "__main__":
    for epoch in range(1, args["epochs"] + 1):
        train(epoch)
        test(epoch)
        with torch.no_grad():
            sample = torch.randn(64, 8).to(device)
            sample = model.decode(sample).cpu()
            print('sample', tuple(sample.view(64, 1, 8, 8).shape), round(sample.mean().item(), 5),
                  round(sample.std().item(), 5))
    mu, logvar = model.encode(images[:4].to(device).view(-1, 64))
    print(mu.detach().cpu().numpy().round(3))
    print(logvar.exp().mean(dim=1).detach().cpu())
