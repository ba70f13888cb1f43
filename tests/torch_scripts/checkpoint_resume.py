"""The checkpoint tutorial: train a classifier with Adam and a StepLR schedule, save epoch, model, optimizer,
scheduler and loss with torch.save, load them into fresh objects with torch.load, resume training and compare
with the run that never stopped; also save and reload a bare state_dict for inference."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
X = torch.randn(128, 6)
Y = (X[:, 0] + 0.5 * X[:, 1] > 0).long()


def make():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = optim.Adam(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    return model, opt, sched


def train(model, opt, sched, epochs):
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        for i in range(0, 128, 32):
            opt.zero_grad()
            loss = loss_fn(model(X[i:i + 32]), Y[i:i + 32])
            loss.backward()
            opt.step()
        sched.step()
    return loss.item()


model, opt, sched = make()
loss = train(model, opt, sched, 4)
path = os.path.join(tempfile.mkdtemp(), "checkpoint.tar")
torch.save({"epoch": 4, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
            "scheduler_state_dict": sched.state_dict(), "loss": loss}, path)
print("saved at epoch 4, loss", round(loss, 5))
straight = train(model, opt, sched, 4)

model2, opt2, sched2 = make()
checkpoint = torch.load(path)
model2.load_state_dict(checkpoint["model_state_dict"])
opt2.load_state_dict(checkpoint["optimizer_state_dict"])
sched2.load_state_dict(checkpoint["scheduler_state_dict"])
epoch, saved_loss = checkpoint["epoch"], checkpoint["loss"]
print("resumed from epoch", epoch, "loss", round(saved_loss, 5), "lr", sched2.get_last_lr())
model2.train()
resumed = train(model2, opt2, sched2, 4)
print("straight", round(straight, 5), "resumed", round(resumed, 5), "same", abs(straight - resumed) < 1e-6)

weights = os.path.join(tempfile.mkdtemp(), "model_weights.pth")
torch.save(model2.state_dict(), weights)
inference = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2))
inference.load_state_dict(torch.load(weights, weights_only=True))
inference.eval()
with torch.no_grad():
    accuracy = (inference(X).argmax(dim=1) == Y).float().mean().item()
print("accuracy after reload", round(accuracy, 4))
