"""MultiheadAttention and F.scaled_dot_product_attention: torch parity for every option, float64 gradcheck of
the attention primitives, parameter names and initialisation, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from helpers.gradcheck import gradcheck
from helpers.parity import assert_close, check_module_parity

import nnstudio
import nnstudio.nn as nn
import nnstudio.nn.functional as F
from nnstudio.autograd import apply
from nnstudio.ops import attention as AT

rng = np.random.default_rng(0)
E, H, L, S, N = 8, 2, 5, 6, 3


def randn(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


class SelfAttention(nn.Module):
    """Calls the attention with one tensor as query, key and value (the packed projection path)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x, **kw):
        return self.m(x, x, x, **kw)


class TorchSelfAttention(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, x, **kw):
        return self.m(x, x, x, **kw)


def pair(**kw):
    return nn.MultiheadAttention(E, H, **kw), torch.nn.MultiheadAttention(E, H, **kw)


def seq(length, batch_first, features=E, batched=True):
    if not batched:
        return randn(length, features)
    return randn(N, length, features) if batch_first else randn(length, N, features)


# ---------------------------------------------------------------------------- MultiheadAttention parity
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
def test_self_attention_parity(batch_first, need_weights, average, device):
    ns, tm = pair(batch_first=batch_first)
    check_module_parity(SelfAttention(ns), TorchSelfAttention(tm), [seq(L, batch_first)], device=device,
                        kwargs={"need_weights": need_weights, "average_attn_weights": average})


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [True, False])
def test_cross_attention_parity(batch_first, need_weights, device):
    ns, tm = pair(batch_first=batch_first)
    check_module_parity(ns, tm, [seq(L, batch_first), seq(S, batch_first), seq(S, batch_first)], device=device,
                        kwargs={"need_weights": need_weights})


@pytest.mark.parametrize("need_weights", [True, False])
def test_kdim_vdim_separate_projections(need_weights, device):
    ns = nn.MultiheadAttention(E, H, kdim=4, vdim=7)
    tm = torch.nn.MultiheadAttention(E, H, kdim=4, vdim=7)
    assert [n for n, _ in ns.named_parameters()] == [n for n, _ in tm.named_parameters()]
    check_module_parity(ns, tm, [seq(L, False), seq(S, False, 4), seq(S, False, 7)], device=device,
                        kwargs={"need_weights": need_weights})


@pytest.mark.parametrize("options", [{"bias": False}, {"add_bias_kv": True}, {"add_zero_attn": True},
                                     {"add_bias_kv": True, "add_zero_attn": True, "batch_first": True}])
@pytest.mark.parametrize("need_weights", [True, False])
def test_projection_options_parity(options, need_weights):
    ns, tm = pair(**options)
    bf = options.get("batch_first", False)
    kpm = np.zeros((N, L), bool)
    kpm[0, -2:] = True
    check_module_parity(SelfAttention(ns), TorchSelfAttention(tm), [seq(L, bf)],
                        kwargs={"need_weights": need_weights, "key_padding_mask": kpm,
                                "attn_mask": np.triu(np.ones((L, L), bool), 1)})


def _masks():
    causal_bool = np.triu(np.ones((L, S), bool), 1)
    kpm = np.zeros((N, S), bool)
    kpm[1, -3:] = True
    return {
        "bool_2d": {"attn_mask": causal_bool},
        "float_2d": {"attn_mask": randn(L, S)},
        "bool_3d": {"attn_mask": rng.random((N * H, L, S)) < 0.3},
        "float_3d": {"attn_mask": randn(N * H, L, S)},
        "kpm_bool": {"key_padding_mask": kpm},
        "kpm_float": {"key_padding_mask": np.where(kpm, -1e4, 0.0).astype(np.float32)},
        "both_bool": {"attn_mask": causal_bool, "key_padding_mask": kpm},
        "both_float": {"attn_mask": randn(N * H, L, S), "key_padding_mask": randn(N, S)},
    }


@pytest.mark.parametrize("mask", list(_masks()))
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_masks_parity(mask, need_weights, batch_first, device):
    kw = _masks()[mask]
    if mask == "bool_3d":  # keep every row attending to something (a fully masked row is tested below)
        kw["attn_mask"][..., 0] = False
    ns, tm = pair(batch_first=batch_first)
    check_module_parity(ns, tm, [seq(L, batch_first), seq(S, batch_first), seq(S, batch_first)], device=device,
                        kwargs={**kw, "need_weights": need_weights})


@pytest.mark.parametrize("need_weights", [True, False])
def test_is_causal_hint(need_weights):
    """is_causal with a causal attn_mask; without need_weights torch trusts the hint (a causal mask is used)."""
    ns, tm = pair()
    m = np.triu(np.full((L, L), -np.inf, np.float32), 1)
    check_module_parity(SelfAttention(ns), TorchSelfAttention(tm), [seq(L, False)],
                        kwargs={"attn_mask": m, "is_causal": True, "need_weights": need_weights})
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        ns(*(nnstudio.tensor(seq(L, False)),) * 3, is_causal=True)


@pytest.mark.parametrize("need_weights", [True, False])
def test_unbatched_input(need_weights):
    ns, tm = pair(batch_first=True)  # batch_first is ignored for unbatched input, as in torch
    kpm = np.zeros(S, np.float32)
    kpm[-1] = -np.inf
    check_module_parity(ns, tm, [seq(L, False, batched=False), seq(S, False, batched=False),
                                 seq(S, False, batched=False)],
                        kwargs={"need_weights": need_weights, "key_padding_mask": kpm,
                                "attn_mask": rng.standard_normal((H, L, S)).astype(np.float32)})


def test_eval_mode_disables_dropout():
    ns, tm = pair(dropout=0.5)
    check_module_parity(SelfAttention(ns), TorchSelfAttention(tm), [seq(L, False)], train=False)
    check_module_parity(SelfAttention(ns), TorchSelfAttention(tm), [seq(L, False)], train=False,
                        kwargs={"need_weights": False})


def test_fully_masked_rows_match_torch():
    """A query row that may attend to nothing: NaN with need_weights (torch's softmax), 0 without (SDPA)."""
    ns, tm = pair()
    mask = np.zeros((L, L), bool)
    mask[1] = True
    for need_weights in (True, False):
        out, _ = check_module_parity(SelfAttention(ns), TorchSelfAttention(tm), [seq(L, False)], backward=False,
                                     kwargs={"attn_mask": mask, "need_weights": need_weights})
        assert np.isnan(out[0].detach().numpy()[1]).all() == need_weights


def test_dropout_on_weights_in_training():
    nnstudio.manual_seed(0)
    m = nn.MultiheadAttention(E, H, dropout=0.5)
    x = nnstudio.tensor(seq(L, False))
    _, w = m(x, x, x, average_attn_weights=False)
    w = w.detach().numpy()
    assert (w == 0).mean() > 0.3  # dropped weights are returned, as torch does
    m.eval()
    _, w_eval = m(x, x, x, average_attn_weights=False)
    np.testing.assert_allclose(w_eval.detach().numpy().sum(-1), 1.0, rtol=1e-5)
    m.train()
    out, _ = m(x, x, x, need_weights=False)
    assert np.isfinite(out.detach().numpy()).all()


def test_float64_parity():
    ns, tm = nn.MultiheadAttention(E, H).double(), torch.nn.MultiheadAttention(E, H).double()
    check_module_parity(SelfAttention(ns), TorchSelfAttention(tm), [rng.standard_normal((L, N, E))],
                        rtol=1e-10, atol=1e-12, kwargs={"need_weights": False})


# ---------------------------------------------------------------------------- parameters and initialisation
@pytest.mark.parametrize("kw", [{}, {"bias": False}, {"kdim": 3, "vdim": 5}, {"add_bias_kv": True}])
def test_parameter_names_and_shapes(kw):
    ns, tm = nn.MultiheadAttention(16, 4, **kw), torch.nn.MultiheadAttention(16, 4, **kw)
    assert [(n, tuple(p.shape)) for n, p in ns.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in tm.named_parameters()]
    assert list(ns.state_dict()) == list(tm.state_dict())


def test_initialisation():
    nnstudio.manual_seed(0)
    m = nn.MultiheadAttention(64, 4)
    w = m.in_proj_weight.detach().numpy()
    bound = math.sqrt(6 / (64 + 3 * 64))  # xavier_uniform_ on the (3E, E) matrix
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    assert not m.in_proj_bias.detach().numpy().any() and not m.out_proj.bias.detach().numpy().any()
    linear_bound = 1 / math.sqrt(64)  # out_proj keeps Linear's weight init
    assert 0.95 * linear_bound < np.abs(m.out_proj.weight.detach().numpy()).max() <= linear_bound
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert "NonDynamicallyQuantizableLinear(in_features=64, out_features=64, bias=True)" in repr(m)


# ---------------------------------------------------------------------------- scaled_dot_product_attention
def _sdpa_parity(q, k, v, device="cpu", **kw):
    tkw = {key: (torch.tensor(val) if isinstance(val, np.ndarray) else val) for key, val in kw.items()}
    nkw = {key: (nnstudio.tensor(val, device=device) if isinstance(val, np.ndarray) else val)
           for key, val in kw.items()}
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    nq, nk, nv = (nnstudio.tensor(a, requires_grad=True, device=device) for a in (q, k, v))
    t_out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **tkw)
    n_out = F.scaled_dot_product_attention(nq, nk, nv, **nkw)
    assert_close(n_out.detach().cpu().numpy(), t_out.detach().numpy(), 1e-4, 1e-5, "output")
    g = rng.standard_normal(tuple(t_out.shape)).astype(q.dtype)
    (t_out * torch.tensor(g)).sum().backward()
    (n_out * nnstudio.tensor(g, device=device)).sum().backward()
    for a, b, name in ((nq, tq, "query"), (nk, tk, "key"), (nv, tv, "value")):
        assert_close(a.grad.cpu().numpy(), b.grad.numpy(), 1e-4, 1e-5, f"gradient of {name}")


@pytest.mark.parametrize("case", ["plain", "bool_mask", "float_mask", "causal", "causal_rect", "scale",
                                  "broadcast", "3d", "gqa", "masked_row"])
def test_sdpa_parity(case, device):
    q, k, v = randn(2, 4, L, 8), randn(2, 4, S, 8), randn(2, 4, S, 3)
    kw = {}
    if case == "bool_mask":
        kw["attn_mask"] = rng.random((L, S)) > 0.3
        kw["attn_mask"][:, 0] = True
    elif case == "float_mask":
        kw["attn_mask"] = randn(2, 4, L, S)
    elif case == "causal":
        k, v = randn(2, 4, L, 8), randn(2, 4, L, 3)
        kw["is_causal"] = True
    elif case == "causal_rect":
        kw["is_causal"] = True
    elif case == "scale":
        kw["scale"] = 0.3
    elif case == "broadcast":
        k, v = randn(1, 4, S, 8), randn(1, 4, S, 3)
        kw["attn_mask"] = randn(2, 1, 1, S)
    elif case == "3d":
        q, k, v = randn(3, L, 8), randn(3, S, 8), randn(3, S, 2)
    elif case == "gqa":
        k, v = randn(2, 2, S, 8), randn(2, 2, S, 3)
        kw["enable_gqa"] = True
    elif case == "masked_row":  # a row that may attend to nothing gives zeros, as torch's SDPA
        kw["attn_mask"] = np.ones((L, S), bool)
        kw["attn_mask"][2] = False
    _sdpa_parity(q, k, v, device, **kw)


def test_sdpa_dropout_is_inverted_and_seeded():
    q, k, v = (nnstudio.tensor(randn(2, L, 4)) for _ in range(3))
    nnstudio.manual_seed(1)
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.3)
    nnstudio.manual_seed(1)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.3)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.allclose(a.numpy(), F.scaled_dot_product_attention(q, k, v).numpy())
    assert not F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy().any()


def test_sdpa_errors():
    q, k = nnstudio.tensor(randn(2, L, 4)), nnstudio.tensor(randn(2, S, 4))
    with pytest.raises(RuntimeError, match="is_causal"):
        F.scaled_dot_product_attention(q, k, k, attn_mask=nnstudio.tensor(np.ones((L, S), bool)), is_causal=True)
    with pytest.raises(RuntimeError, match="same last dimension"):
        F.scaled_dot_product_attention(q, nnstudio.tensor(randn(2, S, 3)), k)
    with pytest.raises(RuntimeError, match="same sequence length"):
        F.scaled_dot_product_attention(q, k, nnstudio.tensor(randn(2, L + 3, 4)))
    with pytest.raises(RuntimeError, match="does not broadcast"):
        F.scaled_dot_product_attention(q, k, k, attn_mask=nnstudio.tensor(randn(L, S + 1)))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        F.scaled_dot_product_attention(nnstudio.tensor(randn(4)), k, k)


# ---------------------------------------------------------------------------- float64 gradcheck of primitives
def test_gradcheck_sdpa_primitive_with_mask(device):
    mask = np.where(rng.random((4, 5)) < 0.3, -np.inf, rng.standard_normal((4, 5)))
    mask[:, 0] = 0.0
    mask[2] = -np.inf  # a fully masked row: output and gradients 0

    def fn(q, k, v):
        m = nnstudio.tensor(mask, dtype=nnstudio.float64, device=device)._data
        return apply(AT.ScaledDotProductAttention, q, k, v, masks=(m,), scale=0.7)

    gradcheck(fn, [rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 5, 3)),
                   rng.standard_normal((2, 5, 2))], device=device)


def test_gradcheck_sdpa_primitive_broadcast_and_dropout():
    def fn(q, k, v):
        nnstudio.manual_seed(3)  # the same dropout mask on every evaluation
        return apply(AT.ScaledDotProductAttention, q, k, v, dropout_p=0.4)

    gradcheck(fn, [rng.standard_normal((2, 3, 4, 3)), rng.standard_normal((1, 3, 5, 3)),
                   rng.standard_normal((2, 1, 5, 2))])


def test_gradcheck_attention_weights_primitive():
    mask = np.where(rng.random((2, 1, 4, 5)) < 0.3, -np.inf, 0.0)
    mask[..., 0] = 0.0
    gradcheck(lambda q, k: apply(AT.AttentionWeights, q, k, masks=(mask,)),
              [rng.standard_normal((2, 3, 4, 3)), rng.standard_normal((2, 3, 5, 3))])


@pytest.mark.parametrize("batch_first", [False, True])
def test_gradcheck_multihead_primitive_packed(batch_first, device):
    length, batch, heads, e = 4, 2, 2, 6
    mask = np.where(rng.random((batch, 1, 1, length)) < 0.3, -np.inf, 0.0)
    mask[..., 0] = 0

    def fn(x):
        m = nnstudio.tensor(mask, dtype=nnstudio.float64, device=device)._data
        return apply(AT.MultiHeadAttention, x, shape=(batch, length) if batch_first else (length, batch),
                     num_heads=heads, batch_first=batch_first, masks=(m,))

    gradcheck(fn, [rng.standard_normal((length * batch, 3 * e))], device=device)


@pytest.mark.parametrize("batch_first", [False, True])
def test_gradcheck_multihead_primitive_separate(batch_first):
    length, source, batch, heads = 3, 5, 2, 2

    def fn(q, k, v):
        return apply(AT.MultiHeadAttention, q, k, v, num_heads=heads, batch_first=batch_first,
                     shape=(batch, length, source) if batch_first else (length, batch, source))

    gradcheck(fn, [rng.standard_normal((length * batch, 4)), rng.standard_normal((source * batch, 4)),
                   rng.standard_normal((source * batch, 6))])


def test_gradcheck_module_float64():
    m = nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True).double()

    def fn(q, k, v):
        return m(q, k, v, attn_mask=nnstudio.tensor(np.triu(np.ones((3, 5), bool), 3)))

    gradcheck(fn, [rng.standard_normal((3, 2, 4)), rng.standard_normal((5, 2, 4)), rng.standard_normal((5, 2, 4))])


# ---------------------------------------------------------------------------- errors
def test_errors_name_the_layer_and_shapes():
    with pytest.raises(AssertionError, match=r"embed_dim must be divisible by num_heads.*embed_dim=10.*num_heads=3"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(AssertionError):  # the same kind as torch
        torch.nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match="greater than 0"):
        nn.MultiheadAttention(0, 2)
    m = nn.MultiheadAttention(E, H)
    x = nnstudio.tensor(seq(L, False))
    with pytest.raises(AssertionError, match=r"MultiheadAttention\(embed_dim=8, num_heads=2\).*4-D query"):
        m(*(nnstudio.tensor(randn(2, L, N, E)),) * 3)
    with pytest.raises(AssertionError, match="expected `key` and `value` to be 3-D"):
        m(x, nnstudio.tensor(randn(S, E)), nnstudio.tensor(randn(S, E)))
    with pytest.raises(AssertionError, match="last dimension 8, got shape"):
        m(nnstudio.tensor(randn(L, N, 6)), x, x)
    with pytest.raises(RuntimeError, match=r"2D attn_mask is \(4, 4\), but should be \(5, 5\)"):
        m(x, x, x, attn_mask=nnstudio.tensor(np.zeros((4, 4), bool)))
    with pytest.raises(RuntimeError, match=r"3D attn_mask is \(3, 5, 5\), but should be \(6, 5, 5\)"):
        m(x, x, x, attn_mask=nnstudio.tensor(np.zeros((3, L, L), bool)))
    with pytest.raises(AssertionError, match=r"key_padding_mask of shape \(3, 5\).*got \(3, 4\)"):
        m(x, x, x, key_padding_mask=nnstudio.tensor(np.zeros((N, 4), bool)))
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask"):
        m(x, x, x, attn_mask=nnstudio.tensor(np.zeros((L, L), np.int64)))
    with pytest.raises(AssertionError, match="key shape .* does not match value shape"):
        m(x, x, nnstudio.tensor(seq(S, False)))


@pytest.mark.parametrize("separate", [False, True])
@pytest.mark.parametrize("need_weights", [False, True])
def test_functional_multi_head_attention_forward(separate, need_weights):
    w = {"in": randn(3 * E, E), "b": randn(3 * E), "out": randn(E, E), "ob": randn(E),
         "q": randn(E, E), "k": randn(E, 4), "v": randn(E, 5)}
    q, k, v = seq(L, False), seq(S, False, 4 if separate else E), seq(S, False, 5 if separate else E)
    mask = np.triu(np.ones((L, S), bool), 2)

    def run(lib, F_, wrap):
        t = {key: wrap(val) for key, val in w.items()}
        return F_.multi_head_attention_forward(
            wrap(q), wrap(k), wrap(v), E, H, None if separate else t["in"], t["b"], None, None, False, 0.0,
            t["out"], t["ob"], training=True, need_weights=need_weights, attn_mask=wrap(mask),
            use_separate_proj_weight=separate, q_proj_weight=t["q"], k_proj_weight=t["k"], v_proj_weight=t["v"])

    got = run(nnstudio, F, nnstudio.tensor)
    expected = run(torch, torch.nn.functional, torch.tensor)
    assert_close(got[0].numpy(), expected[0].numpy(), 1e-4, 1e-5, "attn_output")
    assert (got[1] is None) == (expected[1] is None)
    if need_weights:
        assert_close(got[1].numpy(), expected[1].numpy(), 1e-4, 1e-5, "attn_weights")


def test_sdpa_learned_float_mask_gets_gradient():
    q, k, v, bias = randn(2, 3, L, 4), randn(2, 3, S, 4), randn(2, 3, S, 5), randn(3, L, S)
    t_bias = torch.tensor(bias, requires_grad=True)
    n_bias = nnstudio.tensor(bias, requires_grad=True)
    t_out = torch.nn.functional.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)), attn_mask=t_bias)
    n_out = F.scaled_dot_product_attention(*(nnstudio.tensor(a) for a in (q, k, v)), attn_mask=n_bias)
    g = randn(*t_out.shape)
    (t_out * torch.tensor(g)).sum().backward()
    (n_out * nnstudio.tensor(g)).sum().backward()
    assert_close(n_bias.grad.numpy(), t_bias.grad.numpy(), 1e-4, 1e-5, "gradient of the float mask")
    gradcheck(lambda q_, b_: F.scaled_dot_product_attention(q_, q_, q_, attn_mask=b_),
              [rng.standard_normal((2, 4, 3)), rng.standard_normal((4, 4))])
