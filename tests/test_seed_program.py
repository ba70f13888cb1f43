"""The issue's seed program: runs verbatim with `torch` replaced by `nnstudio`, and matches torch when the
weights and data are copied."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import torch

import nnstudio

SEED_PROGRAM = """\
import torch, torch.nn as nn, torch.optim as optim
class SimpleNN(nn.Module):
    def __init__(self):
        super(SimpleNN, self).__init__()
        self.fc1 = nn.Linear(28*28, 128); self.fc2 = nn.Linear(128, 10)
    def forward(self, x):
        x = x.view(-1, 28*28); x = torch.relu(self.fc1(x)); return self.fc2(x)
model = SimpleNN(); loss_fn = nn.CrossEntropyLoss(); optimizer = optim.Adam(model.parameters(), lr=0.001)
inputs = torch.randn(32, 28, 28); labels = torch.randint(0, 10, (32,))
loss = loss_fn(model(inputs), labels); optimizer.zero_grad(); loss.backward(); optimizer.step()
print(f'Loss: {loss.item()}')
for name, param in model.named_parameters(): print(f"Parameter: {name}, Shape: {param.shape}")
"""

NNSTUDIO_PROGRAM = SEED_PROGRAM.replace("torch", "nnstudio")


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_seed_program_runs_verbatim_with_nnstudio():
    assert "import nnstudio, nnstudio.nn as nn, nnstudio.optim as optim" in NNSTUDIO_PROGRAM
    lines = _run(NNSTUDIO_PROGRAM).splitlines()
    loss = float(re.fullmatch(r"Loss: (\S+)", lines[0]).group(1))
    assert 1.5 < loss < 3.5  # about log(10) for an untrained 10-class model
    assert lines[1:] == [
        "Parameter: fc1.weight, Shape: nnstudio.Size([128, 784])",
        "Parameter: fc1.bias, Shape: nnstudio.Size([128])",
        "Parameter: fc2.weight, Shape: nnstudio.Size([10, 128])",
        "Parameter: fc2.bias, Shape: nnstudio.Size([10])",
    ]


def _seed_objects(lib):
    """The seed program's model, loss and optimizer, built by executing its text with `lib` as torch."""
    head = SEED_PROGRAM.split("inputs = ")[0]
    if lib is nnstudio:
        head = head.replace("torch", "nnstudio")
    scope: dict = {}
    exec(compile(head, "<seed program>", "exec"), scope)
    return scope["model"], scope["loss_fn"], scope["optimizer"]


def test_seed_program_matches_torch_with_copied_weights():
    torch.manual_seed(0)
    ns_model, ns_loss_fn, ns_opt = _seed_objects(nnstudio)
    th_model, th_loss_fn, th_opt = _seed_objects(torch)
    ns_model.load_state_dict(th_model.state_dict())
    rng = np.random.default_rng(0)
    for step in range(3):
        x = rng.standard_normal((32, 28, 28)).astype(np.float32)
        y = rng.integers(0, 10, 32)
        ns_loss = ns_loss_fn(ns_model(nnstudio.tensor(x)), nnstudio.tensor(y))
        th_loss = th_loss_fn(th_model(torch.tensor(x)), torch.tensor(y))
        ns_opt.zero_grad()
        th_opt.zero_grad()
        ns_loss.backward()
        th_loss.backward()
        np.testing.assert_allclose(ns_loss.item(), th_loss.item(), rtol=1e-5)
        th_params = dict(th_model.named_parameters())
        for name, p in ns_model.named_parameters():
            tp = th_params[name]
            scale = np.abs(tp.grad.numpy()).max()
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-4, atol=1e-5 * scale,
                                       err_msg=f"grad of {name} at step {step}")
        ns_opt.step()
        th_opt.step()
        # Adam moves each weight by about lr * g / (|g| + eps): where |g| is near eps (1e-8) float32 rounding
        # of g decides a visible part of the step, so weights are compared to 2% of lr in absolute terms
        for name, p in ns_model.named_parameters():
            np.testing.assert_allclose(p.detach().numpy(), th_params[name].detach().numpy(), rtol=1e-4, atol=2e-5,
                                       err_msg=f"{name} after step {step}")
    assert list(ns_model.state_dict()) == list(th_model.state_dict())
    th_model.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ns_model.state_dict().items()})
