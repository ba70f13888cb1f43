"""An LSTM sequence classifier over token ids: Embedding -> LSTM(batch_first) -> Linear on the last hidden state,
with gradient clipping and a hand-written accuracy."""
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embedding_dim, hidden_dim, output_dim, n_layers=2, dropout=0.2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, num_layers=n_layers, batch_first=True, dropout=0.0)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, text):
        embedded = self.dropout(self.embedding(text))
        output, (hidden, cell) = self.lstm(embedded)
        hidden = self.dropout(hidden[-1, :, :])
        return self.fc(hidden)


rng = np.random.default_rng(0)
VOCAB, SEQ = 20, 12
tokens = rng.integers(1, VOCAB, size=(256, SEQ))
labels = (tokens[:, :SEQ // 2].sum(1) > tokens[:, SEQ // 2:].sum(1)).astype(np.int64)
tokens[:32, -3:] = 0  # some padding
X = torch.from_numpy(tokens)
y = torch.from_numpy(labels)
loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=False)

torch.manual_seed(0)
model = LSTMClassifier(VOCAB, 16, 24, 2)
print(model)
for name, param in model.named_parameters():
    print(name, tuple(param.shape), param.requires_grad)
print(model.embedding.weight[0].abs().sum().item())

criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=3e-3)

for epoch in range(3):
    model.train()
    total_loss, total_correct = 0.0, 0
    for step, (batch_x, batch_y) in enumerate(loader):
        optimizer.zero_grad()
        logits = model(batch_x)
        loss = criterion(logits, batch_y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        total_loss += loss.item() * batch_x.size(0)
        total_correct += (logits.argmax(dim=1) == batch_y).sum().item()
        if step % 4 == 0:
            print(f"  step {step}: {loss.item():.6f}")
    print(f"epoch {epoch + 1}: loss={total_loss / len(loader.dataset):.5f} acc={total_correct / len(X):.4f}")

model.eval()
with torch.no_grad():
    out, (h, c) = model.lstm(model.embedding(X[:4]))
    print(out.shape, h.shape, c.shape)
    print(torch.allclose(out[:, -1, :], h[-1]))
    probs = torch.softmax(model(X[:4]), dim=-1)
    print(probs)
