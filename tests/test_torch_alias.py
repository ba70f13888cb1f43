"""`sys.modules["torch"] = nnstudio`: a PyTorch program's `import torch.nn` and friends get nnstudio's own modules."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent(
    """
    import sys
    import nnstudio
    sys.modules["torch"] = nnstudio

    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim
    from torch.utils.data import DataLoader, TensorDataset
    from torch.optim.lr_scheduler import StepLR

    assert nn is nnstudio.nn and F is nnstudio.nn.functional and optim is nnstudio.optim
    assert DataLoader is nnstudio.utils.data.DataLoader
    assert nnstudio.nn.__spec__.name == "nnstudio.nn"   # the alias did not take over the module's identity
    # no second copy of any nnstudio module was loaded under a torch.* name (it would bring a second Tensor class)
    copies = [k for k in sys.modules
              if k.startswith("torch.") and sys.modules[k] is not sys.modules.get("nnstudio" + k[5:])]
    assert copies == [], copies

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = StepLR(opt, step_size=1)
    X, y = torch.randn(16, 4), torch.randint(0, 2, (16,))
    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=8):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
    sched.step()
    assert isinstance(loss, torch.Tensor) and isinstance(model, torch.nn.Module)
    print("ok", round(loss.item(), 6))
    """
)


def test_aliased_torch_imports_share_nnstudios_modules():
    run = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("ok ")


def test_alias_is_inactive_while_torch_is_real_pytorch():
    """With real PyTorch loaded, `import torch.nn` must give PyTorch's module, never nnstudio's."""
    code = "import nnstudio, torch, torch.nn as nn; import sys; assert nn.__name__ == 'torch.nn'; " \
           "assert nn.Module is not nnstudio.nn.Module; print('ok')"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-3000:]
