"""F.pad (constant, reflect, replicate, circular) and the padding layers: parity with PyTorch 2.13 (values and
gradients), float64 gradcheck of the AxisTaps / ConstantPad primitives, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import check_function_parity, check_module_parity

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F

# (input shape, pad, mode)
PAD_CASES = [
    ((2, 3, 5), (1, 2), "constant"),
    ((2, 3, 5, 4), (2, 0, -1, 3), "constant"),  # negative pads crop
    ((2, 3, 5, 4), (1, 1, 1, 1, 1, 1), "constant"),  # three dims of a 4-D input
    ((4, 5), (3, 3), "reflect"),
    ((2, 3, 5), (4, 2), "reflect"),
    ((2, 3, 5, 4), (3, 1, 2, 4), "reflect"),
    ((3, 5, 4), (-1, 2, 1, 0), "reflect"),  # unbatched, a negative pad
    ((1, 2, 3, 4, 5), (1, 2, 2, 1, 2, 2), "reflect"),
    ((2, 3, 5), (4, 6), "replicate"),  # pads larger than the dim
    ((2, 3, 5, 4), (2, 1, 0, 3), "replicate"),
    ((2, 3, 4, 5), (1, 1, 2, 2, 3, 3), "replicate"),
    ((2, 3, 4, 5), (-2, 1, 2, -1), "replicate"),
    ((2, 3, 5), (5, 2), "circular"),
    ((2, 3, 5, 4), (1, 4, 5, 0), "circular"),
    ((2, 3, 3, 4, 5), (2, 1, 0, 3, 1, 1), "circular"),
    ((3, 5, 4), (-1, 2, 0, 1), "circular"),
]


@pytest.mark.parametrize("shape,pad,mode", PAD_CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(PAD_CASES)])
def test_pad_matches_torch(shape, pad, mode):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    check_function_parity(lambda lib, t: lib.nn.functional.pad(t, pad, mode), [x])


def test_constant_value_and_integer_input():
    x = np.random.default_rng(1).standard_normal((2, 3)).astype(np.float32)
    check_function_parity(lambda lib, t: lib.nn.functional.pad(t, (1, 2, 0, 1), value=-2.5), [x])
    xi = np.arange(6).reshape(2, 3)
    check_function_parity(lambda lib, t: lib.nn.functional.pad(t, (1, 1), value=7), [xi])
    out = F.pad(nnstudio.tensor(x), (0, 0))
    assert np.array_equal(out.numpy(), x)


@pytest.mark.parametrize("shape,pad,mode", [((2, 3, 5, 4), (2, 1, -1, 3), "constant"), ((2, 3, 5), (4, 2), "reflect"),
                                            ((2, 2, 4, 3), (5, 1, 2, 2), "replicate"),
                                            ((2, 2, 3, 4, 3), (2, 1, 3, 0, 1, 3), "circular")])
def test_gradcheck_padding(device, shape, pad, mode):
    x = np.random.default_rng(2).standard_normal(shape)
    gradcheck(lambda t: F.pad(t, pad, mode), [x], device=device)


LAYER_CASES = [
    ("ZeroPad2d", ((1, 2, 0, 3),), (2, 3, 4, 5)),
    ("ConstantPad1d", (2, 3.5), (2, 3, 4)),
    ("ConstantPad3d", ((1, 0, 2, 1, 0, 1), -1.0), (1, 2, 3, 4, 3)),
    ("ReflectionPad2d", (2,), (2, 3, 4, 5)),  # CycleGAN / pix2pix
    ("ReflectionPad1d", ((3, 1),), (3, 5)),
    ("ReplicationPad2d", ((1, 3, 2, 0),), (2, 3, 4, 5)),
    ("ReplicationPad3d", (1,), (1, 2, 3, 4, 3)),
    ("CircularPad2d", ((1, 2, 2, 1),), (2, 3, 4, 5)),
    ("CircularPad1d", (2,), (2, 3, 4)),
]


@pytest.mark.parametrize("name,args,shape", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_layers_match_torch(device, name, args, shape):
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    ours, ref = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(ref)
    check_module_parity(ours, ref, [x], device=device)


def test_reflection_pad_then_conv_trains_like_torch():
    """A CycleGAN-style block: ReflectionPad2d + Conv2d, same gradients as torch."""
    x = np.random.default_rng(4).standard_normal((2, 3, 8, 8)).astype(np.float32)

    def make(lib):
        return lib.nn.Sequential(lib.nn.ReflectionPad2d(3), lib.nn.Conv2d(3, 4, 7), lib.nn.ReLU())

    check_module_parity(make(nnstudio), make(torch), [x], device="cpu", atol=1e-4)


def test_errors_name_mode_and_shapes():
    x = nnstudio.zeros(1, 2, 3, 4)
    with pytest.raises(RuntimeError, match=r"padding size should be less than the corresponding input dimension.*"
                                           r"padding \(4, 1\) at dimension 3 of input \[1, 2, 3, 4\]"):
        F.pad(x, (4, 1, 0, 0), "reflect")
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        F.pad(x, (5, 1, 0, 0), "circular")
    with pytest.raises(NotImplementedError, match=r"padding size 2 is not supported for 4D input tensor of shape "
                                                  r"\(1, 2, 3, 4\) in mode 'reflect'"):
        F.pad(x, (1, 1), "reflect")
    with pytest.raises(RuntimeError, match='padding mode "reflect" doesn\'t take in value argument'):
        F.pad(x, (1, 1, 1, 1), "reflect", value=1.0)
    with pytest.raises(RuntimeError, match="padding length must be divisible by 2"):
        F.pad(x, (1, 1, 1))
    with pytest.raises(RuntimeError, match="padding length 10 and input of dimension 4"):
        F.pad(x, (1, 1) * 5)
    with pytest.raises(NotImplementedError, match="unrecognised padding mode 'mirror'"):
        F.pad(x, (1, 1), "mirror")
    with pytest.raises(TypeError, match="must be a tuple of ints"):
        F.pad(x, (1.5, 1))
    with pytest.raises(RuntimeError, match="negative output size"):
        F.pad(x, (-2, -3))
    with pytest.raises(ValueError, match=r"ReflectionPad2d: padding must be an int or a tuple of 4 ints"):
        nn.ReflectionPad2d((1, 2))
