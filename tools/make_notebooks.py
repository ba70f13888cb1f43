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

if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        nb.cells = [new_markdown_cell(t) if kind == "md" else new_code_cell(t) for kind, t in cells]
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)
