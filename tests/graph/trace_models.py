"""Models written the way tutorials write them (a class with __init__ and forward), for the tracing tests.

The first three are the classroom notebooks' models (01_quick_start, 04_recurrent, 05_tiny_transformer), read from
the notebooks themselves."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import nnstudio as torch
import nnstudio.nn as nn
import nnstudio.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]


def notebook_class(notebook: str, name: str) -> type:
    """The class ``name`` as a code cell of ``notebooks/<notebook>`` defines it (only the class is run)."""
    nb = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and f"class {name}(" in source:
            lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
            tree = ast.parse("\n".join(lines))  # the line numbers stay those of the cell
            body = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name]
            namespace = {"torch": torch, "nn": nn, "F": F}
            exec(compile(ast.Module(body=body, type_ignores=[]), str(ROOT / "notebooks" / notebook), "exec"),
                 namespace)
            return namespace[name]
    raise LookupError(f"no class {name} in notebooks/{notebook}")


SimpleNN = notebook_class("01_quick_start.ipynb", "SimpleNN")
SequenceClassifier = notebook_class("04_recurrent.ipynb", "SequenceClassifier")
TinyTransformer = notebook_class("05_tiny_transformer.ipynb", "TinyTransformer")


class MLP(nn.Module):
    def __init__(self, sizes=(2, 32, 32, 3), dropout=0.1):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = self.drop(F.relu(layer(x)))
        return F.log_softmax(self.layers[-1](x), dim=1)


class LeNet(nn.Module):  # the PyTorch 60-minute blitz network
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)


class ResNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.layer1 = nn.Sequential(BasicBlock(8, 8), BasicBlock(8, 8))
        self.layer2 = BasicBlock(8, 16, stride=2)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.stem(x)
        x = self.layer2(self.layer1(x))
        x = torch.flatten(self.pool(x), 1)
        return self.fc(x)


class LSTMClassifier(nn.Module):  # the tutorial form: zero initial state, the last layer's final hidden state
    def __init__(self, input_size=3, hidden=16, layers=2, classes=4):
        super().__init__()
        self.hidden, self.layers = hidden, layers
        self.lstm = nn.LSTM(input_size, hidden, num_layers=layers, batch_first=True)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        h0 = torch.zeros(self.layers, x.size(0), self.hidden)
        c0 = torch.zeros(self.layers, x.size(0), self.hidden)
        out, (h, c) = self.lstm(x, (h0, c0))
        return self.fc(self.dropout(h[-1]))


class TextClassifier(nn.Module):  # token ids -> Embedding -> GRU -> mean over time, plus the last step
    def __init__(self, vocab=50, dim=8, hidden=12):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.gru = nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(4 * hidden, 3)

    def forward(self, ids):
        seq, _ = self.gru(self.embedding(ids))
        both = torch.cat([seq.mean(dim=1), seq[:, -1, :]], dim=1)
        return self.out(both)


class TransformerEncoderModel(nn.Module):  # a small Transformer encoder with a final norm and a permute
    def __init__(self, d_model=16, nhead=2, layers=2):
        super().__init__()
        self.inp = nn.Conv1d(4, d_model, 1)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=32, dropout=0.1, batch_first=True,
                                           activation="gelu", norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d_model))
        self.head = nn.Linear(d_model, 5)

    def forward(self, x):                            # x: (N, 4 channels, L)
        h = self.inp(x).permute(0, 2, 1)             # (N, L, d_model)
        h = self.encoder(h)
        return self.head(h[:, 0])


class SelfAttentionBlock(nn.Module):  # a Transformer encoder block written by hand (post-norm)
    def __init__(self, d=16, heads=4):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Dropout(0.1), nn.Linear(2 * d, d))
        self.norm2 = nn.LayerNorm(d)

    def forward(self, x):
        a, _ = self.attn(x, x, x, need_weights=False)
        x = self.norm1(x + a)
        return self.norm2(x + self.ff(x))


class HandTransformer(nn.Module):  # token ids, a learned position embedding, two hand-written blocks, mean pooling
    def __init__(self, vocab=30, length=6, d=16, classes=3):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, length, d))
        self.blocks = nn.ModuleList([SelfAttentionBlock(d), SelfAttentionBlock(d)])
        self.head = nn.Linear(d, classes)
        nn.init.normal_(self.pos, std=0.1)

    def forward(self, ids):
        x = self.tokens(ids) * math.sqrt(self.pos.shape[-1]) + self.pos
        for block in self.blocks:
            x = block(x)
        return self.head(x.mean(dim=1))


class Seq2Seq(nn.Module):  # nn.Transformer (an encoder and a decoder stack) with two inputs
    def __init__(self, d=8):
        super().__init__()
        self.src = nn.Linear(3, d)
        self.tgt = nn.Linear(2, d)
        self.core = nn.Transformer(d, 2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=16,
                                   dropout=0.0, batch_first=True)
        self.out = nn.Linear(d, 2)

    def forward(self, src, tgt):
        return self.out(self.core(self.src(src), self.tgt(tgt)))


class SqueezeExcite(nn.Module):  # a channel gate: (C, H, W) * (C, 1, 1)
    def __init__(self, c=8, r=4):
        super().__init__()
        self.conv = nn.Conv2d(3, c, 3, padding=1)
        self.fc1 = nn.Linear(c, c // r)
        self.fc2 = nn.Linear(c // r, c)
        self.bias = nn.Parameter(torch.zeros(1, c, 1, 1))  # a per-channel learned offset
        self.head = nn.Linear(c, 2)

    def forward(self, x):
        x = F.relu(self.conv(x))
        b, c, _, _ = x.shape
        w = F.adaptive_avg_pool2d(x, 1).view(b, c)
        w = torch.sigmoid(self.fc2(F.relu(self.fc1(w)))).view(b, c, 1, 1)
        x = x * w + self.bias
        return self.head(x.mean(dim=(2, 3)))


class BiLSTMClassifier(nn.Module):  # both directions' final states, and a slice of the output
    def __init__(self, vocab=40, dim=6, hidden=5, layers=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.lstm = nn.LSTM(dim, hidden, num_layers=layers, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(2 * hidden + 3, 2)

    def forward(self, text):
        out, (hidden, cell) = self.lstm(self.embedding(text))
        hidden = torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)
        return self.fc(torch.cat([hidden, out[:, 1:4, 0]], dim=1))


#: name -> (model factory, one sample's input shape, dtype)
MODELS = {
    "SimpleNN": (SimpleNN, (28, 28), None),
    "SequenceClassifier-LSTM": (lambda: SequenceClassifier("LSTM"), (15, 1), None),
    "SequenceClassifier-RNN": (lambda: SequenceClassifier("RNN"), (15, 1), None),
    "TinyTransformer": (TinyTransformer, (15, 1), None),
    "MLP": (MLP, (2,), None),
    "LeNet": (LeNet, (1, 28, 28), None),
    "ResNet": (ResNet, (1, 8, 8), None),
    "LSTMClassifier": (LSTMClassifier, (7, 3), None),
    "TextClassifier": (TextClassifier, (9,), "int64"),
    "TransformerEncoderModel": (TransformerEncoderModel, (4, 6), None),
    "HandTransformer": (HandTransformer, (6,), None),
    "Seq2Seq": (Seq2Seq, [(5, 3), (4, 2)], None),
    "SqueezeExcite": (SqueezeExcite, (3, 6, 6), None),
    "BiLSTMClassifier": (BiLSTMClassifier, (7,), None),
}
