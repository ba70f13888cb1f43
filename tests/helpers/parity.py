"""PyTorch parity: run an nnstudio module and its torch twin with the same weights (copied through
`load_state_dict`) and the same inputs; compare outputs, input gradients and parameter gradients."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

import nnstudio

torch = None


def _torch():
    global torch
    if torch is None:
        import torch as _t

        torch = _t
    return torch


def to_torch_state(ns_module) -> dict:
    t = _torch()
    return {k: t.from_numpy(np.array(v.cpu().numpy())) for k, v in ns_module.state_dict().items()}


def copy_weights_from_torch(ns_module, torch_module) -> None:
    """Torch weights into nnstudio through load_state_dict (strict: names and shapes must agree)."""
    ns_module.load_state_dict({k: v.detach().cpu().numpy() for k, v in torch_module.state_dict().items()})


def _flat(out) -> list:
    if out is None:
        return []
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat(o))
        return res
    return [out]


def _np(x) -> np.ndarray:
    if isinstance(x, nnstudio.Tensor):
        return x.detach().cpu().numpy()
    return x.detach().cpu().numpy()


def assert_close(actual, expected, rtol: float, atol: float, what: str) -> None:
    a, e = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert a.shape == e.shape, f"{what}: shape {a.shape} != torch's {e.shape}"
    np.testing.assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=what)


def check_module_parity(ns_module, torch_module, inputs: Sequence[np.ndarray], *, train: bool = True,
                        rtol: float = 1e-4, atol: float = 1e-5, grad_inputs: Sequence[bool] | None = None,
                        kwargs: dict | None = None, torch_kwargs: dict | None = None, device: str = "cpu",
                        seed: int = 0, copy: bool = True, backward: bool = True) -> tuple:
    """Compare forward values, input gradients and parameter gradients against torch.

    Float inputs require grad unless `grad_inputs` says otherwise; integer inputs (indices) never do. Tensor
    values in `kwargs` are given as NumPy arrays and converted for each side. Returns (ns_out, torch_out).
    """
    t = _torch()
    if copy:
        copy_weights_from_torch(ns_module, torch_module)
    ns_module.to(device)
    ns_module.train(train)
    torch_module.train(train)
    ns_module.zero_grad()
    torch_module.zero_grad()
    grad_inputs = grad_inputs or [np.asarray(x).dtype.kind == "f" for x in inputs]
    ns_in = [nnstudio.tensor(np.asarray(x), device=device, requires_grad=bool(g) and backward)
             for x, g in zip(inputs, grad_inputs)]
    t_in = [t.tensor(np.asarray(x), requires_grad=bool(g) and backward) for x, g in zip(inputs, grad_inputs)]

    def conv(d, to_ns):
        out = {}
        for k, v in (d or {}).items():
            if isinstance(v, np.ndarray):
                out[k] = nnstudio.tensor(v, device=device) if to_ns else t.tensor(v)
            else:
                out[k] = v
        return out

    ns_out = ns_module(*ns_in, **conv(kwargs, True))
    t_out = torch_module(*t_in, **conv(torch_kwargs if torch_kwargs is not None else kwargs, False))
    ns_flat, t_flat = _flat(ns_out), _flat(t_out)
    assert len(ns_flat) == len(t_flat), f"{len(ns_flat)} outputs vs torch's {len(t_flat)}"
    for i, (a, b) in enumerate(zip(ns_flat, t_flat)):
        assert_close(_np(a), _np(b), rtol, atol, f"output {i}")
    if not backward:
        return ns_out, t_out
    rng = np.random.default_rng(seed)
    ns_total, t_total = None, None
    for a, b in zip(ns_flat, t_flat):
        if not (a.requires_grad and b.requires_grad):
            continue
        v = rng.standard_normal(tuple(b.shape)).astype(np.float32 if b.dtype == t.float32 else np.float64)
        ns_term = (a * nnstudio.tensor(v, device=device)).sum()
        t_term = (b * t.tensor(v)).sum()
        ns_total = ns_term if ns_total is None else ns_total + ns_term
        t_total = t_term if t_total is None else t_total + t_term
    if ns_total is None:
        return ns_out, t_out
    ns_total.backward()
    t_total.backward()
    for i, (a, b) in enumerate(zip(ns_in, t_in)):
        if b.grad is not None:
            assert a.grad is not None, f"input {i}: torch has a gradient, nnstudio has none"
            assert_close(_np(a.grad), _np(b.grad), rtol, atol, f"gradient of input {i}")
    t_params = dict(torch_module.named_parameters())
    ns_params = dict(ns_module.named_parameters())
    assert set(ns_params) == set(t_params), f"parameter names differ: {sorted(ns_params)} vs {sorted(t_params)}"
    for name, tp in t_params.items():
        npar = ns_params[name]
        if tp.grad is None:
            assert npar.grad is None or not np.any(_np(npar.grad)), f"{name}: nnstudio has a gradient, torch none"
            continue
        assert npar.grad is not None, f"{name}: torch has a gradient, nnstudio has none"
        assert_close(_np(npar.grad), _np(tp.grad), rtol, atol, f"gradient of {name}")
    return ns_out, t_out


def check_buffers_equal(ns_module, torch_module, rtol: float = 1e-4, atol: float = 1e-5) -> None:
    """Buffers (e.g. BatchNorm running statistics) agree by name."""
    tb = dict(torch_module.named_buffers())
    nb = dict(ns_module.named_buffers())
    assert set(tb) == set(nb), f"buffer names differ: {sorted(nb)} vs {sorted(tb)}"
    for k in tb:
        assert_close(_np(nb[k]), _np(tb[k]), rtol, atol, f"buffer {k}")


def check_training_parity(make_pair: Callable, batches: Sequence[tuple], loss_pair: tuple, opt_pair: tuple,
                          steps: int = 10, rtol: float = 1e-4, atol: float = 1e-5, device: str = "cpu") -> None:
    """Train an nnstudio model (on `device`) and its torch twin (CPU) for `steps` steps; losses and weights
    must agree each step.

    make_pair() -> (ns_model, torch_model); loss_pair = (ns_loss_fn, torch_loss_fn);
    opt_pair = (ns_factory(params), torch_factory(params)); batches: list of (x, y) NumPy arrays (cycled).
    """
    t = _torch()
    ns_model, t_model = make_pair()
    copy_weights_from_torch(ns_model, t_model)
    ns_model.to(device)
    ns_opt, t_opt = opt_pair[0](ns_model.parameters()), opt_pair[1](t_model.parameters())
    for step in range(steps):
        x, y = batches[step % len(batches)]
        ns_opt.zero_grad()
        t_opt.zero_grad()
        ns_loss = loss_pair[0](ns_model(nnstudio.tensor(x, device=device)), nnstudio.tensor(y, device=device))
        t_loss = loss_pair[1](t_model(t.tensor(x)), t.tensor(y))
        assert_close(ns_loss.item(), t_loss.item(), rtol, atol, f"loss at step {step}")
        ns_loss.backward()
        t_loss.backward()
        ns_opt.step()
        t_opt.step()
        tp = dict(t_model.named_parameters())
        for name, p in ns_model.named_parameters():
            assert_close(_np(p), _np(tp[name]), rtol, atol, f"{name} after step {step}")


def check_function_parity(fn: Callable, inputs: Sequence[np.ndarray], *, rtol: float = 1e-5, atol: float = 1e-6,
                          grad: bool = True, seed: int = 0) -> tuple:
    """Call `fn(lib, *tensors)` with lib = nnstudio and lib = torch on the same inputs; compare every output's
    values and dtype and, for float inputs when `grad`, the input gradients of a random weighted sum of the
    float outputs. Returns (nnstudio outputs, torch outputs) as flat lists."""
    t = _torch()
    needs = [grad and np.asarray(x).dtype.kind == "f" for x in inputs]
    ns_in = [nnstudio.tensor(np.array(x), requires_grad=g) for x, g in zip(inputs, needs)]
    t_in = [t.tensor(np.array(x), requires_grad=g) for x, g in zip(inputs, needs)]
    ns_out, t_out = _flat(fn(nnstudio, *ns_in)), _flat(fn(t, *t_in))
    assert len(ns_out) == len(t_out), f"{len(ns_out)} outputs vs torch's {len(t_out)}"
    for i, (a, b) in enumerate(zip(ns_out, t_out)):
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], f"output {i}: dtype {a.dtype} vs {b.dtype}"
        assert_close(_np(a), _np(b), rtol, atol, f"output {i}")
    if not any(needs):
        return ns_out, t_out
    rng = np.random.default_rng(seed)
    ns_total, t_total = None, None
    for a, b in zip(ns_out, t_out):
        if not b.requires_grad:
            continue
        assert a.requires_grad, "torch's output requires grad, nnstudio's does not"
        v = rng.standard_normal(tuple(b.shape)).astype(_np(b).dtype)
        ns_term, t_term = (a * nnstudio.tensor(v)).sum(), (b * t.tensor(v)).sum()
        ns_total = ns_term if ns_total is None else ns_total + ns_term
        t_total = t_term if t_total is None else t_total + t_term
    if t_total is not None:
        ns_total.backward()
        t_total.backward()
        for i, (a, b) in enumerate(zip(ns_in, t_in)):
            if b.grad is None:
                continue
            assert a.grad is not None, f"input {i}: torch has a gradient, nnstudio has none"
            assert_close(_np(a.grad), _np(b.grad), rtol, atol, f"gradient of input {i}")
    return ns_out, t_out
