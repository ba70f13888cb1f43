"""torch.distributions parity: log_prob, entropy, mean, variance, cdf and their gradients against torch 2.13
(float64), shapes of draws, and draws tested statistically (seeded, tolerant)."""

from __future__ import annotations

import numpy as np
import pytest

import nnstudio
import nnstudio.distributions as D

torch = pytest.importorskip("torch")
TD = torch.distributions

R = np.random.default_rng(0)
POS = R.uniform(0.5, 2.0, (3,))
POS2 = R.uniform(0.5, 2.0, (3,))
REAL = R.normal(size=(3,))
PROB = R.uniform(0.1, 0.9, (3,))
SIMPLEX = R.dirichlet(np.ones(4), size=2)
LOGITS = R.normal(size=(2, 4))
A = R.normal(size=(2, 3, 3))
COV = A @ A.transpose(0, 2, 1) + 3 * np.eye(3)

# name -> (params (as arrays or numbers), values for log_prob)
CASES = {
    "Normal": (dict(loc=REAL, scale=POS), R.normal(size=(3,))),
    "Laplace": (dict(loc=REAL, scale=POS), R.normal(size=(3,))),
    "Cauchy": (dict(loc=REAL, scale=POS), R.normal(size=(3,))),
    "Gumbel": (dict(loc=REAL, scale=POS), R.normal(size=(3,))),
    "Uniform": (dict(low=REAL - 2.5, high=REAL + 2.5), REAL + 0.3),
    "Exponential": (dict(rate=POS), POS2),
    "Gamma": (dict(concentration=POS, rate=POS2), POS2),
    "Chi2": (dict(df=POS * 3), POS2),
    "Beta": (dict(concentration1=POS, concentration0=POS2), PROB),
    "Dirichlet": (dict(concentration=SIMPLEX * 5 + 0.5), SIMPLEX),
    "LogNormal": (dict(loc=REAL, scale=POS), POS2),
    "HalfNormal": (dict(scale=POS), POS2),
    "HalfCauchy": (dict(scale=POS), POS2),
    "StudentT": (dict(df=POS * 4, loc=REAL, scale=POS2), R.normal(size=(3,))),
    "Pareto": (dict(scale=POS, alpha=POS2), POS + 0.5),
    "Weibull": (dict(scale=POS, concentration=POS2), POS2),
    "InverseGamma": (dict(concentration=POS + 2, rate=POS2), POS2),
    "Bernoulli": (dict(probs=PROB), np.array([0.0, 1.0, 1.0])),
    "Geometric": (dict(probs=PROB), np.array([0.0, 2.0, 5.0])),
    "Poisson": (dict(rate=POS * 3), np.array([0.0, 2.0, 5.0])),
    "Binomial": (dict(total_count=10, probs=PROB), np.array([0.0, 4.0, 10.0])),
    "NegativeBinomial": (dict(total_count=POS * 3, probs=PROB), np.array([0.0, 2.0, 7.0])),
    "Categorical": (dict(probs=SIMPLEX), np.array([1, 3])),
    "CategoricalLogits": (dict(logits=LOGITS), np.array([0, 2])),
    "OneHotCategorical": (dict(probs=SIMPLEX), np.eye(4)[[1, 3]]),
    "Multinomial": (dict(total_count=5, probs=SIMPLEX), np.array([[1.0, 2.0, 0.0, 2.0], [5.0, 0.0, 0.0, 0.0]])),
    "MultivariateNormal": (dict(loc=R.normal(size=(2, 3)), covariance_matrix=COV), R.normal(size=(2, 3))),
    "MultivariateNormalTril": (dict(loc=R.normal(size=(3,)), scale_tril=np.linalg.cholesky(COV[0])),
                               R.normal(size=(4, 3))),
    "MultivariateNormalPrecision": (dict(loc=R.normal(size=(3,)), precision_matrix=COV[1]), R.normal(size=(3,))),
    "RelaxedBernoulli": (dict(temperature=np.array(0.7), probs=PROB), PROB[::-1].copy()),
    "RelaxedOneHotCategorical": (dict(temperature=np.array(0.7), probs=SIMPLEX), SIMPLEX[::-1].copy()),
    "LogisticNormal": (dict(loc=REAL, scale=POS), SIMPLEX[0]),
    "ContinuousBernoulli": (dict(probs=np.array([0.2, 0.4995, 0.8])), PROB),
    "ContinuousBernoulliLogits": (dict(logits=REAL), PROB),
    "VonMises": (dict(loc=REAL, concentration=np.array([0.5, 3.0, 6.0])), R.normal(size=(3,))),
    "FisherSnedecor": (dict(df1=POS * 3, df2=POS2 * 6), POS2),
    "Kumaraswamy": (dict(concentration1=POS + 1, concentration0=POS2 + 1), PROB),
    "LowRankMultivariateNormal": (dict(loc=R.normal(size=(2, 3)), cov_factor=R.normal(size=(2, 3, 2)),
                                       cov_diag=R.uniform(0.5, 1.5, (2, 3))), R.normal(size=(2, 3))),
}
_CLASS = {"CategoricalLogits": "Categorical", "ContinuousBernoulliLogits": "ContinuousBernoulli",
          "MultivariateNormalTril": "MultivariateNormal",
          "MultivariateNormalPrecision": "MultivariateNormal"}
_INT_PARAMS = {"total_count"}


def _make(lib, name, params, grad: bool):
    dist_mod = lib.distributions
    cls = getattr(dist_mod, _CLASS.get(name, name))
    made, leaves = {}, {}
    for k, v in params.items():
        if isinstance(v, np.ndarray):
            t = lib.tensor(v, dtype=lib.float64, requires_grad=grad and k not in _INT_PARAMS)
            made[k] = t
            if grad and k not in _INT_PARAMS:
                leaves[k] = t
        else:
            made[k] = v
    return cls(**made), leaves


def _np(t):
    return t.detach().cpu().numpy()


@pytest.mark.parametrize("name", sorted(CASES))
def test_log_prob_entropy_and_gradients_match_torch(name):
    params, value = CASES[name]
    ours, our_leaves = _make(nnstudio, name, params, grad=True)
    theirs, their_leaves = _make(torch, name, params, grad=True)
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    dtype = np.int64 if name.startswith("Categorical") else np.float64
    v_ours, v_theirs = nnstudio.tensor(value.astype(dtype)), torch.tensor(value.astype(dtype))
    lp_ours, lp_theirs = ours.log_prob(v_ours), theirs.log_prob(v_theirs)
    np.testing.assert_allclose(_np(lp_ours), _np(lp_theirs), rtol=1e-7, atol=1e-9, err_msg=f"{name}.log_prob")
    total_ours, total_theirs = lp_ours.sum(), lp_theirs.sum()
    try:
        h_theirs = theirs.entropy()
    except NotImplementedError:
        h_theirs = None
    if h_theirs is not None:
        h_ours = ours.entropy()
        np.testing.assert_allclose(_np(h_ours), _np(h_theirs), rtol=1e-7, atol=1e-9, err_msg=f"{name}.entropy")
        total_ours, total_theirs = total_ours + h_ours.sum(), total_theirs + h_theirs.sum()
    for stat in ("mean", "variance"):
        try:
            e = getattr(theirs, stat)
        except NotImplementedError:
            continue
        np.testing.assert_allclose(_np(getattr(ours, stat)), _np(e), rtol=1e-7, atol=1e-9, err_msg=f"{name}.{stat}")
    if our_leaves:
        total_ours.backward()
        total_theirs.backward()
        for k in our_leaves:
            np.testing.assert_allclose(_np(our_leaves[k].grad), _np(their_leaves[k].grad), rtol=1e-6, atol=1e-8,
                                       err_msg=f"{name}: d/d{k}")


@pytest.mark.parametrize("name", sorted(CASES))
def test_draw_shapes(name):
    params, _ = CASES[name]
    ours, _ = _make(nnstudio, name, params, grad=False)
    theirs, _ = _make(torch, name, params, grad=False)
    for shape in ((), (5,), (2, 3)):
        assert tuple(ours.sample(shape).shape) == tuple(theirs.sample(shape).shape), (name, shape)
        if theirs.has_rsample:
            assert ours.has_rsample
            assert tuple(ours.rsample(shape).shape) == tuple(theirs.rsample(shape).shape)


@pytest.mark.parametrize("name,params", [
    ("Normal", dict(loc=1.5, scale=0.5)), ("Laplace", dict(loc=-1.0, scale=2.0)), ("Exponential", dict(rate=2.0)),
    ("Gamma", dict(concentration=3.0, rate=2.0)), ("Beta", dict(concentration1=2.0, concentration0=5.0)),
    ("Uniform", dict(low=-1.0, high=3.0)), ("Poisson", dict(rate=4.0)), ("Bernoulli", dict(probs=0.3)),
    ("Geometric", dict(probs=0.4)), ("Binomial", dict(total_count=12, probs=0.25)),
    ("Gumbel", dict(loc=1.0, scale=2.0)),
    ("LogNormal", dict(loc=0.1, scale=0.4)), ("StudentT", dict(df=6.0)), ("HalfNormal", dict(scale=1.5)),
    ("Chi2", dict(df=3.0)), ("Weibull", dict(scale=1.0, concentration=2.0)),
    ("FisherSnedecor", dict(df1=5.0, df2=30.0)), ("Kumaraswamy", dict(concentration1=2.0, concentration0=3.0)),
    ("ContinuousBernoulli", dict(probs=0.3)),
])
def test_draws_have_the_right_mean_and_variance(name, params):
    nnstudio.manual_seed(0)
    d = getattr(D, name)(**params)
    x = _np(d.sample((40000,)))
    mean, var = float(_np(d.mean)), float(_np(d.variance))
    sd = var**0.5
    assert abs(x.mean() - mean) < 5 * sd / 200, (name, x.mean(), mean)
    assert abs(x.var() - var) < 0.06 * var + 1e-9, (name, x.var(), var)


def test_categorical_draws_follow_probs_and_are_seeded():
    probs = nnstudio.tensor([0.1, 0.2, 0.7])
    nnstudio.manual_seed(3)
    a = D.Categorical(probs).sample((20000,))
    nnstudio.manual_seed(3)
    b = D.Categorical(probs).sample((20000,))
    assert a.dtype == nnstudio.int64 and bool((a == b).all())
    freq = np.bincount(_np(a), minlength=3) / 20000
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=0.015)


def test_multivariate_normal_draws_have_its_covariance():
    nnstudio.manual_seed(1)
    cov = COV[0]
    d = D.MultivariateNormal(nnstudio.tensor([1.0, -1.0, 0.5], dtype=nnstudio.float64),
                             nnstudio.tensor(cov, dtype=nnstudio.float64))
    x = _np(d.sample((40000,)))
    np.testing.assert_allclose(x.mean(0), [1.0, -1.0, 0.5], atol=0.06)
    np.testing.assert_allclose(np.cov(x.T), cov, rtol=0.05, atol=0.1)


def test_rsample_is_differentiable_and_reparameterised():
    loc = nnstudio.tensor([0.5, -1.0], requires_grad=True)
    scale = nnstudio.tensor([1.0, 2.0], requires_grad=True)
    nnstudio.manual_seed(0)
    z = D.Normal(loc, scale).rsample((1000,))
    z.mean().backward()
    np.testing.assert_allclose(_np(loc.grad), [0.5, 0.5], rtol=1e-5)
    eps = (_np(z) - [0.5, -1.0]) / [1.0, 2.0]
    np.testing.assert_allclose(_np(scale.grad), eps.mean(0) / 2, rtol=1e-4, atol=1e-6)
    with pytest.raises(NotImplementedError):
        D.Categorical(nnstudio.tensor([0.5, 0.5])).rsample()


def test_gamma_rsample_gradient_matches_the_mean_derivative():
    """E[x] = alpha / rate, so d E[x] / d alpha = 1 / rate: the implicit gradient agrees on average."""
    alpha = nnstudio.tensor([2.0, 5.0], dtype=nnstudio.float64, requires_grad=True)
    nnstudio.manual_seed(0)
    x = D.Gamma(alpha, 2.0).rsample((20000,))
    x.mean(0).sum().backward()
    np.testing.assert_allclose(_np(alpha.grad), [0.5, 0.5], rtol=0.03)


KL_PAIRS = [
    ("Normal", dict(loc=REAL, scale=POS), dict(loc=REAL[::-1].copy(), scale=POS2)),
    ("Bernoulli", dict(probs=PROB), dict(probs=PROB[::-1].copy())),
    ("Categorical", dict(probs=SIMPLEX), dict(probs=SIMPLEX[::-1].copy())),
    ("OneHotCategorical", dict(probs=SIMPLEX), dict(probs=SIMPLEX[::-1].copy())),
    ("Uniform", dict(low=REAL - 1, high=REAL + 1), dict(low=REAL - 2, high=REAL + 3)),
    ("Beta", dict(concentration1=POS, concentration0=POS2), dict(concentration1=POS2, concentration0=POS)),
    ("Gamma", dict(concentration=POS, rate=POS2), dict(concentration=POS2, rate=POS)),
    ("Dirichlet", dict(concentration=SIMPLEX + 1), dict(concentration=SIMPLEX[::-1] + 0.5)),
    ("Exponential", dict(rate=POS), dict(rate=POS2)),
    ("Laplace", dict(loc=REAL, scale=POS), dict(loc=-REAL, scale=POS2)),
    ("Poisson", dict(rate=POS), dict(rate=POS2)),
    ("Geometric", dict(probs=PROB), dict(probs=PROB[::-1].copy())),
    ("LogNormal", dict(loc=REAL, scale=POS), dict(loc=-REAL, scale=POS2)),
    ("HalfNormal", dict(scale=POS), dict(scale=POS2)),
    ("MultivariateNormal", dict(loc=R.normal(size=(2, 3)), covariance_matrix=COV),
     dict(loc=R.normal(size=(2, 3)), covariance_matrix=COV[::-1].copy())),
]


@pytest.mark.parametrize("name,p,q", KL_PAIRS, ids=[k[0] for k in KL_PAIRS])
def test_kl_divergence_and_its_gradient_match_torch(name, p, q):
    p_ours, p_leaves = _make(nnstudio, name, p, grad=True)
    q_ours, _ = _make(nnstudio, name, q, grad=False)
    p_theirs, p_tleaves = _make(torch, name, p, grad=True)
    q_theirs, _ = _make(torch, name, q, grad=False)
    ours, theirs = D.kl_divergence(p_ours, q_ours), TD.kl_divergence(p_theirs, q_theirs)
    np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-7, atol=1e-9)
    ours.sum().backward()
    theirs.sum().backward()
    for k in p_leaves:
        np.testing.assert_allclose(_np(p_leaves[k].grad), _np(p_tleaves[k].grad), rtol=1e-6, atol=1e-8)


def test_independent_sums_event_dims_and_kl():
    loc, scale = R.normal(size=(4, 3)), R.uniform(0.5, 2, (4, 3))
    ours = D.Independent(D.Normal(nnstudio.tensor(loc), nnstudio.tensor(scale)), 1)
    theirs = TD.Independent(TD.Normal(torch.tensor(loc), torch.tensor(scale)), 1)
    assert tuple(ours.batch_shape) == (4,) and tuple(ours.event_shape) == (3,)
    v = R.normal(size=(4, 3))
    np.testing.assert_allclose(_np(ours.log_prob(nnstudio.tensor(v))), _np(theirs.log_prob(torch.tensor(v))),
                               rtol=1e-10)
    np.testing.assert_allclose(_np(ours.entropy()), _np(theirs.entropy()), rtol=1e-10)
    q_ours = D.Independent(D.Normal(nnstudio.tensor(loc * 0), nnstudio.tensor(scale * 0 + 1)), 1)
    q_theirs = TD.Independent(TD.Normal(torch.tensor(loc * 0), torch.tensor(scale * 0 + 1)), 1)
    np.testing.assert_allclose(_np(D.kl_divergence(ours, q_ours)), _np(TD.kl_divergence(theirs, q_theirs)),
                               rtol=1e-10)


def test_expand_mixture_and_cdf():
    ours = D.Normal(nnstudio.tensor([0.0]), nnstudio.tensor([1.0])).expand((4, 1))
    assert tuple(ours.batch_shape) == (4, 1)
    assert tuple(ours.sample((2,)).shape) == (2, 4, 1)
    v = np.linspace(-2, 2, 5)
    np.testing.assert_allclose(_np(D.Normal(0.0, 1.0).cdf(nnstudio.tensor(v))),
                               _np(TD.Normal(0.0, 1.0).cdf(torch.tensor(v))), rtol=1e-6)
    np.testing.assert_allclose(_np(D.Normal(0.0, 1.0).icdf(nnstudio.tensor([0.1, 0.5, 0.9]))),
                               _np(TD.Normal(0.0, 1.0).icdf(torch.tensor([0.1, 0.5, 0.9]))), rtol=1e-5)
    mix_ours = D.MixtureSameFamily(D.Categorical(nnstudio.tensor(SIMPLEX[0])),
                                   D.Normal(nnstudio.tensor(R.normal(size=4)), nnstudio.tensor(POS.tolist() + [1.0])))
    mix_theirs = TD.MixtureSameFamily(TD.Categorical(torch.tensor(SIMPLEX[0])),
                                      TD.Normal(mix_ours.component_distribution.loc.numpy().tolist() and
                                                torch.tensor(mix_ours.component_distribution.loc.numpy()),
                                                torch.tensor(POS.tolist() + [1.0])))
    v = nnstudio.tensor([0.3, -1.2])
    np.testing.assert_allclose(_np(mix_ours.log_prob(v)), _np(mix_theirs.log_prob(torch.tensor(v.numpy()))),
                               rtol=1e-6)
    np.testing.assert_allclose(_np(mix_ours.mean), _np(mix_theirs.mean), rtol=1e-6)
    np.testing.assert_allclose(_np(mix_ours.variance), _np(mix_theirs.variance), rtol=1e-6)
    assert tuple(mix_ours.sample((7,)).shape) == (7,)


def test_validation_errors_are_torch_kinds():
    with pytest.raises(ValueError, match="scale"):
        D.Normal(nnstudio.tensor([0.0]), nnstudio.tensor([-1.0]))
    with pytest.raises(ValueError, match="support"):
        D.Exponential(1.0).log_prob(nnstudio.tensor(-1.0))
    with pytest.raises(ValueError):
        D.Categorical(probs=nnstudio.tensor([0.5, 0.5]), logits=nnstudio.tensor([0.0, 0.0]))
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Poisson(1.0))
    D.Normal(nnstudio.tensor([0.0]), nnstudio.tensor([-1.0]), validate_args=False)  # no check asked for


def test_register_kl_dispatches_to_the_most_specific_pair():
    class MyNormal(D.Normal):
        pass

    @D.register_kl(MyNormal, D.Normal)
    def _kl(p, q):
        return nnstudio.tensor(42.0)

    assert float(D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(0.0, 1.0))) == 42.0
    assert float(D.kl_divergence(D.Normal(0.0, 1.0), MyNormal(0.0, 1.0))) == 0.0


def test_transforms_and_constraint_registry_match_torch():
    x = R.normal(size=(2, 3))
    cases = [(D.ExpTransform(), TD.ExpTransform()), (D.SigmoidTransform(), TD.SigmoidTransform()),
             (D.TanhTransform(), TD.TanhTransform()), (D.SoftplusTransform(), TD.SoftplusTransform()),
             (D.AffineTransform(1.0, -2.0), TD.AffineTransform(1.0, -2.0)),
             (D.StickBreakingTransform(), TD.StickBreakingTransform()),
             (D.ComposeTransform([D.ExpTransform(), D.AffineTransform(0.5, 3.0)]),
              TD.ComposeTransform([TD.ExpTransform(), TD.AffineTransform(0.5, 3.0)]))]
    for ours, theirs in cases:
        xo, xt = nnstudio.tensor(x), torch.tensor(x)
        yo, yt = ours(xo), theirs(xt)
        np.testing.assert_allclose(_np(yo), _np(yt), rtol=1e-10, err_msg=repr(ours))
        np.testing.assert_allclose(_np(ours.inv(yo)), _np(theirs.inv(yt)), rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(_np(ours.log_abs_det_jacobian(xo, yo)), _np(theirs.log_abs_det_jacobian(xt, yt)),
                                   rtol=1e-8, atol=1e-10)
    for c_ours, c_theirs in ((D.constraints.positive, TD.constraints.positive),
                             (D.constraints.simplex, TD.constraints.simplex),
                             (D.constraints.interval(-1.0, 2.0), TD.constraints.interval(-1.0, 2.0)),
                             (D.constraints.unit_interval, TD.constraints.unit_interval)):
        xo, xt = nnstudio.tensor(x), torch.tensor(x)
        np.testing.assert_allclose(_np(D.biject_to(c_ours)(xo)), _np(TD.biject_to(c_theirs)(xt)), rtol=1e-7)
        np.testing.assert_allclose(_np(D.transform_to(c_ours)(xo)), _np(TD.transform_to(c_theirs)(xt)), rtol=1e-7)
        assert bool(c_ours.check(D.transform_to(c_ours)(xo)).all())


def test_repr_like_torch():
    assert repr(D.Normal(0.0, 1.0)) == repr(TD.Normal(0.0, 1.0))
    assert repr(D.Normal(nnstudio.zeros(3), nnstudio.ones(3))) == repr(TD.Normal(torch.zeros(3), torch.ones(3)))


def test_generalized_pareto_matches_torch_in_float32():
    """(torch's own GeneralizedPareto.log_prob fails on float64 parameters: it compares with a float32 zero.)"""
    loc, scale, conc = (np.zeros(3, np.float32), POS.astype(np.float32), np.array([0.3, 0.0, -0.1], np.float32))
    v = (POS2 * 0.5).astype(np.float32)
    our_leaves = [nnstudio.tensor(a, requires_grad=True) for a in (loc, scale, conc)]
    their_leaves = [torch.tensor(a, requires_grad=True) for a in (loc, scale, conc)]
    ours, theirs = D.GeneralizedPareto(*our_leaves), TD.GeneralizedPareto(*their_leaves)
    for f in (lambda d, t: d.log_prob(t), lambda d, t: d.cdf(t), lambda d, t: d.icdf(t * 0 + 0.3),
              lambda d, t: d.entropy(), lambda d, t: d.mean, lambda d, t: d.variance):
        a, b = f(ours, nnstudio.tensor(v)), f(theirs, torch.tensor(v))
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-6)
    ours.log_prob(nnstudio.tensor(v)).sum().backward()
    theirs.log_prob(torch.tensor(v)).sum().backward()
    for a, b in zip(our_leaves, their_leaves):
        np.testing.assert_allclose(_np(a.grad), _np(b.grad), rtol=1e-5, atol=1e-6)
    assert tuple(ours.rsample((4,)).shape) == (4, 3)


def test_von_mises_draws_follow_the_circular_mean():
    nnstudio.manual_seed(0)
    d = D.VonMises(nnstudio.tensor([0.5, -2.0]), nnstudio.tensor([4.0, 1.0]))
    x = _np(d.sample((40000,)))
    assert x.min() >= -np.pi and x.max() <= np.pi
    np.testing.assert_allclose(np.angle(np.exp(1j * x).mean(0)), [0.5, -2.0], atol=0.03)
    np.testing.assert_allclose(1 - np.abs(np.exp(1j * x).mean(0)), _np(d.variance), atol=0.01)
