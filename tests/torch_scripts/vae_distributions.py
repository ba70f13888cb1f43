"""A VAE written with torch.distributions, as in probabilistic-programming tutorials: the encoder gives a
diagonal Normal (Independent over the latent dims), z = q.rsample() (the reparameterisation trick), a Bernoulli
decoder with logits, the ELBO from log_prob and kl_divergence against the standard-normal prior; Adam on 8x8
digits, the test ELBO per epoch and the KL term's share."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(7)
digits = load_digits()
x_all = torch.from_numpy((digits.data / 16.0 > 0.5).astype(np.float32))  # binarised 8x8 digits, flattened
train_loader = DataLoader(TensorDataset(x_all[:1400]), batch_size=100, shuffle=False)
test_x = x_all[1400:1600]


class Encoder(nn.Module):
    def __init__(self, d_in=64, d_hidden=64, d_z=4):
        super().__init__()
        self.hidden = nn.Linear(d_in, d_hidden)
        self.loc = nn.Linear(d_hidden, d_z)
        self.log_scale = nn.Linear(d_hidden, d_z)

    def forward(self, x):
        h = F.softplus(self.hidden(x))
        return Independent(Normal(self.loc(h), self.log_scale(h).exp()), 1)


class Decoder(nn.Module):
    def __init__(self, d_z=4, d_hidden=64, d_out=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_z, d_hidden), nn.Softplus(), nn.Linear(d_hidden, d_out))

    def forward(self, z):
        return Independent(Bernoulli(logits=self.net(z)), 1)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.register_buffer("prior_loc", torch.zeros(4))
        self.register_buffer("prior_scale", torch.ones(4))

    def prior(self):
        return Independent(Normal(self.prior_loc, self.prior_scale), 1)

    def elbo(self, x):
        q = self.encoder(x)
        z = q.rsample()
        log_lik = self.decoder(z).log_prob(x)
        kl = kl_divergence(q, self.prior())
        return (log_lik - kl).mean(), kl.mean()


model = VAE()
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
print("batch_shape/event_shape of q:", tuple(model.encoder(test_x[:5]).batch_shape),
      tuple(model.encoder(test_x[:5]).event_shape))
for epoch in range(1, 5):
    model.train()
    total = 0.0
    for (x,) in train_loader:
        optimizer.zero_grad()
        elbo, _ = model.elbo(x)
        (-elbo).backward()
        optimizer.step()
        total += elbo.item()
    model.eval()
    with torch.no_grad():
        q = model.encoder(test_x)
        recon = model.decoder(q.mean).log_prob(test_x).mean()
        kl = kl_divergence(q, model.prior()).mean()
    print(f"epoch {epoch}: train ELBO {total / len(train_loader):.4f}  test recon {recon.item():.4f}  "
          f"test KL {kl.item():.4f}")
with torch.no_grad():
    q = model.encoder(test_x[:3])
    print("posterior means:", [[round(v, 3) for v in row] for row in q.mean.tolist()])
    print("posterior entropy:", [round(v, 3) for v in q.entropy().tolist()])
