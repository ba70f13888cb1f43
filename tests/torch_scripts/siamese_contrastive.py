# ruff: noqa: UP008, UP032 (the copied code keeps its Python 2 super(Class, self) and str.format)
"""A siamese network on the digits in the style of the contrastive-loss blog posts and pytorch/examples
siamese_network: pairs drawn by a seeded `random`, a shared embedding net (Linear + BatchNorm1d + ReLU),
F.pairwise_distance with a hand-written ContrastiveLoss (torch.clamp(margin - d, min=0.0), torch.pow),
F.cosine_similarity, nn.CosineEmbeddingLoss, then nn.TripletMarginLoss / TripletMarginWithDistanceLoss on
(anchor, positive, negative) triplets, and a nearest-neighbour accuracy with torch.cdist and argmin."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits


class SiameseNetwork(nn.Module):
    def __init__(self, embedding_dim=8):
        super(SiameseNetwork, self).__init__()
        self.fc = nn.Sequential(
            nn.Linear(64, 32, bias=False),  # no bias before BatchNorm (it would cancel)
            nn.BatchNorm1d(32),
            nn.ReLU(inplace=True),
            nn.Linear(32, embedding_dim),
        )

    def forward_once(self, x):
        output = x.view(x.size()[0], -1)
        return self.fc(output)

    def forward(self, input1, input2):
        output1 = self.forward_once(input1)
        output2 = self.forward_once(input2)
        return output1, output2


class ContrastiveLoss(torch.nn.Module):
    """Contrastive loss function (Hadsell et al. 2006)."""

    def __init__(self, margin=2.0):
        super(ContrastiveLoss, self).__init__()
        self.margin = margin

    def forward(self, output1, output2, label):
        euclidean_distance = F.pairwise_distance(output1, output2, keepdim=True)
        loss_contrastive = torch.mean((1 - label) * torch.pow(euclidean_distance, 2) +
                                      label * torch.pow(torch.clamp(self.margin - euclidean_distance, min=0.0), 2))
        return loss_contrastive


random.seed(0)
torch.manual_seed(0)
digits = load_digits()
X = torch.tensor(digits.data[:300], dtype=torch.float32) / 16.0
Y = torch.tensor(digits.target[:300])
by_class = {c: (Y == c).nonzero(as_tuple=True)[0].tolist() for c in range(10)}
print({c: len(v) for c, v in by_class.items()})


def make_pairs(n):
    a, b, same = [], [], []
    for _ in range(n):
        c = random.randint(0, 9)
        i = random.choice(by_class[c])
        if random.random() < 0.5:
            j = random.choice(by_class[c])
            lab = 0.0
        else:
            c2 = random.choice([k for k in range(10) if k != c])
            j = random.choice(by_class[c2])
            lab = 1.0
        a.append(i)
        b.append(j)
        same.append(lab)
    return torch.tensor(a), torch.tensor(b), torch.tensor(same).unsqueeze(1)


net = SiameseNetwork()
criterion = ContrastiveLoss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.005)
ia, ib, lab = make_pairs(256)
print(ia[:8].tolist(), lab[:8].view(-1).tolist())
for epoch in range(6):
    net.train()
    total = 0.0
    for k in range(0, 256, 64):
        x0, x1, y = X[ia[k:k + 64]], X[ib[k:k + 64]], lab[k:k + 64]
        optimizer.zero_grad()
        o1, o2 = net(x0, x1)
        loss_contrastive = criterion(o1, o2, y)
        loss_contrastive.backward()
        optimizer.step()
        total += loss_contrastive.item()
    print("Epoch number {}\n Current loss {:.5f}".format(epoch, total / 4))

net.eval()
with torch.no_grad():
    o1, o2 = net(X[ia[:64]], X[ib[:64]])
    d = F.pairwise_distance(o1, o2)
    cos = F.cosine_similarity(o1, o2, dim=1, eps=1e-8)
    same_mask = lab[:64, 0] == 0
    print(f"mean distance same {d[same_mask].mean():.4f} different {d[~same_mask].mean():.4f}")
    print(f"mean cosine same {cos[same_mask].mean():.4f} different {cos[~same_mask].mean():.4f}")
    print(d.shape, cos.shape, F.pairwise_distance(o1, o2, p=1.0)[:3])
    cel = nn.CosineEmbeddingLoss(margin=0.1)
    print("cosine embedding loss", round(cel(o1, o2, 1 - 2 * lab[:64, 0]).item(), 5))

# triplets
triplet_loss = nn.TripletMarginLoss(margin=1.0, p=2)
cos_triplet = nn.TripletMarginWithDistanceLoss(distance_function=lambda a, b: 1.0 - F.cosine_similarity(a, b),
                                               margin=0.5)
optimizer = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
anchors, positives, negatives = [], [], []
for _ in range(128):
    c = random.randint(0, 9)
    anchors.append(random.choice(by_class[c]))
    positives.append(random.choice(by_class[c]))
    negatives.append(random.choice(by_class[(c + random.randint(1, 9)) % 10]))
anchors, positives, negatives = torch.tensor(anchors), torch.tensor(positives), torch.tensor(negatives)
net.train()
for step in range(8):
    sl = slice((step % 4) * 32, (step % 4 + 1) * 32)
    ea, ep = net(X[anchors[sl]], X[positives[sl]])
    en = net.forward_once(X[negatives[sl]])
    loss = triplet_loss(ea, ep, en) + 0.5 * cos_triplet(ea, ep, en)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"triplet step {step} loss {loss.item():.5f}")

net.eval()
with torch.no_grad():
    emb = net.forward_once(X)
    dist = torch.cdist(emb[200:], emb[:200])
    nearest = dist.argmin(dim=1)
    acc = (Y[:200][nearest] == Y[200:]).float().mean()
    print(f"1-NN accuracy {acc.item():.4f}", emb.norm(dim=1).mean().item() > 0)
    print(F.normalize(emb[:2], dim=1).norm(dim=1))
