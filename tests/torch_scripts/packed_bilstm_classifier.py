"""Variable-length sequence classification as in the packed-sequence Stack Overflow answers and tutorials: a
custom Dataset of token lists, a collate_fn that sorts nothing and pads with pad_sequence(batch_first=True,
padding_value=0), lengths as a CPU int64 tensor, Embedding(padding_idx=0), pack_padded_sequence(...,
enforce_sorted=False) into a 2-layer bidirectional LSTM, pad_packed_sequence back, the final forward and
backward states torch.cat((h_n[-2], h_n[-1]), dim=1), a masked mean over time, pack_sequence and
PackedSequence attributes, and an nn.GRU over the same packed batch."""
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pack_sequence, pad_packed_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset

random.seed(1)
torch.manual_seed(1)
VOCAB = 20


class SeqDataset(Dataset):
    def __init__(self, n):
        self.samples = []
        for _ in range(n):
            length = random.randint(3, 12)
            seq = [random.randint(1, VOCAB - 1) for _ in range(length)]
            label = int(sum(1 for t in seq if t < 8) > length / 2)
            self.samples.append((seq, label))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        seq, label = self.samples[idx]
        return torch.tensor(seq, dtype=torch.long), label


def collate_fn(batch):
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=0)
    return padded, lengths, torch.tensor(labels)


class BiLSTMClassifier(nn.Module):
    def __init__(self, vocab_size, embed_dim=12, hidden_dim=16, num_layers=2, num_classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers=num_layers, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(hidden_dim * 2 * 2, num_classes)

    def forward(self, x, lengths):
        embedded = self.embedding(x)
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_out, (h_n, c_n) = self.lstm(packed)
        out, out_lengths = pad_packed_sequence(packed_out, batch_first=True)
        hidden = torch.cat((h_n[-2, :, :], h_n[-1, :, :]), dim=1)
        mask = (torch.arange(out.size(1))[None, :] < out_lengths[:, None]).unsqueeze(-1).float()
        mean_pooled = (out * mask).sum(1) / out_lengths.unsqueeze(1).float()
        return self.fc(torch.cat([hidden, mean_pooled], dim=1))


train_ds, test_ds = SeqDataset(96), SeqDataset(32)
print(len(train_ds), train_ds[0][0].tolist(), train_ds[0][1])
loader = DataLoader(train_ds, batch_size=16, shuffle=False, collate_fn=collate_fn)
padded, lengths, labels = next(iter(loader))
print(padded.shape, lengths.tolist(), labels.tolist())
print(padded[:2])

model = BiLSTMClassifier(VOCAB)
with torch.no_grad():
    packed = pack_padded_sequence(model.embedding(padded), lengths, batch_first=True, enforce_sorted=False)
    print(type(packed).__name__, packed.data.shape, packed.batch_sizes.tolist())
    print(packed.sorted_indices.tolist(), packed.unsorted_indices.tolist())
    out, (h, c) = model.lstm(packed)
    unpacked, lens = pad_packed_sequence(out, batch_first=True, total_length=14)
    print(unpacked.shape, lens.tolist(), h.shape, c.shape)
    print(f"{unpacked.abs().sum().item():.4f} {h.sum().item():.5f}")
    # padding positions come back as zeros
    print(unpacked[lengths.argmin(), lengths.min():].abs().sum().item())

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(4):
    model.train()
    total, correct = 0.0, 0
    for x, lens, y in loader:
        optimizer.zero_grad()
        logits = model(x, lens)
        loss = criterion(logits, y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        total += loss.item() * y.size(0)
        correct += (logits.argmax(dim=1) == y).sum().item()
    print(f"epoch {epoch}: loss {total / len(train_ds):.5f} acc {correct / len(train_ds):.4f}")

model.eval()
test_loader = DataLoader(test_ds, batch_size=32, collate_fn=collate_fn)
with torch.no_grad():
    x, lens, y = next(iter(test_loader))
    probs = torch.softmax(model(x, lens), dim=-1)
    print(f"test acc {(probs.argmax(-1) == y).float().mean().item():.4f} p0 {probs[:3, 1].tolist()}")

# pack_sequence of unsorted sequences, a GRU, and the padded output
seqs = [torch.randn(n, 3) for n in (4, 2, 5)]
packed = pack_sequence(seqs, enforce_sorted=False)
gru = nn.GRU(3, 4, batch_first=True)
out, h = gru(packed)
padded_out, lens = pad_packed_sequence(out, batch_first=True, padding_value=-1.0)
print(packed.batch_sizes.tolist(), lens.tolist(), padded_out.shape, h.shape)
print(padded_out[1])
print(torch.allclose(padded_out[2, 4], h[0, 2]), f"{h.sum().item():.5f}")
