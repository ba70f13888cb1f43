"""Saving and loading a training checkpoint in a temporary directory, as the "save and load a general checkpoint"
recipe and many training scripts do: a dict with the epoch, model and optimizer state_dicts, the loss history
(a list of floats), the config (a dict of strings, numbers, tuples and booleans), the best metric, a plain dict of
tensors and the RNG state; torch.load with the default weights_only=True and with map_location="cpu", the
types that come back, load_state_dict into fresh objects, and training continuing identically afterwards. Also
torch.save of a whole tensor, of a list of tensors, and what weights_only=True refuses (a NumPy array)."""
import os
import pickle
import tempfile
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
config = {"name": "mlp-run", "hidden": 16, "lr": 0.05, "betas": (0.9, 0.99), "use_bias": True, "tags": ["a", "b"],
          "dropout": None}
X, y = torch.randn(40, 5), torch.randint(0, 3, (40,))


def build():
    model = nn.Sequential(nn.Linear(5, config["hidden"]), nn.ReLU(), nn.Linear(config["hidden"], 3))
    opt = torch.optim.Adam(model.parameters(), lr=config["lr"], betas=config["betas"])
    return model, opt


def train(model, opt, steps):
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 6))
    return losses


model, opt = build()
history = train(model, opt, 5)
tmpdir = tempfile.mkdtemp()
ckpt_path = os.path.join(tmpdir, "ckpt_epoch5.pt")
torch.save({"epoch": 5, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
            "history": history, "config": config, "best_acc": 0.75, "extras": {"mean": X.mean(0), "std": X.std(0)},
            "step_tensor": torch.tensor(5)}, ckpt_path)
print("files:", sorted(os.listdir(tmpdir)), os.path.getsize(ckpt_path) > 0)

ckpt = torch.load(ckpt_path)
print("keys:", list(ckpt))
print("types:", {k: type(v).__name__ for k, v in ckpt.items()})
print("config:", ckpt["config"], type(ckpt["config"]["betas"]).__name__)
print("history:", ckpt["history"] == history, ckpt["epoch"], ckpt["best_acc"], ckpt["step_tensor"])
print("extras:", type(ckpt["extras"]).__name__, sorted(ckpt["extras"]), ckpt["extras"]["mean"].shape)
state = ckpt["model_state_dict"]
print("model state:", type(state).__name__, list(state), [tuple(v.shape) for v in state.values()])
opt_state = ckpt["optimizer_state_dict"]
print("optimizer state:", sorted(opt_state), sorted(opt_state["state"][0]), opt_state["param_groups"][0]["lr"],
      opt_state["param_groups"][0]["betas"], opt_state["param_groups"][0]["params"])
print("step:", opt_state["state"][0]["step"])

model2, opt2 = build()
print(model2.load_state_dict(ckpt["model_state_dict"]))
opt2.load_state_dict(ckpt["optimizer_state_dict"])
start_epoch = ckpt["epoch"] + 1
more = train(model, opt, 3)
resumed = train(model2, opt2, 3)
print("continued:", more)
print("resumed:  ", resumed, more == resumed)

cpu_ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=True)
print("map_location cpu:", cpu_ckpt["model_state_dict"]["0.weight"].device, cpu_ckpt["epoch"])

t_path = os.path.join(tmpdir, "tensor.pt")
torch.save(torch.arange(6).view(2, 3), t_path)
print("tensor:", torch.load(t_path))
torch.save([torch.ones(2), torch.zeros(1, dtype=torch.long), 3, "x"], t_path)
print("list:", torch.load(t_path))
torch.save(OrderedDict(w=torch.ones(1), b=torch.zeros(1)), t_path)
print("ordered:", torch.load(t_path))
torch.save({"w": torch.ones(1), "b": torch.zeros(1)}, t_path)
print("plain dict:", torch.load(t_path))
torch.save({"array": np.arange(3)}, t_path)
try:
    torch.load(t_path)
except pickle.UnpicklingError:
    print("weights_only refused a numpy array: UnpicklingError")
print("weights_only=False:", torch.load(t_path, weights_only=False))
