"""Every torch.optim.lr_scheduler schedule against torch 2.13: the lr (and momentum / beta1) of two parameter
groups over 30 steps, ReduceLROnPlateau on scripted metrics, SequentialLR / ChainedScheduler, state_dict layout
and round trips, step(epoch), warnings and errors."""

from __future__ import annotations

import math
import warnings

import pytest
import torch

import nnstudio

OPTIMIZERS = {
    "sgd": lambda lib, groups: lib.optim.SGD(groups, lr=0.1, momentum=0.9),
    "sgd0": lambda lib, groups: lib.optim.SGD(groups, lr=0.1),
    "adam": lambda lib, groups: lib.optim.Adam(groups, lr=0.01, betas=(0.9, 0.99)),
}


def make_optimizer(lib, kind="sgd"):
    a, b = lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)
    return OPTIMIZERS[kind](lib, [{"params": [a]}, {"params": [b], "lr": 0.3}])


def snapshot(opt) -> list:
    """Per group: lr, and momentum or beta1 where the group has one."""
    out = []
    for g in opt.param_groups:
        out.append(g["lr"])
        if "momentum" in g:
            out.append(g["momentum"])
        if "betas" in g:
            out.append(g["betas"][0])
    return out


def assert_same_course(ns_opt, ns_s, th_opt, th_s, steps=30, step_args=None):
    """Step both `steps` times (optimizer first, as torch recommends); lrs and momenta agree at every epoch."""
    for epoch in range(steps):
        assert snapshot(ns_opt) == pytest.approx(snapshot(th_opt), rel=1e-10, abs=1e-14), f"epoch {epoch}"
        assert ns_s.get_last_lr() == pytest.approx(th_s.get_last_lr(), rel=1e-10, abs=1e-14), f"epoch {epoch}"
        ns_opt.step()
        th_opt.step()
        args = () if step_args is None else (step_args[epoch],)
        ns_s.step(*args)
        th_s.step(*args)


SCHEDULES = [
    ("LambdaLR", "sgd", dict(lr_lambda=[lambda e: 0.95**e, lambda e: 1 / (1 + e)])),
    ("MultiplicativeLR", "sgd", dict(lr_lambda=lambda e: 0.9 if e % 2 else 1.0)),
    ("StepLR", "sgd", dict(step_size=4, gamma=0.5)),
    ("MultiStepLR", "sgd", dict(milestones=[3, 7, 7, 20], gamma=0.5)),
    ("ConstantLR", "sgd", dict()),
    ("ConstantLR", "sgd", dict(factor=0.5, total_iters=8)),
    ("LinearLR", "sgd", dict()),
    ("LinearLR", "sgd", dict(start_factor=0.1, end_factor=0.9, total_iters=12)),
    ("LinearLR", "sgd", dict(start_factor=1.0, end_factor=0.0, total_iters=30)),
    ("ExponentialLR", "sgd", dict(gamma=0.8)),
    ("PolynomialLR", "sgd", dict()),
    ("PolynomialLR", "sgd", dict(total_iters=20, power=2.0)),
    ("CosineAnnealingLR", "sgd", dict(T_max=8, eta_min=0.01)),
    ("CosineAnnealingWarmRestarts", "sgd", dict(T_0=5)),
    ("CosineAnnealingWarmRestarts", "sgd", dict(T_0=3, T_mult=2, eta_min=0.001)),
    ("CyclicLR", "sgd", dict(base_lr=0.01, max_lr=0.1, step_size_up=4)),
    ("CyclicLR", "sgd", dict(base_lr=[0.01, 0.02], max_lr=[0.1, 0.5], step_size_up=3, step_size_down=5,
                             mode="triangular2", base_momentum=0.7, max_momentum=0.95)),
    ("CyclicLR", "sgd", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range", gamma=0.97)),
    ("CyclicLR", "sgd0", dict(base_lr=0.01, max_lr=0.1, step_size_up=2, cycle_momentum=False,
                              scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations")),
    ("CyclicLR", "adam", dict(base_lr=0.001, max_lr=0.01, step_size_up=5)),
    ("OneCycleLR", "sgd", dict(max_lr=0.5, total_steps=30)),
    ("OneCycleLR", "sgd0", dict(max_lr=[0.5, 1.0], epochs=3, steps_per_epoch=10, pct_start=0.25,
                                anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0)),
    ("OneCycleLR", "sgd", dict(max_lr=0.5, total_steps=30, three_phase=True, base_momentum=0.8,
                               max_momentum=0.9)),
    ("OneCycleLR", "sgd", dict(max_lr=0.5, total_steps=30, three_phase=True, anneal_strategy="linear",
                               cycle_momentum=False)),
    ("OneCycleLR", "adam", dict(max_lr=0.01, total_steps=30, pct_start=0.4)),
]


@pytest.mark.parametrize("name,opt_kind,kwargs", SCHEDULES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(SCHEDULES)])
def test_schedule_matches_torch_over_30_steps(name, opt_kind, kwargs):
    ns_opt, th_opt = make_optimizer(nnstudio, opt_kind), make_optimizer(torch, opt_kind)
    ns_s = getattr(nnstudio.optim.lr_scheduler, name)(ns_opt, **kwargs)
    th_s = getattr(torch.optim.lr_scheduler, name)(th_opt, **kwargs)
    assert_same_course(ns_opt, ns_s, th_opt, th_s)
    added = [set(o.param_groups[0]) - set(o.defaults) - {"params"} for o in (ns_opt, th_opt)]
    assert added[0] == added[1], "the keys the schedule adds to the parameter groups"


COMBOS = {
    "sequential-warmup-cosine": lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=5),
            lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=20)], milestones=[5]),
    "sequential-three": lambda lib, o: lib.optim.lr_scheduler.SequentialLR(
        o, [lib.optim.lr_scheduler.ConstantLR(o, factor=0.5, total_iters=3),
            lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
            lib.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)], milestones=[4, 12]),
    "chained-constant-exponential": lambda lib, o: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ConstantLR(o, factor=0.1, total_iters=2),
         lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.9)]),
    "chained-linear-multistep-poly": lambda lib, o: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.LinearLR(o, start_factor=0.2, total_iters=6),
         lib.optim.lr_scheduler.MultiStepLR(o, milestones=[10, 15], gamma=0.3),
         lib.optim.lr_scheduler.PolynomialLR(o, total_iters=25, power=0.5)], optimizer=o),
    "chained-with-cosine": lambda lib, o: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10),
         lib.optim.lr_scheduler.MultiplicativeLR(o, lr_lambda=lambda e: 0.98)]),
}


@pytest.mark.parametrize("combo", list(COMBOS))
def test_sequential_and_chained_match_torch(combo):
    ns_opt, th_opt = make_optimizer(nnstudio), make_optimizer(torch)
    assert_same_course(ns_opt, COMBOS[combo](nnstudio, ns_opt), th_opt, COMBOS[combo](torch, th_opt))


PLATEAU = [
    (dict(), [1.0, 0.9, 0.95, 0.96, 0.97] + [0.97] * 25),
    (dict(patience=2), [1.0, 0.99995, 0.99991, 0.9999, 0.98, 1.2, 1.3, 0.5, 0.6, 0.7, 0.8] * 3),
    (dict(patience=1, threshold=0.1, threshold_mode="abs", factor=0.5),
     [5.0, 4.95, 4.0, 3.95, 3.0, 2.99, 2.98, 2.97, 1.0, 1.0] * 3),
    (dict(mode="max", patience=1, factor=0.5, cooldown=2), [0.1, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.31, 0.29] * 3),
    (dict(mode="max", threshold_mode="abs", threshold=0.05, patience=0, min_lr=[0.01, 0.05], factor=0.3),
     [0.5, 0.52, 0.6, 0.61, 0.62, 0.7, 0.7] * 4 + [0.9, 0.9]),
    (dict(patience=0, factor=0.5, min_lr=0.02, cooldown=1, eps=1e-3),
     [3.0 - 0.01 * i for i in range(10)] + [2.95] * 20),
]


@pytest.mark.parametrize("kwargs,metrics", PLATEAU, ids=[str(i) for i in range(len(PLATEAU))])
def test_reduce_lr_on_plateau_matches_torch(kwargs, metrics):
    ns_opt, th_opt = make_optimizer(nnstudio), make_optimizer(torch)
    ns_s = nnstudio.optim.lr_scheduler.ReduceLROnPlateau(ns_opt, **kwargs)
    th_s = torch.optim.lr_scheduler.ReduceLROnPlateau(th_opt, **kwargs)
    assert_same_course(ns_opt, ns_s, th_opt, th_s, steps=len(metrics), step_args=metrics)
    for key in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch"):
        assert getattr(ns_s, key) == getattr(th_s, key), key
    assert [g["lr"] for g in ns_opt.param_groups] != [0.1, 0.3], "the script should have reduced the lr"


def test_reduce_lr_on_plateau_takes_a_tensor_metric_and_round_trips():
    ns_opt = make_optimizer(nnstudio)
    s = nnstudio.optim.lr_scheduler.ReduceLROnPlateau(ns_opt, patience=1)
    for m in (1.0, 2.0, 2.0):
        s.step(nnstudio.tensor(m))
    assert s.get_last_lr() == pytest.approx([0.01, 0.03])
    th_s = torch.optim.lr_scheduler.ReduceLROnPlateau(make_optimizer(torch), patience=1)
    assert set(s.state_dict()) == set(th_s.state_dict())
    other = nnstudio.optim.lr_scheduler.ReduceLROnPlateau(make_optimizer(nnstudio), mode="max")
    other.load_state_dict(s.state_dict())
    assert other.mode == "min" and other.best == 1.0 and other.mode_worse == math.inf


ROUND_TRIP = [("StepLR", "sgd", dict(step_size=3, gamma=0.5)), ("CosineAnnealingLR", "sgd", dict(T_max=7)),
              ("LambdaLR", "sgd", dict(lr_lambda=lambda e: 0.9**e)),
              ("CyclicLR", "sgd", dict(base_lr=0.01, max_lr=0.1, step_size_up=4, mode="triangular2")),
              ("OneCycleLR", "adam", dict(max_lr=0.01, total_steps=30)),
              ("CosineAnnealingWarmRestarts", "sgd", dict(T_0=3, T_mult=2))]


@pytest.mark.parametrize("name,opt_kind,kwargs", ROUND_TRIP, ids=[r[0] for r in ROUND_TRIP])
def test_state_dict_keys_match_torch_and_round_trip_resumes(name, opt_kind, kwargs):
    cls = getattr(nnstudio.optim.lr_scheduler, name)
    th_s = getattr(torch.optim.lr_scheduler, name)(make_optimizer(torch, opt_kind), **kwargs)
    opt = make_optimizer(nnstudio, opt_kind)
    s = cls(opt, **kwargs)
    assert set(s.state_dict()) == set(th_s.state_dict())
    for _ in range(10):
        opt.step()
        s.step()
    saved_opt, saved = opt.state_dict(), s.state_dict()
    expected = []
    for _ in range(10):
        opt.step()
        s.step()
        expected.extend(snapshot(opt))
    opt2 = make_optimizer(nnstudio, opt_kind)
    opt2.load_state_dict(saved_opt)
    s2 = cls(opt2, **kwargs, last_epoch=9) if name != "CosineAnnealingWarmRestarts" else cls(opt2, **kwargs)
    s2.load_state_dict(saved)
    got = []
    for _ in range(10):
        opt2.step()
        s2.step()
        got.extend(snapshot(opt2))
    assert got == pytest.approx(expected, rel=1e-12)


def test_sequential_state_dict_nests_members_as_torch():
    ns_opt, th_opt = make_optimizer(nnstudio), make_optimizer(torch)
    ns_s, th_s = COMBOS["sequential-three"](nnstudio, ns_opt), COMBOS["sequential-three"](torch, th_opt)
    ours, theirs = ns_s.state_dict(), th_s.state_dict()
    assert set(ours) == set(theirs)
    assert [set(m) for m in ours["_schedulers"]] == [set(m) for m in theirs["_schedulers"]]


def test_step_with_epoch_uses_the_closed_form_and_warns_as_torch():
    ns_opt, th_opt = make_optimizer(nnstudio), make_optimizer(torch)
    ns_s = nnstudio.optim.lr_scheduler.StepLR(ns_opt, step_size=2, gamma=0.5)
    th_s = torch.optim.lr_scheduler.StepLR(th_opt, step_size=2, gamma=0.5)
    ns_opt.step()
    th_opt.step()
    with pytest.warns(UserWarning, match="epoch parameter"):
        ns_s.step(7)
    with pytest.warns(UserWarning):
        th_s.step(7)
    assert ns_s.get_last_lr() == pytest.approx(th_s.get_last_lr())


def test_warm_restarts_fractional_epochs_match_torch():
    ns_opt, th_opt = make_optimizer(nnstudio), make_optimizer(torch)
    ns_s = nnstudio.optim.lr_scheduler.CosineAnnealingWarmRestarts(ns_opt, T_0=2, T_mult=3, eta_min=0.01)
    th_s = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(th_opt, T_0=2, T_mult=3, eta_min=0.01)
    for i in range(40):
        epoch = i * 0.35
        ns_opt.step()
        th_opt.step()
        ns_s.step(epoch)
        th_s.step(epoch)
        assert ns_s.get_last_lr() == pytest.approx(th_s.get_last_lr(), rel=1e-10), epoch


def test_warnings_for_misordered_step_and_get_lr():
    opt = make_optimizer(nnstudio)
    s = nnstudio.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        s.step()
    with pytest.warns(UserWarning, match="get_last_lr"):
        s.get_lr()
    opt2 = make_optimizer(nnstudio)
    s2 = nnstudio.optim.lr_scheduler.ExponentialLR(opt2, gamma=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt2.step()
        s2.step()


def test_one_cycle_past_total_steps_raises_as_torch():
    for lib in (nnstudio, torch):
        opt = make_optimizer(lib)
        s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        for _ in range(3):
            opt.step()
            s.step()
        with pytest.raises(ValueError, match="Tried to step 4 times"):
            s.step()


ERRORS = [
    ("ConstantLR", "sgd", dict(factor=1.5), ValueError), ("LinearLR", "sgd", dict(start_factor=0), ValueError),
    ("LinearLR", "sgd", dict(end_factor=2.0), ValueError),
    ("LambdaLR", "sgd", dict(lr_lambda=[lambda e: 1.0]), ValueError),
    ("MultiplicativeLR", "sgd", dict(lr_lambda=0.5), TypeError),
    ("CosineAnnealingWarmRestarts", "sgd", dict(T_0=0), ValueError),
    ("CosineAnnealingWarmRestarts", "sgd", dict(T_0=2, T_mult=1.5), ValueError),
    ("CyclicLR", "sgd", dict(base_lr=0.1, max_lr=1.0, mode="zigzag"), ValueError),
    ("CyclicLR", "sgd", dict(base_lr=[0.1, 0.2, 0.3], max_lr=1.0), ValueError),
    ("CyclicLR", "rmsprop-free", dict(base_lr=0.1, max_lr=1.0), ValueError),
    ("OneCycleLR", "sgd", dict(max_lr=0.1), ValueError),
    ("OneCycleLR", "sgd", dict(max_lr=0.1, total_steps=0), ValueError),
    ("OneCycleLR", "sgd", dict(max_lr=0.1, total_steps=10, pct_start=1), ValueError),
    ("OneCycleLR", "sgd", dict(max_lr=0.1, total_steps=10, anneal_strategy="exp"), ValueError),
    ("ReduceLROnPlateau", "sgd", dict(factor=1.0), ValueError),
    ("ReduceLROnPlateau", "sgd", dict(mode="up"), ValueError),
    ("ReduceLROnPlateau", "sgd", dict(threshold_mode="pct"), ValueError),
    ("ReduceLROnPlateau", "sgd", dict(min_lr=[0.1]), ValueError),
    ("StepLR", "sgd", dict(step_size=2, last_epoch=3), KeyError),
]


@pytest.mark.parametrize("name,opt_kind,kwargs,kind", ERRORS, ids=[f"{e[0]}-{i}" for i, e in enumerate(ERRORS)])
def test_invalid_arguments_raise_as_torch(name, opt_kind, kwargs, kind):
    def build(lib):
        if opt_kind == "rmsprop-free":  # an optimizer with neither momentum nor betas
            opt = lib.optim.Adagrad([lib.zeros(2, requires_grad=True)], lr=0.1)
        else:
            opt = make_optimizer(lib, opt_kind)
        getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)

    with pytest.raises(kind) as theirs:
        build(torch)
    with pytest.raises(kind) as ours:
        build(nnstudio)
    if kind is ValueError:
        assert str(ours.value) == str(theirs.value)


def test_combinator_errors_as_torch():
    for lib in (nnstudio, torch):
        o1, o2 = make_optimizer(lib), make_optimizer(lib)
        sched = lib.optim.lr_scheduler
        with pytest.raises(ValueError, match="at least one"):
            sched.SequentialLR(o1, [], milestones=[])
        with pytest.raises(ValueError, match="same optimizer"):
            sched.ChainedScheduler([sched.ExponentialLR(o1, 0.9), sched.ExponentialLR(o2, 0.9)])
        with pytest.raises(ValueError, match="ReduceLROnPlateau"):
            sched.ChainedScheduler([sched.ReduceLROnPlateau(o1)])
        with pytest.raises(ValueError, match="number of milestone"):
            sched.SequentialLR(o1, [sched.ExponentialLR(o1, 0.9)], milestones=[3])
