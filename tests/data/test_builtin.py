"""Built-in datasets: shapes, dtypes, determinism by seed, split sizes, class balance, argument errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnstudio import data

TOY = ["spiral", "circles", "xor", "gauss", "moons"]


def _all(ds):
    return np.concatenate([ds.X_train, ds.X_val]), np.concatenate([ds.y_train, ds.y_val])


def test_registry_names():
    assert list(data.DATASETS) == ["spiral", "circles", "xor", "gauss", "moons", "digits", "regression1d",
                                   "sequence"]
    for name in data.DATASETS:
        assert data.describe(name)
        assert "seed" in data.options(name)


@pytest.mark.parametrize("name", TOY)
def test_toy_shapes_dtypes_and_split(name):
    ds = data.load(name, n_samples=500, val_fraction=0.2)
    assert ds.name == name and ds.task == "classification" and ds.is_2d
    assert ds.X_train.dtype == np.float32 and ds.X_val.dtype == np.float32
    assert ds.y_train.dtype == np.int64 and ds.y_val.dtype == np.int64
    assert ds.X_train.shape == (400, 2) and ds.X_val.shape == (100, 2)
    assert ds.y_train.shape == (400,) and ds.y_val.shape == (100,)
    assert ds.input_shape == (2,) and ds.num_outputs == ds.num_classes
    assert np.all(np.isfinite(ds.X_train))
    assert np.abs(_all(ds)[0]).max() < 2.0  # about [-1, 1] at the default noise


@pytest.mark.parametrize("name", TOY)
def test_toy_classes_balanced_in_both_splits(name):
    ds = data.load(name, n_samples=600, val_fraction=0.25)
    k = ds.num_classes
    np.testing.assert_array_equal(np.bincount(ds.y_train, minlength=k), np.full(k, 450 // k))
    np.testing.assert_array_equal(np.bincount(ds.y_val, minlength=k), np.full(k, 150 // k))


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_same_seed_same_data_other_seed_other_data(name):
    kw = {"n_samples": 200} if name != "digits" else {"n_samples": 300}
    a, b, c = data.load(name, seed=3, **kw), data.load(name, seed=3, **kw), data.load(name, seed=4, **kw)
    for field in ("X_train", "y_train", "X_val", "y_val"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", TOY)
def test_val_fraction_changes_the_split_not_the_samples(name):
    a, b = data.load(name, val_fraction=0.1), data.load(name, val_fraction=0.4)
    ka, kb = _all(a), _all(b)
    rows_a = {tuple(r) for r in np.c_[ka[0], ka[1]]}
    rows_b = {tuple(r) for r in np.c_[kb[0], kb[1]]}
    assert rows_a == rows_b
    assert (a.n_val, b.n_val) == (60, 240)


def test_no_sample_in_both_splits():
    ds = data.spiral(n_samples=300)
    train = {tuple(r) for r in ds.X_train}
    assert not train & {tuple(r) for r in ds.X_val}
    assert len(train) + ds.n_val == 300


def test_val_fraction_zero_gives_empty_validation():
    ds = data.circles(n_samples=100, val_fraction=0.0)
    assert ds.n_train == 100 and ds.X_val.shape == (0, 2) and ds.y_val.shape == (0,)


@pytest.mark.parametrize("arms", [2, 3, 5])
def test_spiral_arms_are_classes(arms):
    ds = data.spiral(n_samples=100 * arms, arms=arms)
    assert ds.num_classes == arms and set(np.unique(ds.y_train)) == set(range(arms))


def test_spiral_noise_zero_points_lie_on_the_arms():
    ds = data.spiral(n_samples=300, arms=3, noise=0.0, turns=1.0)
    X, y = _all(ds)
    r = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 1], X[:, 0])
    t = (r - 0.05) / 0.95
    expected = 2 * np.pi * (y / 3 + t)
    diff = np.angle(np.exp(1j * (angle - expected)))
    np.testing.assert_allclose(diff, 0.0, atol=1e-4)
    assert r.max() <= 1.0 + 1e-6


def test_circles_noise_zero_radii():
    ds = data.circles(n_samples=200, noise=0.0, factor=0.3)
    X, y = _all(ds)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.3, atol=1e-6)


def test_xor_labels_follow_the_quadrants_without_noise():
    X, y = _all(data.xor(n_samples=400, noise=0.0))
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))
    assert np.abs(X).min() >= 0.05 - 1e-6


def test_gauss_centres():
    X, y = _all(data.gauss(n_samples=2000, noise=0.0, spread=0.1))
    np.testing.assert_allclose(X[y == 0].mean(0), [-0.5, -0.5], atol=0.02)
    np.testing.assert_allclose(X[y == 1].mean(0), [0.5, 0.5], atol=0.02)
    np.testing.assert_allclose(X[y == 0].std(0), [0.1, 0.1], atol=0.01)


def test_moons_scaled_into_the_unit_box():
    X, y = _all(data.moons(n_samples=400, noise=0.0))
    assert X[:, 0].min() >= -1 - 1e-6 and X[:, 0].max() <= 1 + 1e-6
    assert np.abs(X[:, 1]).max() <= 0.5 + 1e-6
    assert X[y == 0, 1].mean() > X[y == 1, 1].mean()


def test_noise_increases_spread():
    clean = _all(data.circles(n_samples=400, noise=0.0))
    noisy = _all(data.circles(n_samples=400, noise=0.5))
    r_clean = np.hypot(*clean[0][clean[1] == 0].T)
    r_noisy = np.hypot(*noisy[0][noisy[1] == 0].T)
    assert r_noisy.std() > 0.1 > r_clean.std()


def test_regression1d():
    ds = data.load("regression1d", n_samples=300, function="cubic", noise=0.0)
    assert ds.task == "regression" and ds.num_classes is None and ds.class_names is None
    assert ds.X_train.shape == (240, 1) and ds.y_train.shape == (240, 1) and ds.y_train.dtype == np.float32
    assert ds.input_shape == (1,) and ds.num_outputs == 1 and not ds.is_2d
    x = ds.X_train[:, 0].astype(np.float64)
    np.testing.assert_allclose(ds.y_train[:, 0], 2 * x**3 - x, atol=1e-5)
    assert np.abs(ds.X_train).max() <= 1.0


def test_regression1d_noise_is_the_target_std():
    ds = data.regression1d(n_samples=4000, function="linear", noise=0.2, val_fraction=0.0)
    residual = ds.y_train[:, 0] - (0.8 * ds.X_train[:, 0] + 0.1)
    assert abs(residual.std() - 0.2) < 0.01


def test_digits_flat_and_images():
    flat = data.load("digits")
    assert flat.X_train.shape[1:] == (64,) and flat.n_train + flat.n_val == 1797
    assert flat.X_train.dtype == np.float32 and 0.0 <= flat.X_train.min() and flat.X_train.max() <= 1.0
    assert flat.X_train.max() == 1.0 and flat.num_classes == 10
    img = data.digits(flat=False)
    assert img.X_train.shape[1:] == (1, 8, 8) and img.input_shape == (1, 8, 8)
    np.testing.assert_array_equal(img.X_train.reshape(len(img.X_train), 64), flat.X_train)
    np.testing.assert_array_equal(img.y_val, flat.y_val)
    counts = np.bincount(flat.y_val, minlength=10)
    assert counts.min() >= 34 and counts.max() <= 38  # stratified: about 20% of each ~180-image class


def test_digits_subset_is_balanced():
    ds = data.digits(n_samples=500)
    assert ds.n_train + ds.n_val == 500
    counts = np.bincount(np.concatenate([ds.y_train, ds.y_val]), minlength=10)
    assert counts.min() >= 48 and counts.max() <= 52


@pytest.mark.parametrize("length", [1, 5, 8])
def test_sequence_parity(length):
    ds = data.sequence("parity", n_samples=300, length=length)
    assert ds.X_train.shape == (240, length, 1) and ds.input_shape == (length, 1)
    assert ds.class_names == ("even", "odd")
    X, y = _all(ds)
    assert set(np.unique(X)) <= {0.0, 1.0}
    np.testing.assert_array_equal(y, X.sum(axis=(1, 2)).astype(np.int64) % 2)


def test_sequence_majority_and_sum():
    X, y = _all(data.sequence("majority", n_samples=200, length=7))
    np.testing.assert_array_equal(y, (X.sum(axis=(1, 2)) > 3.5).astype(np.int64))
    ds = data.sequence("sum", n_samples=200, length=6)
    assert ds.task == "regression" and ds.y_train.shape == (160, 1)
    np.testing.assert_allclose(ds.y_train[:, 0], ds.X_train.sum(axis=(1, 2)), rtol=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda: data.spiral(noise=-0.1), "spiral: noise must be >= 0.0, got -0.1"),
    (lambda: data.spiral(arms=1), "spiral: arms must be >= 2, got 1"),
    (lambda: data.spiral(turns=0), "spiral: turns must be > 0"),
    (lambda: data.circles(factor=1.0), "circles: factor must be < 1.0"),
    (lambda: data.moons(n_samples=3), "moons: n_samples must be >= 4, got 3"),
    (lambda: data.xor(val_fraction=1.0), "xor: val_fraction must be < 1.0"),
    (lambda: data.gauss(noise=float("nan")), "gauss: noise must be finite"),
    (lambda: data.gauss(seed=-1), "gauss: seed must be >= 0"),
    (lambda: data.regression1d(function="tan"), "regression1d: function must be one of 'sin'"),
    (lambda: data.sequence("copy"), "sequence: task must be one of 'parity', 'sum', 'majority', got 'copy'"),
    (lambda: data.digits(n_samples=5000), "digits: n_samples must be <= 1797"),
    (lambda: data.load("spirals"), "unknown dataset 'spirals'; the built-in datasets are: spiral, circles"),
    (lambda: data.load("spiral", arm=3), "dataset 'spiral' has no option 'arm'; its options are: n_samples, arms"),
])
def test_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert message in str(info.value)


def test_type_errors():
    with pytest.raises(TypeError, match="spiral: n_samples must be an integer, got 10.5"):
        data.spiral(n_samples=10.5)
    with pytest.raises(TypeError, match="spiral: n_samples must be an integer, got True"):
        data.spiral(n_samples=True)
    with pytest.raises(TypeError, match="noise must be a number"):
        data.circles(noise="lots")
    with pytest.raises(TypeError, match="digits: flat must be True or False"):
        data.digits(flat="yes")


def test_load_is_case_insensitive_and_suggests():
    assert data.load(" Spiral ").name == "spiral"
    with pytest.raises(ValueError, match="Did you mean 'circles'"):
        data.load("circle")
