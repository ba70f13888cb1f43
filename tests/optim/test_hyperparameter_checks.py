"""Issue 15 (7): every optimizer refuses a non-number, NaN or out-of-range hyperparameter when built, with torch's
error kind and wording (and NaN is refused even where torch 2.13 forgets to, e.g. SGD's lr)."""

from __future__ import annotations

import pytest
import torch

import nnstudio

NAN = float("nan")

CASES = {
    "SGD": [dict(lr=-1), dict(lr=0.1, momentum=-1), dict(lr=0.1, weight_decay=-1), dict(lr=0.1, nesterov=True)],
    "Adam": [dict(lr=NAN), dict(eps=NAN), dict(eps=-1), dict(betas=(NAN, 0.9)), dict(betas=(0.9, 1.0)),
             dict(weight_decay=NAN), dict(weight_decay=-1)],
    "AdamW": [dict(weight_decay=NAN), dict(eps=NAN), dict(betas=(0.9, NAN)), dict(lr=-1)],
    "RMSprop": [dict(lr=NAN), dict(alpha=NAN), dict(alpha=-1), dict(eps=NAN), dict(momentum=NAN),
                dict(momentum=-1), dict(weight_decay=NAN)],
    "Adagrad": [dict(lr=NAN), dict(lr_decay=NAN), dict(lr_decay=-1), dict(eps=NAN), dict(weight_decay=NAN),
                dict(initial_accumulator_value=NAN), dict(initial_accumulator_value=-1)],
    "Adadelta": [dict(lr=NAN), dict(rho=NAN), dict(rho=2), dict(eps=NAN), dict(weight_decay=NAN)],
    "Adamax": [dict(lr=NAN), dict(eps=NAN), dict(betas=(NAN, 0.9)), dict(weight_decay=NAN)],
    "NAdam": [dict(lr=NAN), dict(eps=NAN), dict(betas=(NAN, 0.9)), dict(weight_decay=NAN), dict(momentum_decay=NAN),
              dict(momentum_decay=-1)],
    "RAdam": [dict(lr=NAN), dict(eps=NAN), dict(betas=(NAN, 0.9)), dict(weight_decay=NAN)],
    "ASGD": [dict(lr=NAN), dict(weight_decay=NAN), dict(weight_decay=-1)],
    "Rprop": [dict(lr=NAN), dict(etas=(NAN, 1.2)), dict(etas=(0.5, 0.9))],
    "LBFGS": [dict(lr=NAN), dict(lr=-1)],
}
PARAMS = [(name, kw) for name, cases in CASES.items() for kw in cases]


def build(lib, name, kw):
    return getattr(lib.optim, name)([lib.nn.Parameter(lib.ones(2))], **kw)


@pytest.mark.parametrize("name, kw", PARAMS, ids=[f"{n}-{kw}" for n, kw in PARAMS])
def test_torch_value_errors_are_ours_word_for_word(name, kw):
    if not hasattr(nnstudio.optim, name):
        pytest.skip(f"nnstudio.optim has no {name} yet")
    with pytest.raises(ValueError) as theirs:
        build(torch, name, kw)
    with pytest.raises(ValueError) as ours:
        build(nnstudio, name, kw)
    assert str(theirs.value) in str(ours.value) or str(ours.value).startswith(str(theirs.value).split(":")[0])


@pytest.mark.parametrize("name", [n for n in CASES if n != "Rprop"])
@pytest.mark.parametrize("key", ["lr", "weight_decay", "eps"])
def test_a_string_is_a_type_error_as_in_torch(name, key):
    opt = getattr(nnstudio.optim, name)
    if key != "lr" and key not in opt.__init__.__code__.co_varnames:
        pytest.skip(f"{name} has no {key}")
    with pytest.raises(TypeError, match=f"{name}: {key} must be a number"):
        build(nnstudio, name, {key: "0.1"})


@pytest.mark.parametrize("kw", [dict(lr=NAN), dict(lr=0.1, momentum=NAN), dict(lr=0.1, weight_decay=NAN),
                                dict(lr=0.1, dampening=NAN)])
def test_sgd_refuses_nan_where_torch_accepts_it(kw):
    build(torch, "SGD", kw)  # torch 2.13 takes it and trains to NaN
    with pytest.raises(ValueError, match="nan"):
        build(nnstudio, "SGD", kw)


def test_adam_nan_weight_decay_no_longer_poisons_the_weights():
    with pytest.raises(ValueError, match="Invalid weight_decay value: nan"):
        nnstudio.optim.Adam([nnstudio.nn.Parameter(nnstudio.ones(2))], weight_decay=float("nan"))


def test_a_group_edited_to_nan_is_refused_at_the_next_step():
    p = nnstudio.nn.Parameter(nnstudio.ones(2))
    opt = nnstudio.optim.Adam([p])
    p.grad = nnstudio.ones(2)
    opt.param_groups[0]["weight_decay"] = NAN
    with pytest.raises(ValueError, match="weight_decay"):
        opt.step()
    assert p.detach().numpy().tolist() == [1.0, 1.0]


def test_betas_must_be_a_pair():
    with pytest.raises(ValueError, match="pair"):
        build(nnstudio, "Adam", dict(betas=(0.9,)))
