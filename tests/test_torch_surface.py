"""torch's module surface that real scripts touch on one CPU: torch.accelerator, torch.cuda on a machine without
a GPU, the storage-less dtypes, torch.amp (autocast bookkeeping, GradScaler arithmetic), the stubs that say what
nnstudio cannot do (distributed, onnx, hub), nn.modules import paths, serialization's safe_globals,
utils.tensorboard / checkpoint / data additions, backends flags, Tensor device flags, and the fixed behaviours
(Tensor(a, b), empty(size=...), repeat(), f-strings of 0-d tensors, re-assigned attributes keeping their slot)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import nnstudio
import nnstudio.nn as nn

torch = pytest.importorskip("torch")
NO_GPU = not nnstudio.cuda.is_available()


@pytest.mark.skipif(not NO_GPU, reason="checks the CPU-only answers")
def test_accelerator_and_cuda_answer_as_cpu_only_torch():
    for ours, theirs in ((nnstudio.accelerator, torch.accelerator), (nnstudio.cuda, torch.cuda)):
        assert ours.is_available() is theirs.is_available() is False
        assert ours.device_count() == theirs.device_count() == 0
    assert nnstudio.accelerator.current_accelerator() is None and torch.accelerator.current_accelerator() is None
    for name in ("current_device_index", "synchronize", "memory_allocated", "empty_cache"):
        with pytest.raises(RuntimeError, match="none is available"):
            getattr(nnstudio.accelerator, name)()
        with pytest.raises(RuntimeError, match="none is available"):
            getattr(torch.accelerator, name)()
    with pytest.raises(RuntimeError):
        nnstudio.accelerator.set_device_index(0)
    for name in ("synchronize", "current_device", "get_device_name"):
        with pytest.raises(AssertionError):
            getattr(nnstudio.cuda, name)()
        with pytest.raises(AssertionError):
            getattr(torch.cuda, name)()
    nnstudio.cuda.manual_seed(0)
    nnstudio.cuda.manual_seed_all(0)
    nnstudio.cuda.empty_cache()
    assert nnstudio.cuda.memory_allocated() == torch.cuda.memory_allocated() == 0
    assert nnstudio.cuda.is_bf16_supported() is torch.cuda.is_bf16_supported() is False
    device = nnstudio.accelerator.current_accelerator() if nnstudio.accelerator.is_available() else "cpu"
    assert nnstudio.ones(2).to(device).device == nnstudio.device("cpu")


@pytest.mark.skipif(NO_GPU, reason="needs a GPU")
def test_accelerator_on_the_gpu():
    assert nnstudio.accelerator.is_available() and nnstudio.accelerator.device_count() == 1
    dev = nnstudio.accelerator.current_accelerator()
    assert dev.type == "cuda" and nnstudio.accelerator.current_device_index() == 0
    x = nnstudio.ones(1000, device=dev)
    nnstudio.accelerator.synchronize()
    assert nnstudio.accelerator.memory_allocated() >= 4000 and x.is_cuda
    assert nnstudio.cuda.get_device_capability()[0] >= 3 and nnstudio.cuda.get_device_name()


def test_dtypes_torch_has_exist_and_say_when_they_cannot_be_stored():
    import torch as real

    for name in ("bfloat16", "complex64", "complex128", "cfloat", "cdouble", "chalf", "float8_e4m3fn", "uint16",
                 "uint32", "uint64", "int4", "uint1", "bits8"):
        ours, theirs = getattr(nnstudio, name), getattr(real, name)
        assert ours.is_floating_point == theirs.is_floating_point, name
        assert ours.itemsize == theirs.itemsize, name
    assert nnstudio.bfloat16 == nnstudio.bfloat16 and nnstudio.bfloat16 != nnstudio.float16
    assert repr(nnstudio.bfloat16) == "nnstudio.bfloat16" and nnstudio.cfloat is nnstudio.complex64
    with pytest.raises(TypeError, match="bfloat16"):
        nnstudio.zeros(2, dtype=nnstudio.bfloat16)
    with pytest.raises(TypeError, match="bfloat16"):
        nnstudio.ones(2).to(nnstudio.bfloat16)


def test_autocast_keeps_torchs_bookkeeping_and_full_precision():
    assert nnstudio.is_autocast_enabled("cpu") is torch.is_autocast_enabled("cpu") is False
    with nnstudio.autocast("cpu", enabled=False), torch.autocast("cpu", enabled=False):
        assert nnstudio.is_autocast_enabled("cpu") is torch.is_autocast_enabled("cpu") is False
        assert (nnstudio.ones(2, 2) @ nnstudio.ones(2, 2)).dtype == nnstudio.float32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with nnstudio.autocast("cpu", dtype=nnstudio.float16):
            assert nnstudio.is_autocast_enabled("cpu")
            assert nnstudio.get_autocast_dtype("cpu") == nnstudio.float16
            y = nnstudio.ones(2, 2) @ nnstudio.ones(2, 2)
        assert y.dtype == nnstudio.float32  # nnstudio never lowers precision
        assert not nnstudio.is_autocast_enabled("cpu")
    assert nnstudio.get_autocast_dtype("cpu") == nnstudio.bfloat16
    assert str(torch.get_autocast_dtype("cpu")) == "torch.bfloat16"

    @nnstudio.amp.autocast("cpu", enabled=False)
    def f(a):
        return nnstudio.is_autocast_enabled("cpu"), a * 2

    assert f(nnstudio.ones(1))[0] is False
    if NO_GPU:
        with pytest.warns(UserWarning, match="CUDA is not available"):
            region = nnstudio.autocast("cuda")
        with region:
            assert not nnstudio.is_autocast_enabled("cuda")
        with pytest.warns(UserWarning):
            nnstudio.cuda.amp.autocast()


def _train_with_scaler(lib, scaler, steps: int = 6):
    lib.manual_seed(0)
    model = lib.nn.Linear(3, 1)
    with lib.no_grad():
        model.weight.copy_(lib.tensor([[0.5, -0.3, 0.2]]))
        model.bias.fill_(0.1)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    x = lib.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    out = []
    for step in range(steps):
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        scaled = scaler.scale(loss)
        scaled.backward()
        if step == 2 and scaler.is_enabled():  # an overflow: the step is skipped and the scale backs off
            model.weight.grad.fill_(float("inf"))
        scaler.step(opt)
        scaler.update()
        out.append((round(float(loss), 6), scaler.get_scale(), model.weight.detach().numpy().round(6).tolist()))
    return out, scaler.state_dict()


@pytest.mark.parametrize("enabled", [True, False])
def test_grad_scaler_matches_torch_on_cpu(enabled):
    kw = dict(init_scale=2.0**10, growth_interval=2, enabled=enabled)
    ours, ours_state = _train_with_scaler(nnstudio, nnstudio.amp.GradScaler("cpu", **kw))
    theirs, theirs_state = _train_with_scaler(torch, torch.amp.GradScaler("cpu", **kw))
    assert ours == theirs
    assert ours_state.keys() == theirs_state.keys()
    for k in ours_state:
        assert float(ours_state[k]) == float(theirs_state[k]), k
    if NO_GPU:
        with pytest.warns(UserWarning, match="CUDA is not available"):
            assert not nnstudio.cuda.amp.GradScaler().is_enabled()


def test_distributed_onnx_hub_say_what_nnstudio_cannot_do():
    import nnstudio.distributed as dist

    assert dist.is_available() is False and dist.is_initialized() is False
    with pytest.raises(RuntimeError, match="no distributed backend"):
        dist.init_process_group("gloo")
    with pytest.raises(ValueError, match="init_process_group"):
        dist.get_rank()
    with pytest.raises(ValueError, match="init_process_group"):
        torch.distributed.get_rank()
    with pytest.raises(NotImplementedError, match="onnx"):
        nnstudio.onnx.export(nn.Linear(2, 2), (nnstudio.ones(1, 2),), "m.onnx")
    with pytest.raises(RuntimeError, match="offline"):
        nnstudio.hub.load("pytorch/vision", "resnet18")
    with pytest.raises(RuntimeError, match="offline"):
        nnstudio.hub.load_state_dict_from_url("https://example.invalid/w.pt")
    import nnstudio.multiprocessing as mp

    assert mp.cpu_count() >= 1 and mp.get_sharing_strategy() in mp.get_all_sharing_strategies()


def test_nn_modules_import_paths():
    from nnstudio.nn.modules.batchnorm import _BatchNorm, _NormBase
    from nnstudio.nn.modules.conv import _ConvNd
    from nnstudio.nn.modules.loss import _Loss, _WeightedLoss
    from nnstudio.nn.modules.module import Module
    from nnstudio.nn.modules.utils import _pair, _single

    assert Module is nn.Module and nnstudio.nn.modules.Linear is nn.Linear
    assert issubclass(nn.MSELoss, _Loss) and issubclass(nn.CrossEntropyLoss, _WeightedLoss)
    assert issubclass(nn.Conv2d, _ConvNd) and issubclass(nn.BatchNorm2d, _BatchNorm) and _NormBase is _BatchNorm
    assert _pair(3) == (3, 3) and _single((4,)) == (4,)
    assert nnstudio.nn.modules.module.Module is nn.Module

    class MyLoss(_Loss):
        def forward(self, a, b):
            return (a - b).abs().mean() if self.reduction == "mean" else (a - b).abs().sum()

    assert float(MyLoss(reduction="sum")(nnstudio.ones(3), nnstudio.zeros(3))) == 3.0


def test_serialization_safe_globals(tmp_path):
    class Config:
        pass

    before = nnstudio.serialization.get_safe_globals()
    with nnstudio.serialization.safe_globals([Config]):
        assert Config in nnstudio.serialization.get_safe_globals()
        nnstudio.save({"w": nnstudio.ones(2)}, tmp_path / "m.pt")
        assert float(nnstudio.load(tmp_path / "m.pt", weights_only=True)["w"].sum()) == 2.0
    assert nnstudio.serialization.get_safe_globals() == before
    nnstudio.serialization.add_safe_globals([Config])
    assert Config in nnstudio.serialization.get_safe_globals()
    nnstudio.serialization.clear_safe_globals()


def test_tensorboard_writer_writes_json_lines(tmp_path):
    from nnstudio.utils.tensorboard import SummaryWriter, read_scalars

    with SummaryWriter(log_dir=tmp_path / "run") as w:
        for step in range(3):
            w.add_scalar("loss", nnstudio.tensor(1.0 / (step + 1)), step)
        w.add_scalars("acc", {"train": 0.5, "val": 0.25}, 2)
        w.add_histogram("w", nnstudio.tensor([1.0, 3.0]), 2)
        w.add_image("img", nnstudio.zeros(3, 4, 4), 0)
        w.add_graph(nn.Linear(2, 2), nnstudio.ones(1, 2))
    records = read_scalars(tmp_path / "run")
    assert [(r["tag"], r["step"]) for r in records[:3]] == [("loss", 0), ("loss", 1), ("loss", 2)]
    assert records[1]["value"] == 0.5 and {"acc/train", "acc/val", "w/mean"} <= {r["tag"] for r in records}
    lines = (tmp_path / "run" / "scalars.jsonl").read_text().splitlines()
    assert all(isinstance(json.loads(line), dict) for line in lines)
    assert "TensorBoard cannot read" in (tmp_path / "run" / "README.txt").read_text()


def test_checkpoint_gives_torchs_values_and_gradients():
    from nnstudio.utils.checkpoint import checkpoint, checkpoint_sequential

    def run(lib, ckpt, seq):
        x = lib.tensor([[1.0, -2.0, 0.5]], requires_grad=True)
        w = lib.tensor([[0.3, 0.1], [-0.2, 0.4], [0.5, -0.6]], requires_grad=True)
        y = ckpt(lambda a, b: (a @ b).tanh(), x, w, use_reentrant=False)
        y.sum().backward()
        model = lib.nn.Sequential(lib.nn.Identity(), lib.nn.Tanh())
        z = seq(model, 2, x * 1.0, use_reentrant=False)
        return y.detach().numpy(), x.grad.numpy(), w.grad.numpy(), z.detach().numpy()

    import torch.utils.checkpoint as tc

    ours = run(nnstudio, checkpoint, checkpoint_sequential)
    for a, b in zip(ours, run(torch, tc.checkpoint, tc.checkpoint_sequential)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_utils_data_additions_match_torch():
    import torch.utils.data as TD

    import nnstudio.utils.data as D

    class Stream(D.IterableDataset):
        def __iter__(self):
            return iter(range(7))

    class TStream(TD.IterableDataset):
        def __iter__(self):
            return iter(range(7))

    ours = [b.tolist() for b in D.DataLoader(Stream(), batch_size=3)]
    assert ours == [b.tolist() for b in TD.DataLoader(TStream(), batch_size=3)]
    assert [b.tolist() for b in D.DataLoader(Stream() + Stream(), batch_size=5, drop_last=True)] == \
        [b.tolist() for b in TD.DataLoader(TStream() + TStream(), batch_size=5, drop_last=True)]
    for n, reps, rank, shuffle, drop in ((10, 3, 1, False, False), (10, 3, 2, True, False), (11, 4, 0, True, True)):
        s = D.DistributedSampler(range(n), reps, rank, shuffle=shuffle, drop_last=drop, seed=5)
        t = TD.DistributedSampler(range(n), reps, rank, shuffle=shuffle, drop_last=drop, seed=5)
        s.set_epoch(2)
        t.set_epoch(2)
        assert list(s) == list(t) and len(s) == len(t)
    with pytest.raises(RuntimeError, match="distributed"):
        D.DistributedSampler(range(4))
    stack = D.StackDataset(range(3), ["a", "b", "c"])
    assert stack[1] == TD.StackDataset(range(3), ["a", "b", "c"])[1] and len(stack) == 3
    bs = D.BatchSampler(D.SequentialSampler(range(5)), 2, False)
    assert [b.tolist() for b in D.DataLoader(list(range(5)), batch_sampler=bs)] == \
        [b.tolist() for b in TD.DataLoader(list(range(5)), batch_sampler=TD.BatchSampler(
            TD.SequentialSampler(range(5)), 2, False))]
    nnstudio.manual_seed(0)
    w = D.WeightedRandomSampler([0.0, 1.0, 3.0], 4000)
    counts = np.bincount(list(w), minlength=3)
    assert counts[0] == 0 and abs(counts[2] / 4000 - 0.75) < 0.03 and len(w) == 4000
    assert D.get_worker_info() is None
    conv = D.default_convert({"x": np.ones(2), "n": 3})
    assert isinstance(conv["x"], nnstudio.Tensor) and conv["n"] == 3


def test_backends_flags_scripts_set():
    nnstudio.backends.cudnn.benchmark = True
    nnstudio.backends.cudnn.deterministic = True
    nnstudio.backends.cuda.matmul.allow_tf32 = True
    nnstudio.backends.cuda.enable_flash_sdp(False)
    assert nnstudio.backends.cuda.flash_sdp_enabled() is False
    nnstudio.backends.cuda.enable_flash_sdp(True)
    assert nnstudio.backends.mps.is_available() is False and nnstudio.backends.mkldnn.is_available() is False
    nnstudio.backends.cudnn.benchmark = False
    nnstudio.backends.cudnn.deterministic = False


def test_tensor_device_flags_like_torch():
    ours, theirs = nnstudio.ones(2), torch.ones(2)
    for flag in ("is_cpu", "is_cuda", "is_xpu", "is_mps", "is_meta", "is_ipu", "is_xla", "is_maia",
                 "is_mtia", "is_vulkan", "is_mkldnn", "is_quantized", "is_nested", "is_sparse_csr"):
        assert getattr(ours, flag) == getattr(theirs, flag), flag


def test_fixed_behaviours_match_torch():
    assert tuple(nnstudio.empty(size=(2, 3)).shape) == tuple(torch.empty(size=(2, 3)).shape)
    assert tuple(nnstudio.zeros(size=[4]).shape) == (4,) and tuple(nnstudio.randn(size=(2,)).shape) == (2,)
    for args in ((2, 3), (4,), (nnstudio.Size([2, 2]),), ()):
        targs = tuple(torch.Size(a) if isinstance(a, nnstudio.Size) else a for a in args)
        assert tuple(nnstudio.Tensor(*args).shape) == tuple(torch.Tensor(*targs).shape), args
    assert nnstudio.Tensor(4).dtype == nnstudio.float32
    assert nnstudio.Tensor([1, 2]).tolist() == torch.Tensor([1, 2]).tolist()
    with pytest.raises(TypeError):
        nnstudio.Tensor(2, 3.0)
    for lib in (nnstudio, torch):
        r = lib.ones(1).repeat(3)
        r.div_(2)
        assert r.tolist() == [0.5, 0.5, 0.5]
        s = lib.ones(2, 1).repeat(1, 1)
        s.mul_(3)
    assert f"{nnstudio.tensor(2.0)}" == f"{torch.tensor(2.0)}" == "2.0"
    assert f"{nnstudio.tensor(2.5):.3f}" == f"{torch.tensor(2.5):.3f}"


def _reassign(lib):
    class M(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = lib.nn.Linear(2, 2)
            self.b = lib.nn.Linear(2, 2)
            self.p = lib.nn.Parameter(lib.ones(1))
            self.q = lib.nn.Parameter(lib.ones(1))

    m = M()
    m.a = lib.nn.Linear(2, 3)
    m.p = lib.nn.Parameter(lib.zeros(1))
    return [n for n, _ in m.named_parameters()], list(m.state_dict()), repr(m)


def test_reassigned_submodule_and_parameter_keep_their_slot():
    assert _reassign(nnstudio) == _reassign(torch)


def test_top_level_config_and_introspection_like_torch():
    for name in ("float32", "float64", "float16"):
        a, b = nnstudio.finfo(getattr(nnstudio, name)), torch.finfo(getattr(torch, name))
        for field in ("eps", "max", "min", "tiny", "resolution", "bits"):
            assert getattr(a, field) == getattr(b, field), (name, field)
    assert nnstudio.finfo().eps == torch.finfo().eps
    for name in ("int8", "int32", "int64", "uint8"):
        a, b = nnstudio.iinfo(getattr(nnstudio, name)), torch.iinfo(getattr(torch, name))
        assert (a.min, a.max, a.bits) == (b.min, b.max, b.bits)
    for x, y in (("int32", "float32"), ("int64", "int32"), ("bool", "int8"), ("float16", "float64"), ("bool", "bool")):
        assert str(nnstudio.promote_types(getattr(nnstudio, x), getattr(nnstudio, y))).split(".")[-1] == \
            str(torch.promote_types(getattr(torch, x), getattr(torch, y))).split(".")[-1]
    # (torch: a 0-d float64 tensor with a 1-d float32 one gives float32; nnstudio's promotion gives float64)
    for a, b in ((lambda L: L.ones(2, dtype=L.int64), 1.5), (lambda L: L.ones(2, dtype=L.int32), 3),
                 (lambda L: L.ones(2, dtype=L.float16), 2.0)):
        ours = nnstudio.result_type(a(nnstudio), b(nnstudio) if callable(b) else b)
        theirs = torch.result_type(a(torch), b(torch) if callable(b) else b)
        assert str(ours).split(".")[-1] == str(theirs).split(".")[-1]
    assert tuple(nnstudio.broadcast_shapes((2, 1), (3,), 1)) == tuple(torch.broadcast_shapes((2, 1), (3,), 1))
    bo = nnstudio.broadcast_tensors(nnstudio.ones(2, 1), nnstudio.zeros(3))
    assert [tuple(t.shape) for t in bo] == [(2, 3), (2, 3)]
    assert nnstudio.typename(nnstudio.ones(1)) == torch.typename(torch.ones(1)) == "torch.FloatTensor"
    assert nnstudio.can_cast(nnstudio.float32, nnstudio.int32) is torch.can_cast(torch.float32, torch.int32)
    assert nnstudio.scalar_tensor(3).tolist() == torch.scalar_tensor(3).tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert nnstudio.range(0, 3).tolist() == torch.range(0, 3).tolist()
    state = nnstudio.get_rng_state()
    a = nnstudio.randn(4)
    nnstudio.set_rng_state(state)
    assert nnstudio.randn(4).tolist() == a.tolist()
    nnstudio.default_generator.manual_seed(3)
    nnstudio.use_deterministic_algorithms(True)
    assert nnstudio.are_deterministic_algorithms_enabled()
    nnstudio.use_deterministic_algorithms(False)
    nnstudio.set_float32_matmul_precision("high")
    assert nnstudio.get_float32_matmul_precision() == "high"
    nnstudio.set_float32_matmul_precision("highest")
    assert repr(nnstudio.channels_last) == "nnstudio.channels_last" and nnstudio.newaxis is None
    x = np.random.default_rng(0).standard_normal((1, 2, 5, 5)).astype(np.float32)
    w = np.random.default_rng(1).standard_normal((3, 2, 3, 3)).astype(np.float32)
    np.testing.assert_allclose(nnstudio.conv2d(nnstudio.tensor(x), nnstudio.tensor(w), padding=1).numpy(),
                               torch.conv2d(torch.tensor(x), torch.tensor(w), padding=1).numpy(), rtol=1e-5, atol=1e-5)
    assert float(nnstudio.dropout(nnstudio.ones(3), 0.5, False).sum()) == 3.0


def test_tensor_casts_device_and_storage_introspection_like_torch():
    ours, theirs = nnstudio.ones(2, 3), torch.ones(2, 3)
    for cast in ("byte", "char", "short"):
        assert str(getattr(ours, cast)().dtype).split(".")[-1] == str(getattr(theirs, cast)().dtype).split(".")[-1]
    assert ours.get_device() == theirs.get_device() == -1
    assert (ours.nbytes, ours.itemsize) == (theirs.nbytes, theirs.itemsize)
    assert ours.is_pinned() is theirs.is_pinned() is False and ours.pin_memory() is ours
    assert ours.is_inference() is theirs.is_inference() is False
    assert ours.dim_order() == theirs.dim_order() and ours.t().dim_order() == theirs.t().dim_order()
    assert ours.output_nr == theirs.output_nr and ours.name is theirs.name is None
    assert ours.new([1, 2]).tolist() == theirs.new([1, 2]).tolist() and tuple(ours.new(4).shape) == (4,)
    assert tuple(ours.new_empty_strided((2, 2), (2, 1)).shape) == (2, 2)
    assert ours.const_data_ptr() == ours.data_ptr()
    with pytest.raises(TypeError, match="bfloat16"):
        ours.bfloat16()
    with pytest.raises(RuntimeError, match="XPU"):
        ours.xpu()


def test_compile_wraps_a_module_as_torch_and_changes_no_number():
    import torch

    def seen(lib) -> list:
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))
        compiled = lib.compile(model)
        compiled.eval()
        compiled.note = "set through the wrapper"
        out = compiled(lib.ones(4, 2))
        try:
            compiled.missing
        except AttributeError as e:
            missing = str(e)
        return [type(compiled).__name__, list(compiled.state_dict()), [n for n, _ in compiled.named_modules()],
                repr(compiled), compiled._orig_mod is model, model.training, model.note, len(compiled),
                isinstance(compiled, lib.nn.Module), isinstance(compiled, lib.nn.Sequential), missing,
                out.detach().numpy().round(6).tolist(), lib.nn.Linear(2, 2).compile(mode="default")]

    assert seen(nnstudio) == seen(torch)


def test_from_dlpack_takes_device_and_copy_like_torch():
    a = np.arange(3.0)
    shared, copied = nnstudio.from_dlpack(a, device="cpu"), nnstudio.from_dlpack(a, copy=True)
    a[0] = 9.0
    assert shared.tolist() == [9.0, 1.0, 2.0] and copied.tolist() == [0.0, 1.0, 2.0]


def test_top_level_cells_convolution_and_interop_like_torch():
    from tests.helpers.parity import check_function_parity

    rng = np.random.default_rng(0)
    x, h, c = (rng.standard_normal(s) for s in ((2, 3), (2, 4), (2, 4)))
    for name, rows in (("lstm_cell", 16), ("gru_cell", 12), ("rnn_tanh_cell", 4), ("rnn_relu_cell", 4)):
        weights = [rng.standard_normal(s) for s in ((rows, 3), (rows, 4), (rows,), (rows,))]
        if name == "lstm_cell":
            check_function_parity(lambda lib, a, hh, cc, *w: lib.lstm_cell(a, (hh, cc), *w), [x, h, c, *weights],
                                  rtol=1e-9, atol=1e-10)
        else:
            check_function_parity(lambda lib, a, hh, *w, n=name: getattr(lib, n)(a, hh, *w), [x, h, *weights],
                                  rtol=1e-9, atol=1e-10)
    img, w = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))
    check_function_parity(lambda lib, a, k: lib.convolution(a, k, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1),
                          [img, w], rtol=1e-9, atol=1e-10)
    check_function_parity(lambda lib, a, k: lib.convolution(a, k, None, [2, 2], [0, 0], [1, 1], True, [1, 1], 1),
                          [img, rng.standard_normal((2, 3, 3, 3))], rtol=1e-9, atol=1e-10)
    grid = rng.uniform(-1, 1, (1, 3, 3, 2))
    check_function_parity(lambda lib, a, g: lib.grid_sampler(a, g, 0, 1, False), [img, grid], rtol=1e-9, atol=1e-10)
    ones = nnstudio.ones(3)
    assert nnstudio.dropout_(ones, 0.5, False) is ones and ones.tolist() == [1.0, 1.0, 1.0]
    nnstudio.manual_seed(0)
    dropped = nnstudio.feature_dropout(nnstudio.ones(4, 6, 5), 0.5, True).numpy()
    assert all(len(set(ch.ravel().tolist())) == 1 for sample in dropped for ch in sample)  # whole channels
    assert nnstudio.from_dlpack(np.arange(3.0)).tolist() == [0.0, 1.0, 2.0]
    assert nnstudio.from_dlpack(torch.arange(3.0)).tolist() == [0.0, 1.0, 2.0]
    buf = bytearray(np.arange(4, dtype=np.int32).tobytes())
    assert nnstudio.frombuffer(buf, dtype=nnstudio.int32).tolist() == torch.frombuffer(buf, dtype=torch.int32).tolist()
    assert nnstudio.to_dlpack(nnstudio.ones(2)) is not None


def _warnings_in_fresh_processes(body: str, *needles: str) -> list:
    """For nnstudio and then torch: how often each needle appears on stderr when `body` (with {lib} for the
    library's name) runs in a fresh process with every warning shown (torch warns some things once per process)."""
    import subprocess
    import sys

    counts = []
    for lib in ("nnstudio", "torch"):
        script = f"import warnings, {lib}\nwarnings.simplefilter('always')\n" + body.format(lib=lib)
        res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        counts.append(tuple(res.stderr.count(n) for n in needles))
    return counts


def test_float_of_a_tensor_that_requires_grad_warns_once_like_torch():
    body = ("x = {lib}.ones(1, requires_grad=True) * 2\n"
            "with {lib}.no_grad():\n"
            "    float(x)\n"
            "float(x.detach()); x.item(); int(x)\n"
            "float(x); float(x)\n")
    assert _warnings_in_fresh_processes(body, "Converting a tensor with requires_grad=True to a scalar") == [(1,), (1,)]


@pytest.mark.parametrize("program", [
    "F.softmax(lib.ones(2, 3)); F.log_softmax(lib.ones(3)); F.softmin(lib.ones(3)); lib.nn.Softmax()(lib.ones(2, 2))",
    "lib.tensor(lib.ones(2)); lib.tensor([lib.tensor(1.0), lib.tensor(2.0)])",
], ids=["implicit softmax dim", "copy construct"])
def test_deprecation_warnings_are_torchs(program):
    import warnings

    import torch

    seen = []
    for lib in (nnstudio, torch):
        F = lib.nn.functional  # noqa: N806 - the name scripts use
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(program, {"lib": lib, "F": F})
        seen.append([str(w.message).split(" (Triggered internally")[0] for w in caught])
    assert seen[0] == seen[1]


def test_t_of_a_tensor_that_is_not_2d_warns_once_per_kind_like_torch():
    body = "{lib}.ones(3).T; {lib}.ones(2, 3, 4).T; {lib}.ones(2, 3).T; {lib}.tensor(1.0).T; {lib}.tensor(2.0).T\n"
    counts = _warnings_in_fresh_processes(body, "The use of `x.T` on tensors of dimension other than 2",
                                          "Tensor.T is deprecated on 0-D tensors")
    assert counts == [(1, 1), (1, 1)]
