"""torch.stft / torch.istft (and the Tensor methods) against torch: shapes, dtypes, values and float64
gradients of both directions, their warnings and errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnstudio

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
X = rng.standard_normal((2, 40))
Z = X + 1j * rng.standard_normal((2, 40))


def _hann(lib, n):
    return lib.tensor(np.hanning(n + 1)[:-1])


CASES = {
    "rectangular": dict(n_fft=8, return_complex=True),
    "hann_hop3": dict(n_fft=8, hop_length=3, window=8, return_complex=True),
    "short_window_no_center": dict(n_fft=10, win_length=6, window=6, center=False, return_complex=True),
    "constant_normalized": dict(n_fft=8, pad_mode="constant", normalized=True, return_complex=True, window=8),
    "two_sided": dict(n_fft=8, onesided=False, return_complex=True, window=8),
    "circular_real_view": dict(n_fft=16, hop_length=4, pad_mode="circular", return_complex=False, window=16),
    "replicate": dict(n_fft=8, pad_mode="replicate", return_complex=True, window=8),
}


def _kwargs(lib, case):
    kw = dict(CASES[case])
    if "window" in kw:
        kw["window"] = _hann(lib, kw["window"])
    return kw


def _round_trip(lib, case, source):
    values = {"real": X, "complex": Z, "1d": X[0]}[source]
    kw = _kwargs(lib, case)
    x = lib.tensor(values, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = lib.stft(x, **kw) if source != "1d" else x.stft(**kw)
    spec = y if y.is_complex() else lib.view_as_complex(y)
    ((spec.abs() ** 2).sum() + (spec * spec).real.sum()).backward()
    out = [str(y.dtype).split(".")[-1], np.asarray(y.detach().resolve_conj().numpy()),
           np.asarray(x.grad.resolve_conj().numpy())]
    if y.is_complex():
        inverse = {k: kw[k] for k in ("n_fft", "hop_length", "win_length", "window", "center", "normalized",
                                      "onesided") if k in kw}
        inverse["return_complex"] = source == "complex"
        if source == "complex":
            inverse["onesided"] = False
        s = lib.tensor(out[1], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = (lib.istft(s, **inverse, length=values.shape[-1] + 3) if source == "1d"
                 else s.istft(**inverse))
        ((r.abs() ** 2).sum() if r.is_complex() else (r * r.sin()).sum()).backward()
        out += [str(r.dtype).split(".")[-1], np.asarray(r.detach().numpy()), np.asarray(s.grad.resolve_conj().numpy())]
    return out


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("source", ["real", "complex", "1d"])
def test_stft_and_istft_match_torch(case, source):
    if source == "complex" and (CASES[case].get("onesided") is False or not CASES[case]["return_complex"]):
        return
    try:  # istft refuses a window whose overlap-add is 0 somewhere: then both must refuse alike
        theirs = _round_trip(torch, case, source)
    except RuntimeError as error:
        assert "window overlap add min" in str(error)
        with pytest.raises(RuntimeError, match="window overlap add min"):
            _round_trip(nnstudio, case, source)
        return
    ours = _round_trip(nnstudio, case, source)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if isinstance(a, str):
            assert a == b
        else:
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


def test_window_warnings_follow_torch():
    # torch gives these once per process (TORCH_WARN_ONCE), so only its first call can be compared: the texts
    # here are torch's; nnstudio warns on every call
    for lib in (nnstudio,):
        with pytest.warns(UserWarning, match="A window was not provided"):
            spec = lib.stft(lib.ones(16), 8, return_complex=True)
        with pytest.warns(UserWarning, match="A window was not provided"):
            lib.istft(spec, 8)
        with pytest.warns(UserWarning, match="return_complex=False is deprecated"):
            lib.stft(lib.ones(16), 8, window=lib.ones(8), return_complex=False)


@pytest.mark.parametrize("call", [
    lambda lib: lib.stft(lib.ones(20), 8),
    lambda lib: lib.stft(lib.ones(20), 8, return_complex=True, align_to_window=True),
    lambda lib: lib.stft(lib.ones(20), 8, window=lib.ones(5), return_complex=True),
    lambda lib: lib.stft(lib.ones(20), 8, hop_length=0, return_complex=True),
    lambda lib: lib.stft(lib.ones(20, dtype=lib.complex64), 8, onesided=True, window=lib.ones(8)),
    lambda lib: lib.istft(lib.ones(5, 6), 8, window=lib.ones(8)),
    lambda lib: lib.istft(lib.ones(4, 6, dtype=lib.complex64), 8, window=lib.ones(8)),
])
def test_errors_match_torch_in_kind(call):
    with pytest.raises(Exception) as theirs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(torch)
    with pytest.raises(type(theirs.value)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(nnstudio)
