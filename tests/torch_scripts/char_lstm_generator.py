"""A char-level LSTM text generator, as in the many "generate text with an LSTM" blog posts: a vocabulary from
a string, one-hot-free embedding, nn.LSTM(batch_first=True), CrossEntropyLoss over flattened logits, Adam with
gradient clipping, then greedy sampling character by character with the hidden state carried over (topk of the
last logits, torch.max(..., 1) unpacked), printing the loss curve and the generated text."""
import torch
import torch.nn as nn

torch.manual_seed(0)
text = "hello world, hello torch. the quick brown fox jumps over the lazy dog. " * 4
chars = sorted(set(text))
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for ch, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
print("vocab size:", len(chars), "| data:", data.shape, data.dtype, data[:10].tolist())

seq_len, batch_size = 16, 8


def get_batch(step):
    starts = [(step * 37 + 11 * i) % (len(data) - seq_len - 1) for i in range(batch_size)]
    x = torch.stack([data[s:s + seq_len] for s in starts])
    y = torch.stack([data[s + 1:s + seq_len + 1] for s in starts])
    return x, y


class CharLSTM(nn.Module):
    def __init__(self, vocab_size, embed_dim=16, hidden_dim=32, num_layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers=num_layers, batch_first=True, dropout=0.0)
        self.fc = nn.Linear(hidden_dim, vocab_size)

    def forward(self, x, hidden=None):
        out, hidden = self.lstm(self.embed(x), hidden)
        return self.fc(out), hidden


model = CharLSTM(len(chars))
print(model)
print("parameters:", sum(p.numel() for p in model.parameters() if p.requires_grad))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for step in range(40):
    x, y = get_batch(step)
    logits, _ = model(x)
    loss = criterion(logits.view(-1, len(chars)), y.view(-1))
    optimizer.zero_grad()
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
    if step % 10 == 0 or step == 39:
        print(f"step {step:2d} | loss {loss.item():.4f} | grad norm {norm.item():.4f}")


def generate(start, length=40):
    model.eval()
    idx = torch.tensor([[stoi[c] for c in start]])
    hidden = None
    out = start
    with torch.no_grad():
        logits, hidden = model(idx, hidden)
        for _ in range(length):
            last = logits[:, -1, :]
            _, next_id = torch.max(last, 1)
            out += itos[next_id.item()]
            logits, hidden = model(next_id.unsqueeze(0), hidden)
    return out


print(repr(generate("hello")))
print(repr(generate("the q", 20)))
with torch.no_grad():
    logits, (h, c) = model(data[:seq_len].unsqueeze(0))
    probs = torch.softmax(logits[0, -1], dim=-1)
top = probs.topk(3)
print("top-3 next chars:", [itos[i] for i in top.indices.tolist()], [round(p, 4) for p in top.values.tolist()])
print("hidden:", h.shape, c.shape, type(top).__name__, top._fields if hasattr(top, "_fields") else "no _fields")
