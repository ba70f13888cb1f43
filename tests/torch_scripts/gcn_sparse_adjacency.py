"""A graph convolutional network in the style of pygcn (Kipf & Welling): a normalised sparse adjacency built with
torch.sparse_coo_tensor, a GraphConvolution layer (Parameter weights, uniform init from 1/sqrt(out), torch.spmm
when the adjacency is sparse), dropout, log_softmax + nll_loss, Adam with weight decay; semi-supervised node
classification on two noisy communities, with train/val accuracy."""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.nn.modules.module import Module
from torch.nn.parameter import Parameter

torch.manual_seed(42)
rng = np.random.RandomState(0)
n, n_feat, n_class = 40, 12, 2
labels_np = np.array([0] * 20 + [1] * 20)
edges = [(i, j) for i in range(n) for j in range(i + 1, n)
         if rng.rand() < (0.3 if labels_np[i] == labels_np[j] else 0.03)]
feats_np = rng.randn(n, n_feat).astype(np.float32) + labels_np[:, None] * 0.6


def normalize(mx):
    """Row-normalize a dense numpy matrix (pygcn's normalize, on dense arrays)."""
    rowsum = np.array(mx.sum(1))
    r_inv = np.power(rowsum, -1).flatten()
    r_inv[np.isinf(r_inv)] = 0.
    return mx * r_inv[:, None]


adj_np = np.zeros((n, n), dtype=np.float32)
for i, j in edges:
    adj_np[i, j] = adj_np[j, i] = 1.0
adj_np = normalize(adj_np + np.eye(n, dtype=np.float32))
rows, cols = np.nonzero(adj_np)
indices = torch.from_numpy(np.vstack((rows, cols)).astype(np.int64))
values = torch.from_numpy(adj_np[rows, cols])
adj = torch.sparse_coo_tensor(indices, values, torch.Size([n, n]))
features = torch.FloatTensor(normalize(feats_np - feats_np.min()))
labels = torch.LongTensor(labels_np)
idx_train = torch.LongTensor(list(range(0, 5)) + list(range(20, 25)))
idx_val = torch.LongTensor(list(range(5, 20)) + list(range(25, 40)))
print("adjacency:", adj.is_sparse, adj.layout, adj._nnz(), "nonzeros")


class GraphConvolution(Module):
    def __init__(self, in_features, out_features, bias=True):
        super(GraphConvolution, self).__init__()  # noqa: UP008 (the example's style)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(torch.FloatTensor(in_features, out_features))
        if bias:
            self.bias = Parameter(torch.FloatTensor(out_features))
        else:
            self.register_parameter('bias', None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1. / math.sqrt(self.weight.size(1))
        self.weight.data.uniform_(-stdv, stdv)
        if self.bias is not None:
            self.bias.data.uniform_(-stdv, stdv)

    def forward(self, input, adj):
        support = torch.mm(input, self.weight)
        output = torch.spmm(adj, support) if adj.is_sparse else torch.mm(adj, support)
        if self.bias is not None:
            return output + self.bias
        return output

    def __repr__(self):
        return self.__class__.__name__ + ' (' + str(self.in_features) + ' -> ' + str(self.out_features) + ')'


class GCN(nn.Module):
    def __init__(self, nfeat, nhid, nclass, dropout):
        super(GCN, self).__init__()  # noqa: UP008 (the example's style)
        self.gc1 = GraphConvolution(nfeat, nhid)
        self.gc2 = GraphConvolution(nhid, nclass)
        self.dropout = dropout

    def forward(self, x, adj):
        x = F.relu(self.gc1(x, adj))
        x = F.dropout(x, self.dropout, training=self.training)
        x = self.gc2(x, adj)
        return F.log_softmax(x, dim=1)


def accuracy(output, labels):
    preds = output.max(1)[1].type_as(labels)
    correct = preds.eq(labels).double()
    correct = correct.sum()
    return correct / len(labels)


model = GCN(nfeat=n_feat, nhid=16, nclass=n_class, dropout=0.5)
optimizer = optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
print(model)

for epoch in range(60):
    model.train()
    optimizer.zero_grad()
    output = model(features, adj)
    loss_train = F.nll_loss(output[idx_train], labels[idx_train])
    acc_train = accuracy(output[idx_train], labels[idx_train])
    loss_train.backward()
    optimizer.step()
    model.eval()
    output = model(features, adj)
    loss_val = F.nll_loss(output[idx_val], labels[idx_val])
    acc_val = accuracy(output[idx_val], labels[idx_val])
    if epoch % 10 == 9:
        print(f'Epoch: {epoch + 1:04d}', f'loss_train: {loss_train.item():.4f}',
              f'acc_train: {acc_train.item():.4f}', f'loss_val: {loss_val.item():.4f}',
              f'acc_val: {acc_val.item():.4f}')
dense_out = model(features, adj.to_dense())
print("sparse and dense adjacency agree:", bool(torch.allclose(dense_out, output, atol=1e-6)))
