"""Fused recurrent primitives: one `Function` runs a whole sequence of one layer and one direction.

Forward projects the input of every time step with one matrix product, then loops over time with one matrix
product per step for the hidden path, saving the gate activations. Backward runs back through time in one loop
(one matrix product per step), then forms the weight gradients and the input gradient with one large product
each. Inputs are time-major: x (T, B, I), h0 / c0 (B, H), w_ih (G*H, I), w_hh (G*H, H), optional b_ih, b_hh
(G*H,), with G = 1 (RNN), 3 (GRU: r, z, n) or 4 (LSTM: i, f, g, o); torch's gate order and formulas.

Sigmoid gates are computed as 0.5 * tanh(0.5 a) + 0.5: the 0.5 is folded into a copy of the weights, so one
tanh call covers all gates of a step.

Each primitive also has `composite(*tensors)`: the same recurrence written with differentiable Tensor ops, step
by step. It is never run on the fast path; under create_graph it is replayed to give second derivatives
(autograd/graph_backward.py).
"""

from __future__ import annotations

from .._backend import xp_of
from ..autograd import Function
from .intraop import blas_single_thread
from .mkl_blas import matmul


def _time_steps(n: int, reverse: bool):
    """The time indices in the order of the loop, with BLAS on one thread while the loop runs: each step is a
    chain of small GEMMs (see intraop.blas_single_thread); the large GEMMs before and after the loop keep theirs."""
    with blas_single_thread():
        yield from (range(n - 1, -1, -1) if reverse else range(n))


def _previous_states(out, h0, reverse: bool):
    """The hidden state entering each step, shaped like `out` (T, B, H), in time order."""
    xp = xp_of(out)
    if reverse:
        return xp.concatenate([out[1:], h0[None]], axis=0)
    return xp.concatenate([h0[None], out[:-1]], axis=0)


def _input_projection(x, w_ih, biases, scale):
    """x (T, B, I) @ (scale * w_ih)^T + scale * (b_ih + b_hh) as (T, B, G*H); `biases` may be (b_ih, b_hh)."""
    t, b, i = x.shape
    w = w_ih if scale is None else w_ih * scale[:, None]
    xw = matmul(x.reshape(t * b, i), w.T)
    if biases:
        bias = biases[0] + biases[1]
        xw += bias if scale is None else bias * scale
    return xw.reshape(t, b, -1)


def _steps_composite(x, h0, w_ih, w_hh, biases, reverse: bool, cell) -> list:
    """[h_t] in time order for h_t = cell(x_t W_ih^T + b_ih, h_{t-1}, b_hh) with Tensors (create_graph)."""
    w_ih_t, w_hh_t = w_ih.t(), w_hh.t()
    outs: list = [None] * x.shape[0]
    h = h0
    for t in _time_steps(x.shape[0], reverse):
        xw = x[t] @ w_ih_t
        if biases:
            xw = xw + biases[0]
        h = outs[t] = cell(xw, h, w_hh_t, biases[1] if biases else None)
    return outs


def _stack(tensors: list):
    from ..tensor import stack

    return stack(tensors, 0)


def _input_grads(fn, dx_gates, dh_gates, x, h_prev, w_ih, has_bias, k):
    """Gradients of x, w_ih, w_hh, b_ih, b_hh from the pre-activation gradients of all steps.

    dx_gates: (T, B, G*H) gradient of the input-side pre-activations; dh_gates: of the hidden-side ones (the same
    array for RNN and LSTM). `k` is the position of w_ih among the primitive's inputs.
    """
    needs = fn.needs_input_grad
    t, b, _ = x.shape
    dxg = dx_gates.reshape(t * b, -1)
    dhg = dh_gates.reshape(t * b, -1)
    dx = matmul(dxg, w_ih).reshape(x.shape) if needs[0] else None
    dw_ih = matmul(dxg.T, x.reshape(t * b, -1)) if needs[k] else None
    dw_hh = matmul(dhg.T, h_prev.reshape(t * b, -1)) if needs[k + 1] else None
    out = [dx, dw_ih, dw_hh]
    if has_bias:
        db_ih = dxg.sum(axis=0) if needs[k + 2] or (needs[k + 3] and dh_gates is dx_gates) else None
        if needs[k + 3]:
            db_hh = db_ih.copy() if dh_gates is dx_gates else dhg.sum(axis=0)
        else:
            db_hh = None
        out += [db_ih if needs[k + 2] else None, db_hh]
    return out


class RNNSequence(Function):
    """h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act = tanh or relu.

    Inputs: x (T, B, I), h0 (B, H), w_ih (H, I), w_hh (H, H)[, b_ih, b_hh]. Output: all h_t, (T, B, H).
    """

    def forward(self, x, h0, w_ih, w_hh, *biases, reverse=False, nonlinearity="tanh"):
        xp = xp_of(x)
        self.x, self.h0, self.w_ih, self.w_hh = x, h0, w_ih, w_hh
        self.reverse, self.relu, self.has_bias = reverse, nonlinearity == "relu", bool(biases)
        a = _input_projection(x, w_ih, biases, None)
        w_hh_t = xp.ascontiguousarray(w_hh.T)  # a C-ordered right operand keeps the per-step GEMM fast
        h = h0
        for t in _time_steps(x.shape[0], reverse):
            at = matmul(h, w_hh_t, out=a[t], accumulate=True)
            if self.relu:
                xp.maximum(at, 0, out=at)
            else:
                xp.tanh(at, out=at)
            h = at
        self.out = a
        return a

    def composite(self, x, h0, w_ih, w_hh, *biases):
        def cell(xw, h, w_hh_t, b_hh):
            a = xw + h @ w_hh_t
            a = a + b_hh if b_hh is not None else a
            return a.relu() if self.relu else a.tanh()

        return _stack(_steps_composite(x, h0, w_ih, w_hh, biases, self.reverse, cell))

    def backward(self, g):
        out, w_hh = self.out, self.w_hh
        deriv = (out > 0).astype(out.dtype) if self.relu else 1 - out * out
        da = xp_of(g).empty_like(out)
        dh = None
        for t in _time_steps(out.shape[0], not self.reverse):
            dht = g[t] if dh is None else g[t] + dh
            xp_of(g).multiply(dht, deriv[t], out=da[t])
            dh = matmul(da[t], w_hh)
        h_prev = _previous_states(out, self.h0, self.reverse)
        grads = _input_grads(self, da, da, self.x, h_prev, self.w_ih, self.has_bias, 2)
        return (grads[0], dh if self.needs_input_grad[1] else None, *grads[1:])


class LSTMSequence(Function):
    """torch's LSTM: i, f, g, o = sig, sig, tanh, sig of (x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) split in 4;
    c_t = f c_{t-1} + i g;  h_t = o tanh(c_t).

    Inputs: x (T, B, I), h0 (B, H), c0 (B, H), w_ih (4H, I), w_hh (4H, H)[, b_ih, b_hh].
    Output (T + 1, B, H): rows 0..T-1 hold h_t in time order, row T holds the final cell state c_n.
    """

    def forward(self, x, h0, c0, w_ih, w_hh, *biases, reverse=False):
        xp = xp_of(x)
        n_steps, batch, _ = x.shape
        hid = w_hh.shape[1]
        self.x, self.h0, self.c0, self.w_ih, self.w_hh = x, h0, c0, w_ih, w_hh
        self.reverse, self.has_bias = reverse, bool(biases)
        scale = xp.full(4 * hid, 0.5, dtype=x.dtype)
        scale[2 * hid:3 * hid] = 1.0
        acts = _input_projection(x, w_ih, biases, scale)  # pre-activations, turned into activations in place
        w_hh_t = xp.ascontiguousarray((w_hh * scale[:, None]).T)
        shift = 1.0 - scale  # 0.5 for the sigmoid gates, 0 for g
        out = xp.empty((n_steps + 1, batch, hid), dtype=x.dtype)
        cs = xp.empty((n_steps, batch, hid), dtype=x.dtype)
        tcs = xp.empty((n_steps, batch, hid), dtype=x.dtype)
        h, c = h0, c0
        for t in _time_steps(n_steps, reverse):
            at = matmul(h, w_hh_t, out=acts[t], accumulate=True)
            xp.tanh(at, out=at)
            at *= scale
            at += shift
            ct = cs[t]
            xp.multiply(at[:, hid:2 * hid], c, out=ct)
            ct += at[:, :hid] * at[:, 2 * hid:3 * hid]
            xp.tanh(ct, out=tcs[t])
            h = xp.multiply(at[:, 3 * hid:], tcs[t], out=out[t])
            c = ct
        out[n_steps] = c
        self.acts, self.cs, self.tcs, self.out = acts, cs, tcs, out
        return out

    def composite(self, x, h0, c0, w_ih, w_hh, *biases):
        state = {"c": c0}

        def cell(xw, h, w_hh_t, b_hh):
            a = xw + h @ w_hh_t
            a = a + b_hh if b_hh is not None else a
            i, f, gg, o = a.chunk(4, 1)
            c = f.sigmoid() * state["c"] + i.sigmoid() * gg.tanh()
            state["c"] = c
            return o.sigmoid() * c.tanh()

        outs = _steps_composite(x, h0, w_ih, w_hh, biases, self.reverse, cell)
        return _stack(outs + [state["c"]])

    def backward(self, g):
        xp = xp_of(g)
        acts, cs, tcs, w_hh = self.acts, self.cs, self.tcs, self.w_hh
        n_steps, batch, hid = cs.shape
        # derivative of each activation with respect to its pre-activation, for all steps at once
        deriv = acts * (1 - acts)
        gg = acts[:, :, 2 * hid:3 * hid]
        deriv[:, :, 2 * hid:3 * hid] = 1 - gg * gg
        o_dtanh = acts[:, :, 3 * hid:] * (1 - tcs * tcs)  # d h_t / d c_t
        c_prev = _previous_states(cs, self.c0, self.reverse)
        dgates = xp.empty_like(acts)
        dh = None
        dc = g[n_steps].copy()
        f_next = None
        for t in _time_steps(n_steps, not self.reverse):
            dht = g[t] if dh is None else g[t] + dh
            if f_next is not None:
                dc *= f_next
            dc += dht * o_dtanh[t]
            at, dt = acts[t], dgates[t]
            xp.multiply(dc, at[:, 2 * hid:3 * hid], out=dt[:, :hid])
            xp.multiply(dc, c_prev[t], out=dt[:, hid:2 * hid])
            xp.multiply(dc, at[:, :hid], out=dt[:, 2 * hid:3 * hid])
            xp.multiply(dht, tcs[t], out=dt[:, 3 * hid:])
            dt *= deriv[t]
            dh = matmul(dt, w_hh)
            f_next = at[:, hid:2 * hid]
        dc *= f_next
        h_prev = _previous_states(self.out[:n_steps], self.h0, self.reverse)
        grads = _input_grads(self, dgates, dgates, self.x, h_prev, self.w_ih, self.has_bias, 3)
        needs = self.needs_input_grad
        return (grads[0], dh if needs[1] else None, dc if needs[2] else None, *grads[1:])


class GRUSequence(Function):
    """torch's GRU: r, z = sig(x W_i{r,z}^T + b_i{r,z} + h W_h{r,z}^T + b_h{r,z});
    n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn));  h_t = (1 - z) n + z h_{t-1}.

    Inputs: x (T, B, I), h0 (B, H), w_ih (3H, I), w_hh (3H, H)[, b_ih, b_hh]. Output: all h_t, (T, B, H).
    """

    def forward(self, x, h0, w_ih, w_hh, *biases, reverse=False):
        xp = xp_of(x)
        n_steps, batch, _ = x.shape
        hid = w_hh.shape[1]
        self.x, self.h0, self.w_ih, self.w_hh = x, h0, w_ih, w_hh
        self.reverse, self.has_bias = reverse, bool(biases)
        scale = xp.full(3 * hid, 0.5, dtype=x.dtype)
        scale[2 * hid:] = 1.0
        # b_hh of r and z folds into the input projection; b_hn stays inside r * (...)
        if biases:
            b_ih, b_hh = biases
            b_hh_rz = xp.concatenate([b_hh[:2 * hid], xp.zeros(hid, dtype=x.dtype)])
            xw = _input_projection(x, w_ih, (b_ih, b_hh_rz), scale)
            b_hn = b_hh[2 * hid:]
        else:
            xw = _input_projection(x, w_ih, (), scale)
            b_hn = None
        w_hh_t = xp.ascontiguousarray((w_hh * scale[:, None]).T)
        rz = xp.empty((n_steps, batch, 2 * hid), dtype=x.dtype)
        hn = xp.empty((n_steps, batch, hid), dtype=x.dtype)
        n = xp.empty((n_steps, batch, hid), dtype=x.dtype)
        out = xp.empty((n_steps, batch, hid), dtype=x.dtype)
        h = h0
        for t in _time_steps(n_steps, reverse):
            hw = matmul(h, w_hh_t)
            if b_hn is not None:
                hw[:, 2 * hid:] += b_hn
            rzt = rz[t]
            xp.add(xw[t, :, :2 * hid], hw[:, :2 * hid], out=rzt)
            xp.tanh(rzt, out=rzt)
            rzt *= 0.5
            rzt += 0.5
            hn[t] = hw[:, 2 * hid:]
            nt = n[t]
            xp.multiply(rzt[:, :hid], hn[t], out=nt)
            nt += xw[t, :, 2 * hid:]
            xp.tanh(nt, out=nt)
            ht = out[t]
            xp.subtract(h, nt, out=ht)
            ht *= rzt[:, hid:]
            ht += nt
            h = ht
        self.rz, self.hn, self.n, self.out = rz, hn, n, out
        return out

    def composite(self, x, h0, w_ih, w_hh, *biases):
        def cell(xw, h, w_hh_t, b_hh):
            hw = h @ w_hh_t
            hw = hw + b_hh if b_hh is not None else hw
            xr, xz, xn = xw.chunk(3, 1)
            hr, hz, hn = hw.chunk(3, 1)
            r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
            n = (xn + r * hn).tanh()
            return (1 - z) * n + z * h

        return _stack(_steps_composite(x, h0, w_ih, w_hh, biases, self.reverse, cell))

    def backward(self, g):
        xp = xp_of(g)
        rz, hn, n, out, w_hh = self.rz, self.hn, self.n, self.out, self.w_hh
        n_steps, batch, hid = n.shape
        h_prev = _previous_states(out, self.h0, self.reverse)
        z = rz[:, :, hid:]
        one_minus_z = 1 - z
        drz_deriv = rz * (1 - rz)
        dn_deriv = 1 - n * n
        h_minus_n = h_prev - n
        dxg = xp.empty((n_steps, batch, 3 * hid), dtype=g.dtype)
        dhg = xp.empty((n_steps, batch, 3 * hid), dtype=g.dtype)
        dh = None
        for t in _time_steps(n_steps, not self.reverse):
            dht = g[t] if dh is None else g[t] + dh
            dx_t, dh_t = dxg[t], dhg[t]
            dn_pre = dx_t[:, 2 * hid:]
            xp.multiply(dht, one_minus_z[t], out=dn_pre)
            dn_pre *= dn_deriv[t]
            xp.multiply(dn_pre, hn[t], out=dx_t[:, :hid])
            xp.multiply(dht, h_minus_n[t], out=dx_t[:, hid:2 * hid])
            dx_t[:, :2 * hid] *= drz_deriv[t]
            dh_t[:, :2 * hid] = dx_t[:, :2 * hid]
            xp.multiply(dn_pre, rz[t, :, :hid], out=dh_t[:, 2 * hid:])
            dh = matmul(dh_t, w_hh)
            dh += dht * z[t]
        grads = _input_grads(self, dxg, dhg, self.x, h_prev, self.w_ih, self.has_bias, 2)
        return (grads[0], dh if self.needs_input_grad[1] else None, *grads[1:])
