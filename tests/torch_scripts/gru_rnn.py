"""Sequence models on a sine wave: an nn.RNN and an nn.GRU predicting the next value, with explicit initial
hidden states, RMSprop, clip_grad_value_ and a MultiStepLR schedule."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")

t = np.linspace(0, 20 * np.pi, 2000)
wave = np.sin(t) + 0.3 * np.sin(3.1 * t)
seq_len = 24
windows = np.stack([wave[i:i + seq_len + 1] for i in range(0, 1200, 10)]).astype(np.float32)
inputs = torch.from_numpy(windows[:, :-1]).unsqueeze(-1)
targets = torch.from_numpy(windows[:, 1:]).unsqueeze(-1)
print(inputs.shape, targets.shape)


class RNNModel(nn.Module):
    def __init__(self, cell="gru", input_size=1, hidden_size=16, num_layers=2):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        if cell == "gru":
            self.rnn = nn.GRU(input_size, hidden_size, num_layers, batch_first=True)
        else:
            self.rnn = nn.RNN(input_size, hidden_size, num_layers, batch_first=True, nonlinearity="tanh")
        self.fc = nn.Linear(hidden_size, 1)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(x.device)
        out, hn = self.rnn(x, h0)
        return self.fc(out), hn


for cell in ["rnn", "gru"]:
    model = RNNModel(cell).to(device)
    print(model)
    criterion = nn.MSELoss()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.005)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[2, 4], gamma=0.3)
    for epoch in range(5):
        losses = []
        for i in range(0, len(inputs), 30):
            xb, yb = inputs[i:i + 30].to(device), targets[i:i + 30].to(device)
            out, hn = model(xb)
            loss = criterion(out, yb)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        print(f"{cell} epoch {epoch} loss {np.mean(losses):.6f} last {losses[-1]:.6f} hn {tuple(hn.shape)}")
    model.eval()
    with torch.no_grad():
        seq = inputs[:1]
        preds = []
        for _ in range(5):
            out, _ = model(seq)
            nxt = out[:, -1:, :]
            preds.append(nxt.item())
            seq = torch.cat([seq[:, 1:, :], nxt], dim=1)
        print(cell, "forecast", [f"{p:.4f}" for p in preds])

cell = nn.GRUCell(3, 5)
x = torch.ones(4, 3)
h = torch.zeros(4, 5)
for _ in range(3):
    h = cell(x, h)
print(h.shape, h.requires_grad)
