"""Write the classroom notebooks in notebooks/ from the cell texts below (outputs empty).

Run `python tools/make_notebooks.py` after editing a notebook's cells here; the .ipynb files are what users open.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}


def notebook(name: str, *cells: tuple[str, str]) -> None:
    NOTEBOOKS[name] = list(cells)


def md(text: str) -> tuple[str, str]:
    return ("md", text.strip())


def code(text: str) -> tuple[str, str]:
    return ("code", text.strip())


notebook(
    "01_quick_start.ipynb",
    md("""
# 1. Quick start: a PyTorch script, run on nnstudio

This notebook teaches that nnstudio speaks PyTorch: the classic training script below runs unchanged once
`import torch` reads `import nnstudio as torch`. You will also see every named parameter and its shape, the
numbers that make up the model.
"""),
    code("""
import nnstudio as torch
import nnstudio.nn as nn
import nnstudio.optim as optim

torch.manual_seed(0)


class SimpleNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.view(-1, 28 * 28)
        x = torch.relu(self.fc1(x))
        return self.fc2(x)


model = SimpleNN()
loss_fn = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)
inputs = torch.randn(32, 28, 28)
labels = torch.randint(0, 10, (32,))
"""),
    md("One training step: forward, loss, backward, update. The same four lines as in PyTorch."),
    code("""
for step in range(5):
    loss = loss_fn(model(inputs), labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"step {step}: loss {loss.item():.4f}")
"""),
    md("## The named parameters\nEach `Linear` layer owns a weight matrix `(out, in)` and a bias vector `(out,)`."),
    code("""
total = 0
for name, param in model.named_parameters():
    print(f"Parameter: {name:12s} Shape: {tuple(param.shape)!s:12s} count: {param.numel():7d}  "
          f"grad norm: {param.grad.norm().item():.4f}")
    total += param.numel()
print("total parameters:", total)
print(model)
"""),
)

notebook(
    "03_digits_cnn.ipynb",
    md("""
# 3. Digits with a small CNN

This notebook teaches how a convolutional network reads images: small filters slide over the 8x8 digit, pooling
halves the resolution, and a linear layer turns the features into ten class scores. You will watch the loss fall
and look at the filters the first layer learned.
"""),
    code("""
%matplotlib inline
import matplotlib.pyplot as plt
import nnstudio as torch
import nnstudio.nn as nn
import nnstudio.optim as optim
from nnstudio.data import digits

torch.manual_seed(0)
data = digits(flat=False)          # images (N, 1, 8, 8), labels 0..9, split into train / validation
train_loader, val_loader = data.loaders(batch_size=64)
print(data)
"""),
    code("""
model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # (16, 4, 4)
    nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (32, 2, 2)
    nn.Flatten(), nn.Linear(32 * 2 * 2, 10),
)
for name, p in model.named_parameters():
    print(f"{name:10s} {tuple(p.shape)}")
loss_fn = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.01)
"""),
    code("""
def accuracy(loader):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += len(y)
    model.train()
    return correct / total


losses = []
for epoch in range(8):
    for x, y in train_loader:
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    print(f"epoch {epoch}: loss {losses[-1]:.3f}  validation accuracy {accuracy(val_loader):.1%}")
"""),
    code("""
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3))
ax1.plot(losses); ax1.set_xlabel("step"); ax1.set_ylabel("training loss"); ax1.set_yscale("log")
filters = model[0].weight.detach().numpy()[:, 0]
ax2.imshow(filters.reshape(2, 8, 3, 3).transpose(0, 2, 1, 3).reshape(6, 24), cmap="RdBu")
ax2.set_title("the 16 learned 3x3 filters of the first layer"); ax2.axis("off")
plt.show()
"""),
)

notebook(
    "04_recurrent.ipynb",
    md("""
# 4. A recurrent model on a sequence task

This notebook teaches how an LSTM carries a memory along a sequence: it reads a string of bits one at a time and
must tell, at the end, whether most of them were ones. You will compare the LSTM with a plain RNN on the same task.
"""),
    code("""
%matplotlib inline
import matplotlib.pyplot as plt
import nnstudio as torch
import nnstudio.nn as nn
import nnstudio.optim as optim
from nnstudio.data import sequence

torch.manual_seed(0)
data = sequence("majority", n_samples=1500, length=15)   # inputs (N, 15, 1), labels 0 / 1
train_loader, val_loader = data.loaders(batch_size=64)
print(data)
"""),
    code("""
class SequenceClassifier(nn.Module):
    def __init__(self, cell="LSTM", hidden=32):
        super().__init__()
        self.rnn = getattr(nn, cell)(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Linear(hidden, 2)

    def forward(self, x):
        out, _ = self.rnn(x)            # out: (batch, length, hidden)
        return self.head(out[:, -1])    # the last step sees the whole sequence


def train(cell, epochs=6):
    torch.manual_seed(0)
    model = SequenceClassifier(cell)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    history = []
    for epoch in range(epochs):
        for x, y in train_loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            history.append(loss.item())
    with torch.no_grad():
        acc = (model(torch.tensor(data.X_val)).argmax(1) == torch.tensor(data.y_val)).float().mean().item()
    return model, history, acc


lstm, lstm_losses, lstm_acc = train("LSTM")
rnn, rnn_losses, rnn_acc = train("RNN")
print(f"LSTM validation accuracy {lstm_acc:.1%}, RNN {rnn_acc:.1%}")
for name, p in lstm.named_parameters():
    print(f"{name:20s} {tuple(p.shape)}")
"""),
    code("""
plt.figure(figsize=(6, 3))
plt.plot(lstm_losses, label="LSTM"); plt.plot(rnn_losses, label="RNN")
plt.xlabel("step"); plt.ylabel("training loss"); plt.legend(); plt.show()
"""),
)

notebook(
    "05_tiny_transformer.ipynb",
    md("""
# 5. A tiny Transformer

This notebook teaches self-attention: every position of a sequence looks at every other position and decides how
much of each to take. A one-layer Transformer encoder learns the majority task, and you will draw the attention
weights it uses.
"""),
    code("""
%matplotlib inline
import matplotlib.pyplot as plt
import nnstudio as torch
import nnstudio.nn as nn
import nnstudio.optim as optim
from nnstudio.data import sequence

torch.manual_seed(0)
data = sequence("majority", n_samples=1500, length=15)
train_loader, val_loader = data.loaders(batch_size=64)


class TinyTransformer(nn.Module):
    def __init__(self, d_model=32, nhead=4, length=15):
        super().__init__()
        self.embed = nn.Linear(1, d_model)
        self.position = nn.Parameter(torch.randn(1, length, d_model) * 0.1)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.head = nn.Linear(d_model, 2)

    def forward(self, x):
        h = self.encoder(self.embed(x) + self.position)   # (batch, length, d_model)
        return self.head(h.mean(dim=1))


model = TinyTransformer()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
"""),
    code("""
optimizer = optim.Adam(model.parameters(), lr=0.005)
loss_fn = nn.CrossEntropyLoss()
losses = []
for epoch in range(6):
    for x, y in train_loader:
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
model.eval()
with torch.no_grad():
    logits = model(torch.tensor(data.X_val))
print("validation accuracy:", (logits.argmax(1) == torch.tensor(data.y_val)).float().mean().item())
"""),
    code("""
attention = model.encoder.layers[0].self_attn
x = torch.tensor(data.X_val[:1])
with torch.no_grad():
    h = model.embed(x) + model.position
    _, weights = attention(h, h, h, need_weights=True)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3))
ax1.plot(losses); ax1.set_xlabel("step"); ax1.set_ylabel("training loss")
ax2.imshow(weights[0].numpy(), cmap="viridis"); ax2.set_title("attention weights (query x key)")
ax2.set_xlabel("key position"); ax2.set_ylabel("query position")
plt.show()
"""),
)

notebook(
    "02_playground.ipynb",
    md("""
# 2. Playground: watch a network untangle a spiral

This notebook teaches what training looks like from the inside: a small network learns to separate three
interleaved spiral arms, and you watch the decision boundary bend, the loss fall and the gradient of every named
parameter move. Press **Train**, then **Pause** and **Step** to go one update at a time; edit the design on the
canvas (add a layer, change a width) and train again.
"""),
    code("""
import nnstudio

studio = nnstudio.Studio(design="mlp", data="spiral", epochs=1000)
studio
"""),
)

notebook(
    "06_design_to_pytorch.ipynb",
    md("""
# 6. From design to PyTorch

This notebook teaches the path from a sketch to scale: a design built here (by code, or on the Studio's canvas)
is trained on nnstudio, exported as a plain PyTorch module, and the exported code run under real PyTorch with the
same weights gives the same outputs. From there it trains on any of PyTorch's engines, GPUs and clusters included.
"""),
    code("""
import numpy as np
import nnstudio
from nnstudio.graph import ModelGraph
from nnstudio.train import Trainer

g = ModelGraph()
g.input("x", (2,))
g.add("Linear", name="stem", out_features=32)
g.add("ReLU", name="act0")
g.add("Linear", name="fc1", out_features=32)
g.add("ReLU", name="act1")
g.add("Add", name="skip", inputs=["act1", "act0"])     # a skip connection around fc1
g.add("Linear", name="head", out_features=3)
g.output("head")
g          # shown as a diagram with every output shape and parameter count
"""),
    code("""
model = g.build()
trainer = Trainer(model, "spiral", epochs=30, lr=0.01)
history = trainer.fit(progress=False)
print(f"validation accuracy after {len(history['val_accuracy'])} epochs: {history['val_accuracy'][-1]:.1%}")
"""),
    md("The exported PyTorch code: one readable `nn.Module`, ready to paste into a file."),
    code("""
code = g.to_code(flavor="torch")
print(code)
"""),
    code("""
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch is not installed here: `pip install torch` to run the exported code.")

if torch is not None:
    namespace = {}
    exec(code, namespace)
    torch_model = namespace["Model"]()
    torch_model.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 2)).astype(np.float32)
    ours = model(nnstudio.tensor(x)).detach().numpy()
    theirs = torch_model(torch.from_numpy(x)).detach().numpy()
    print("largest difference between nnstudio and PyTorch:", float(np.abs(ours - theirs).max()))
"""),
)

if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        nb.cells = [new_markdown_cell(t) if kind == "md" else new_code_cell(t) for kind, t in cells]
        for i, cell in enumerate(nb.cells):
            cell.id = f"{Path(name).stem[:2]}-{i:02d}"  # stable ids: regenerating gives no diff
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)
