"""F.interpolate and Upsample / UpsamplingNearest2d / UpsamplingBilinear2d: parity with PyTorch 2.13 (values and
input gradients, float32 and float64), float64 gradcheck of the separable AxisTaps resampling, reprs, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_function_parity, check_module_parity

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F

SPATIAL = {1: (5,), 2: (5, 6), 3: (4, 5, 6)}
SPECS = [dict(scale_factor=2), dict(scale_factor=3), dict(scale_factor=0.5), dict(scale_factor=1.7),
         dict(scale_factor=0.33), dict(size=7), dict(size=4), dict(size=1),
         dict(scale_factor=2.5, recompute_scale_factor=True)]
MODES = [("nearest", 1), ("nearest", 2), ("nearest", 3), ("nearest-exact", 1), ("nearest-exact", 2),
         ("linear", 1), ("bilinear", 2), ("trilinear", 3), ("bicubic", 2), ("area", 2)]


@pytest.mark.parametrize("mode,nd", MODES, ids=[f"{m}-{d}d" for m, d in MODES])
def test_interpolate_matches_torch(mode, nd):
    """Every size / scale rule, with and without align_corners, in float32 and float64 (values and gradients)."""
    rng = np.random.default_rng(0)
    corners = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
    for spec in SPECS:
        for ac in corners:
            x = rng.standard_normal((2, 2) + SPATIAL[nd])

            def fn(lib, t, spec=spec, ac=ac):
                return lib.nn.functional.interpolate(t, mode=mode, align_corners=ac, **spec)

            check_function_parity(fn, [x.astype(np.float32)], rtol=1e-5, atol=1e-5)
            check_function_parity(fn, [x], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode,spec", [("nearest", dict(scale_factor=(2, 3))), ("nearest-exact", dict(size=(4, 9))),
                                       ("bilinear", dict(scale_factor=(0.6, 1.5))),
                                       ("bilinear", dict(size=(9, 4), align_corners=True)),
                                       ("bicubic", dict(scale_factor=2, align_corners=False))])
def test_gradcheck_interpolate(device, mode, spec):
    x = np.random.default_rng(1).standard_normal((2, 3, 5, 4))
    gradcheck(lambda t: F.interpolate(t, mode=mode, **spec), [x], device=device)


def test_gradcheck_trilinear_and_linear(device):
    rng = np.random.default_rng(2)
    gradcheck(lambda t: F.interpolate(t, scale_factor=(2, 1.5, 0.7), mode="trilinear"),
              [rng.standard_normal((1, 2, 3, 4, 5))], device=device)
    gradcheck(lambda t: F.interpolate(t, size=11, mode="linear", align_corners=True),
              [rng.standard_normal((2, 3, 4))], device=device)


LAYERS = [
    ("Upsample", dict(scale_factor=2), (2, 3, 4, 5)),
    ("Upsample", dict(scale_factor=2, mode="bilinear", align_corners=False), (2, 3, 4, 5)),  # U-Net decoder
    ("Upsample", dict(size=(7, 3), mode="bicubic", align_corners=True), (2, 3, 4, 5)),
    ("Upsample", dict(scale_factor=(1.5, 2.0, 2.0), mode="trilinear"), (1, 2, 3, 4, 3)),
    ("Upsample", dict(size=9, mode="linear"), (2, 3, 4)),
    ("UpsamplingNearest2d", dict(scale_factor=3), (2, 3, 4, 5)),
    ("UpsamplingBilinear2d", dict(size=(8, 11)), (2, 3, 4, 5)),
]


@pytest.mark.parametrize("name,opts,shape", LAYERS, ids=[f"{c[0]}-{i}" for i, c in enumerate(LAYERS)])
def test_layers_match_torch(device, name, opts, shape):
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    ours, ref = getattr(nn, name)(**opts), getattr(torch.nn, name)(**opts)
    assert repr(ours) == repr(ref)
    check_module_parity(ours, ref, [x], device=device, atol=1e-5)


def test_unet_up_block_matches_torch():
    """Upsample + concatenated skip + Conv2d, as in a U-Net decoder."""
    rng = np.random.default_rng(4)
    x, skip = rng.standard_normal((2, 4, 4, 4)).astype(np.float32), rng.standard_normal((2, 2, 8, 8)).astype(
        np.float32)

    def make(lib):
        class Up(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.up = lib.nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
                self.conv = lib.nn.Conv2d(6, 3, 3, padding=1)

            def forward(self, x, skip):
                return self.conv(lib.cat([self.up(x), skip], dim=1))

        return Up()

    check_module_parity(make(nnstudio), make(torch), [x, skip], atol=1e-4)


def test_attributes_like_torch():
    ours, ref = nn.Upsample(scale_factor=(2, 3), mode="bilinear"), torch.nn.Upsample(scale_factor=(2, 3),
                                                                                       mode="bilinear")
    for k in ("name", "size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"):
        assert getattr(ours, k) == getattr(ref, k), k
    assert nn.UpsamplingBilinear2d(scale_factor=2).align_corners is True


def test_errors():
    x = nnstudio.zeros(1, 2, 3, 4)
    with pytest.raises(NotImplementedError, match=r"got 4D input of shape \(1, 2, 3, 4\), but linear mode needs 3D"):
        F.interpolate(x, size=5, mode="linear")
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        F.interpolate(x, size=5, align_corners=True)
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(x, size=5, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor should be defined"):
        F.interpolate(x)
    with pytest.raises(ValueError, match=r"spatial dimensions of \[3, 4\] and output size of \(5, 6, 7\)"):
        F.interpolate(x, size=(5, 6, 7))
    with pytest.raises(ValueError, match=r"scale_factor of shape \(2, 2, 2\)"):
        F.interpolate(x, scale_factor=(2, 2, 2))
    with pytest.raises(NotImplementedError, match=r"only 3D, 4D and 5D input.*got 2D input of shape \(3, 4\)"):
        F.interpolate(nnstudio.zeros(3, 4), scale_factor=2)
    with pytest.raises(RuntimeError, match=r"sizes should be greater than 0.*output \(0, 0\)"):
        F.interpolate(x, scale_factor=0.1)
    with pytest.raises(NotImplementedError, match="unknown mode 'lanczos3'"):
        F.interpolate(x, scale_factor=2, mode="lanczos3")
    with pytest.raises(ValueError, match="anti-alias option is restricted to bilinear and bicubic"):
        F.interpolate(x, scale_factor=2, antialias=True)


AA_SPECS = [dict(scale_factor=0.5), dict(size=(5, 7)), dict(size=(16, 5)), dict(size=(3, 4), align_corners=True),
            dict(scale_factor=0.3), dict(size=(7, 3)), dict(scale_factor=2)]


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_antialiased_interpolate_matches_torch(mode, dtype):
    """antialias=True (torchvision's Resize default): Pillow's triangle / cubic (A = -0.5) filters stretched by the
    downscale factor; values and input gradients against torch, downscaling, upscaling and one axis unchanged."""
    rng = np.random.default_rng(1)
    for spec in AA_SPECS:
        shape = (2, 3, 16, 16) if "scale_factor" in spec else (1, 2, 17, 13) if spec.get("size") == (5, 7) else (
            1, 1, 8, 8) if spec.get("size") == (16, 5) else (1, 1, 10, 9) if "align_corners" in spec else (1, 1, 7, 7)
        x = rng.standard_normal(shape).astype(dtype)
        t, o = torch.tensor(x, requires_grad=True), nnstudio.tensor(x, requires_grad=True)
        theirs = torch.nn.functional.interpolate(t, mode=mode, antialias=True, **spec)
        ours = F.interpolate(o, mode=mode, antialias=True, **spec)
        g = rng.standard_normal(tuple(theirs.shape)).astype(dtype)
        theirs.backward(torch.tensor(g))
        ours.backward(nnstudio.tensor(g))
        tol = 2e-6 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol, atol=tol, err_msg=spec)
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=tol, atol=tol, err_msg=spec)


@pytest.mark.parametrize("name", ["upsample", "upsample_nearest", "upsample_bilinear"])
def test_the_deprecated_upsampling_functions_warn_and_match_torch(name):
    x = np.arange(8.0, dtype=np.float32).reshape(1, 2, 2, 2)
    results = []
    for lib in (nnstudio, torch):
        with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate`"):
            results.append(getattr(lib.nn.functional, name)(lib.tensor(x), scale_factor=2).numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)
