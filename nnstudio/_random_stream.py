"""torch's CPU random stream, draw for draw: a seed gives PyTorch's own numbers.

`torch.manual_seed(s)` seeds a 32-bit Mersenne Twister with the low 32 bits of `s` (the reference
`init_genrand`), and each of torch's CPU kernels turns its 32-bit words into values in a fixed way. `TorchStream`
holds the same Twister (NumPy's MT19937 bit generator, put in torch's state) and makes each draw the same way, so
`manual_seed(0); randn(3)`, a Linear's initial weights, a dropout mask or a DataLoader's shuffle are torch's:

- a word is 32 bits; `random64` joins two words, the first as the high half;
- U[from, to) in float32 is `(w & (2**24 - 1)) * 2**-24 * (to - from) + from` in float32; in float64 the same
  with 53 bits of a 64-bit draw (float16: 11 bits of a word);
- normal values: a float32/float64 tensor of 16 or more elements is filled with U[0, 1) in its dtype and then
  turned, 16 at a time, by Box-Muller (the first 8 values give the radius, the next 8 the angle; when the size is
  not a multiple of 16 the last 16 are drawn and turned again); anything smaller (or another dtype) draws
  element by element from a float64 Box-Muller pair, caching the pair's second value in the stream as torch's
  generator does;
- integers in [low, high): `word % (high - low) + low`, from a 64-bit draw when the range is 2**32 or more;
- Bernoulli(p) for a scalar p: a float64 uniform below p (dropout's mask is Bernoulli(1 - p) divided by 1 - p);
  for a tensor of probabilities, a uniform in float32;
- exponential: `-1/lambda * log1p(-u)`, u a float64 uniform; multinomial without replacement (or one sample):
  the largest `p / Exp(1)`; with replacement: a float64 uniform per sample located in the row's cumulative sums;
- randperm(n): a Fisher-Yates shuffle drawing `word % (n - i)` at step i.

Draws torch makes with algorithms not reproduced here (gamma, Poisson, binomial, ...) come from a NumPy generator
seeded by one 64-bit draw of this stream: reproducible, but not torch's values.

The float32 normal transform is torch's AVX2 kernel's, operation for operation (see `_log_ps`); float64 uses
NumPy's log, sin and cos where torch uses the C library's (the last bit may differ); the per-element path uses
Python's math module, the C library's own functions.
"""

from __future__ import annotations

import math

import numpy as np

_MT_N = 624  # words of Mersenne Twister state
_CHUNK = 1 << 16  # values drawn and turned per pass: the temporaries stay in the cache (1M normals: 22 ms, not 39)
_LARGEST_SMALL_N = (2**32 - 1) // 20  # torch's randperm keeps its 32-bit draw below this length
_DIGITS = {np.dtype(np.float16): 11, np.dtype(np.float32): 24, np.dtype(np.float64): 53}
_U64 = np.uint64


def mt19937(seed: int) -> np.random.MT19937:
    """A Mersenne Twister in the state torch's `manual_seed(seed)` leaves it (the reference `init_genrand`)."""
    key = np.empty(_MT_N, dtype=np.uint32)
    prev = int(seed) & 0xFFFFFFFF
    key[0] = prev
    for i in range(1, _MT_N):
        prev = (1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF
        key[i] = prev
    stream = np.random.MT19937(0)
    stream.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _MT_N}}
    return stream


def _size(size) -> tuple:
    if size is None:
        return ()
    return (int(size),) if isinstance(size, (int, np.integer)) else tuple(int(s) for s in size)


class TorchStream:
    """One torch CPU generator's stream (see the module docstring). The method names that NumPy's Generator also
    has (`random`, `standard_normal`, `normal`, `integers`, `permutation`, `exponential`) take NumPy's arguments
    and give torch's values; any other NumPy method is served by a NumPy generator seeded from this stream."""

    def __init__(self, seed: int) -> None:
        self.mt = mt19937(seed)
        self.normal_cache: float | None = None  # torch's next_double_normal_sample

    # ------------------------------------------------------------------ words
    def words(self, n: int) -> np.ndarray:
        """n 32-bit words (as uint64)."""
        return self.mt.random_raw(int(n))

    def random64(self, n: int) -> np.ndarray:
        """n 64-bit draws: two words each, the first the high half."""
        w = self.words(2 * int(n)).reshape(-1, 2)
        return (w[:, 0] << _U64(32)) | w[:, 1]

    def random_int64(self) -> int:
        """torch's `empty((), dtype=int64).random_()`: a 64-bit draw modulo 2**63."""
        return int(self.random64(1)[0] % _U64(2**63))

    def _unit(self, n: int, dtype: np.dtype) -> np.ndarray:
        """n uniforms in [0, 1) of `dtype` (float16/32/64) made from words as torch makes them."""
        digits = _DIGITS[dtype]
        raw = self.random64(n) if digits > 32 else self.words(n)
        raw &= _U64((1 << digits) - 1)
        return raw.astype(dtype) * dtype.type(2.0 ** -digits)

    # ------------------------------------------------------------------ uniform
    def fill_uniform(self, flat: np.ndarray, low: float, high: float) -> None:
        """Write U[low, high) into the 1-D float array `flat` (float16/32/64), in torch's order."""
        dtype = flat.dtype
        lo, span = dtype.type(low), dtype.type(high) - dtype.type(low)
        for start in range(0, flat.size, _CHUNK):
            part = flat[start:start + _CHUNK]
            x = self._unit(part.size, dtype)
            if span == 1 and lo == 0:
                part[...] = x
            elif dtype == np.float64:
                part[...] = x * span + lo
            else:  # torch's x * (to - from) + from is one fused multiply-add: exact here through float64
                part[...] = (x.astype(np.float64) * np.float64(span) + np.float64(lo)).astype(dtype)

    def uniform_array(self, shape: tuple, dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
        dtype = np.dtype(dtype)
        draw = dtype if dtype in _DIGITS else np.dtype(np.float32)
        out = np.empty(_size(shape), draw)
        self.fill_uniform(out.reshape(-1), low, high)
        return out if draw == dtype else out.astype(dtype)

    # ------------------------------------------------------------------ normal
    def _serial_normal(self, n: int, mean: float, std: float) -> np.ndarray:
        """n float64 values by torch's per-element normal_distribution<double> (with its cached second value)."""
        out = np.empty(n, np.float64)
        i = 0
        if n and self.normal_cache is not None:
            out[0], self.normal_cache, i = self.normal_cache, None, 1
        pairs = (n - i + 1) // 2
        if pairs:
            u = self._unit(2 * pairs, np.dtype(np.float64)).reshape(-1, 2)
            values = np.empty((pairs, 2))
            if pairs <= 4096:  # the C library's functions, as torch's: the same last bit
                for k, (u1, u2) in enumerate(u.tolist()):
                    r, theta = math.sqrt(-2.0 * math.log1p(-u2)), 2.0 * math.pi * u1
                    values[k] = r * math.cos(theta), r * math.sin(theta)
            else:
                r, theta = np.sqrt(-2.0 * np.log1p(-u[:, 1])), 2.0 * math.pi * u[:, 0]
                values[:, 0], values[:, 1] = r * np.cos(theta), r * np.sin(theta)
            values = values.reshape(-1)
            take = n - i
            out[i:] = values[:take]
            if take < values.size:
                self.normal_cache = float(values[-1])
        return out * std + mean

    def fill_normal(self, out: np.ndarray, mean: float, std: float) -> None:
        """Write N(mean, std) into the float array `out` in place, in torch's order (see the module docstring)."""
        n = out.size
        if n >= 16 and out.dtype in (np.float32, np.float64) and out.flags.c_contiguous:
            flat = out.reshape(-1)
            self.fill_uniform(flat, 0.0, 1.0)
            whole = n - n % 16
            for start in range(0, whole, _CHUNK):  # _CHUNK is a multiple of 16: each part holds whole blocks
                _box_muller_16(flat[start:min(whole, start + _CHUNK)], mean, std)
            if n % 16:
                tail = flat[n - 16:]
                self.fill_uniform(tail, 0.0, 1.0)
                _box_muller_16(tail, mean, std)
            return
        out[...] = self._serial_normal(n, mean, std).reshape(out.shape)

    def log_normal_array(self, shape: tuple, mean: float, std: float) -> np.ndarray:
        """float64 exp(N(mean, std)) values, element by element as torch's log_normal_ (float64 pairs)."""
        return np.exp(self._serial_normal(int(np.prod(_size(shape), dtype=np.int64)), mean, std)).reshape(_size(shape))

    def normal_array(self, shape: tuple, dtype, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            return self._serial_normal(int(np.prod(_size(shape), dtype=np.int64)), mean, std) \
                .astype(dtype).reshape(_size(shape))
        out = np.empty(_size(shape), dtype)
        self.fill_normal(out, mean, std)
        return out

    # ------------------------------------------------------------------ integers, permutations, Bernoulli
    def randint(self, low: int, high: int, shape: tuple) -> np.ndarray:
        """int64 values in [low, high) as torch's random_(from, to)."""
        span = int(high) - int(low)
        n = int(np.prod(_size(shape), dtype=np.int64))
        raw = self.random64(n) if span >= 2**32 else self.words(n)
        return ((raw % _U64(span)).astype(np.int64) + int(low)).reshape(_size(shape))

    def random_full(self, shape: tuple, dtype) -> np.ndarray:
        """torch's `random_()` with no bounds: [0, 2**digits] for floats, [0, max] for integers, 0/1 for bool."""
        dtype = np.dtype(dtype)
        n = int(np.prod(_size(shape), dtype=np.int64))
        wide = dtype in (np.dtype(np.float64), np.dtype(np.int64))
        raw = self.random64(n) if wide else self.words(n)
        if dtype == np.bool_:
            return (raw & _U64(1)).astype(bool).reshape(_size(shape))
        if dtype.kind == "f":
            modulus = (1 << _DIGITS.get(dtype, 24)) + 1
        else:
            modulus = int(np.iinfo(dtype).max) + 1
        return (raw % _U64(modulus)).astype(dtype).reshape(_size(shape))

    def permutation(self, x) -> np.ndarray:
        """torch's CPU randperm(n) (int64), or the elements of an array in that order."""
        if isinstance(x, (int, np.integer)):
            return self._randperm(int(x))
        x = np.asarray(x)
        return x[self._randperm(len(x))]

    def _randperm(self, n: int) -> np.ndarray:
        if n < 0:
            raise RuntimeError(f"randperm: n must be non-negative, got {n}")
        if n >= _LARGEST_SMALL_N:  # torch switches algorithm there; reproducible here, but not torch's order
            return self._numpy().permutation(n)
        perm = np.arange(n, dtype=np.int64)
        if n < 2:
            return perm
        steps = np.arange(n - 1, dtype=np.int64)
        targets = (self.words(n - 1).astype(np.int64) % (n - steps) + steps).tolist()
        order = perm.tolist()
        for i, j in enumerate(targets):
            order[i], order[j] = order[j], order[i]
        return np.asarray(order, dtype=np.int64)

    def bernoulli_scalar(self, p: float, shape: tuple) -> np.ndarray:
        """Bool array: True with probability p (torch's bernoulli_(float p): a float64 uniform below p)."""
        n = int(np.prod(_size(shape), dtype=np.int64))
        # u = k * 2**-53 < p  <=>  the integer k < ceil(p * 2**53): compared as (high 21 bits, low 32 bits) of the
        # 64-bit draw, without making the float64 uniforms (dropout's mask: a third of the time)
        limit = min(max(math.ceil(p * 2.0**53), 0), 2**53)
        high, low = _U64(limit >> 32), _U64(limit & 0xFFFFFFFF)
        out = np.empty(n, dtype=bool)
        for start in range(0, n, _CHUNK):
            w = self.words(2 * min(_CHUNK, n - start))
            hi = w[0::2] & _U64((1 << 21) - 1)
            part = out[start:start + len(hi)]
            np.less(hi, high, out=part)
            ties = np.flatnonzero(hi == high)  # the high bits equal the limit's (about 1 in 2**21): the low decide
            part[ties] = w[1::2][ties] < low
        return out.reshape(_size(shape))

    def bernoulli_tensor(self, probs: np.ndarray) -> np.ndarray:
        """Bool array shaped like `probs`: True where a float32 uniform falls below the probability."""
        u = self._unit(probs.size, np.dtype(np.float32)).reshape(probs.shape)
        return u < probs

    def exponential_array(self, shape: tuple, lambd: float) -> np.ndarray:
        """float64 Exp(lambd) values, torch's `-1/lambda * log1p(-u)`."""
        n = int(np.prod(_size(shape), dtype=np.int64))
        return (-1.0 / lambd * np.log1p(-self._unit(n, np.dtype(np.float64)))).reshape(_size(shape))

    def torch_multinomial(self, rows: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
        """(R, num_samples) int64 category indices from the non-negative weight rows (R, K), as torch's CPU."""
        if not replacement or num_samples == 1:
            q = self.exponential_array(rows.shape, 1.0).astype(rows.dtype)
            ratio = rows / q
            if num_samples == 1:
                return np.argmax(ratio, axis=1)[:, None].astype(np.int64)
            return np.argsort(-ratio, axis=1, kind="stable")[:, :num_samples].astype(np.int64)
        out = np.empty((rows.shape[0], num_samples), np.int64)
        for r, row in enumerate(rows):
            cum = np.cumsum(row.astype(np.float64))
            cum /= cum[-1]
            out[r] = np.searchsorted(cum, self._unit(num_samples, np.dtype(np.float64)), side="left")
        return np.minimum(out, rows.shape[1] - 1)

    # ------------------------------------------------------------------ NumPy Generator names
    def random(self, size=None, dtype=np.float64, out=None):
        if out is not None:
            if out.flags.c_contiguous:
                self.fill_uniform(out.reshape(-1), 0.0, 1.0)
            else:
                out[...] = self.uniform_array(out.shape, out.dtype)
            return out
        return self.uniform_array(_size(size), dtype)

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        if out is not None:
            self.fill_normal(out, 0.0, 1.0)
            return out
        return self.normal_array(_size(size), dtype)

    def normal(self, loc=0.0, scale=1.0, size=None):
        return self.normal_array(_size(size), np.float64, loc, scale)

    def integers(self, low, high=None, size=None, dtype=np.int64, endpoint=False):
        if high is None:
            low, high = 0, low
        return self.randint(low, int(high) + bool(endpoint), _size(size)).astype(dtype, copy=False)

    def exponential(self, scale=1.0, size=None):
        return self.exponential_array(_size(size), 1.0 / scale)

    def _numpy(self) -> np.random.Generator:
        """A NumPy generator seeded by one 64-bit draw of this stream (for draws torch makes otherwise)."""
        return np.random.default_rng(self.random_int64())

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._numpy(), name)

    # ------------------------------------------------------------------ state
    def state_bytes(self) -> np.ndarray:
        """The Twister's 624 words and position, then the cached normal value and its flag, as uint8."""
        st = self.mt.state["state"]
        cache = 0.0 if self.normal_cache is None else self.normal_cache
        parts = [np.asarray(st["key"], dtype="<u4").tobytes(), int(st["pos"]).to_bytes(8, "little"),
                 np.float64(cache).tobytes(), int(self.normal_cache is not None).to_bytes(8, "little")]
        return np.frombuffer(b"".join(parts), dtype=np.uint8).copy()

    def load_state_bytes(self, data: bytes) -> None:
        if len(data) != STATE_BYTES:
            raise RuntimeError(f"set_state: expected the {STATE_BYTES}-byte state of get_state() / "
                               f"get_rng_state(), got {len(data)} bytes")
        key = np.frombuffer(data[:4 * _MT_N], dtype="<u4").astype(np.uint32)
        pos = int.from_bytes(data[4 * _MT_N:4 * _MT_N + 8], "little")
        if pos > _MT_N:
            raise RuntimeError(f"set_state: the state's position {pos} is beyond the {_MT_N} words of a state")
        self.mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        cached = int.from_bytes(data[4 * _MT_N + 16:], "little")
        self.normal_cache = float(np.frombuffer(data[4 * _MT_N + 8:4 * _MT_N + 16], "<f8")[0]) if cached else None


STATE_BYTES = 4 * _MT_N + 24


def _box_muller_16(flat: np.ndarray, mean: float, std: float) -> None:
    """Turn each block of 16 uniforms of `flat` (its size a multiple of 16) into normals in place, as torch's
    normal_fill_16: u1 = 1 - block[:8] gives the radius, block[8:] the angle. float32 follows torch's AVX2
    kernel operation for operation (`_log_ps`, `_sincos_ps`); float64 is the scalar formula."""
    blocks = flat.reshape(-1, 16)
    if flat.dtype == np.float32:
        u1, u2 = _F32(1) - blocks[:, :8], blocks[:, 8:]
        radius = np.sqrt(_F32(-2) * _log_ps(u1))
        sin, cos = _sincos_ps(_F32(2 * math.pi) * u2)
        first, second = radius * cos, radius * sin
        if std != 1 or mean != 0:
            first, second = _fma(first, _F32(std), _F32(mean)), _fma(second, _F32(std), _F32(mean))
    else:
        radius = np.sqrt(-2.0 * np.log(1.0 - blocks[:, :8]))
        theta = 2.0 * math.pi * blocks[:, 8:]
        first, second = radius * np.cos(theta) * std + mean, radius * np.sin(theta) * std + mean
    blocks[:, :8], blocks[:, 8:] = first, second


# ---------------------------------------------------------------------- torch's AVX2 float32 log and sincos
# torch's AVX2 normal kernel takes log and sin/cos from Cephes-style polynomials in float32 (its avx_mathfun), and
# the compiler fuses some multiply-adds; reproducing both bit for bit (checked against torch on 160,000 values)
# makes float32 randn torch's exactly. `_fma` is a fused multiply-add: the product is exact in float64.

_F32 = np.float32
_LOG_P = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
          -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)
_LOG_Q1, _LOG_Q2 = _F32(-2.12194440e-4), _F32(0.693359375)
_FOUR_OVER_PI = _F32(1.27323954473516)
_DP = (_F32(-0.78515625), _F32(-2.4187564849853515625e-4), _F32(-3.77489497744594108e-8))
_COS_P = (_F32(2.443315711809948e-5), _F32(-1.388731625493765e-3), _F32(4.166664568298827e-2))
_SIN_P = (_F32(-1.9515295891e-4), _F32(8.3321608736e-3), _F32(-1.6666654611e-1))
_HALF, _ONE = _F32(0.5), _F32(1)


def _fma(a, b, c) -> np.ndarray:
    """a * b + c rounded once to float32 (a, b float32: their product is exact in float64)."""
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)).astype(_F32)


def _log_ps(x: np.ndarray) -> np.ndarray:
    """Natural log of positive float32 x: exponent and mantissa split, then a degree-9 polynomial."""
    x = np.maximum(x, _F32(1.17549435e-38))
    bits = x.view(np.int32)
    e = ((bits.view(np.uint32) >> np.uint32(23)).astype(np.int32) - 0x7F).astype(_F32) + _ONE
    m = ((bits & ~0x7F800000) | 0x3F000000).view(_F32)  # the mantissa in [0.5, 1)
    small = m < _F32(0.707106781186547524)
    m = (m - _ONE) + np.where(small, m, _F32(0))
    e = e - small.astype(_F32)
    z = m * m
    y = np.full_like(m, _F32(_LOG_P[0]))
    for p in _LOG_P[1:]:
        y = _fma(y, m, _F32(p))
    y = _fma(y * m, z, e * _LOG_Q1)
    y = _fma(-z, _HALF, y)
    return _fma(e, _LOG_Q2, m + y)


def _sincos_ps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sin x, cos x) of float32 x: reduced by multiples of pi/4 in three parts, then two polynomials."""
    sign_sin = x.view(np.int32) & np.int32(-(2**31))
    x = np.abs(x)
    j = ((x * _FOUR_OVER_PI).astype(np.int32) + 1) & ~1
    y = j.astype(_F32)
    for dp in _DP:
        x = _fma(y, dp, x)
    sign_sin = sign_sin ^ ((j & 4) << 29).astype(np.int32)
    sign_cos = ((~(j - 2)) & 4) << 29
    use_sin_poly = (j & 2) == 0
    z = x * x
    yc = np.full_like(z, _COS_P[0])
    for p in _COS_P[1:]:
        yc = _fma(yc, z, p)
    yc = _fma(yc * z, z, -(z * _HALF)) + _ONE
    ys = np.full_like(z, _SIN_P[0])
    for p in _SIN_P[1:]:
        ys = _fma(ys, z, p)
    ys = _fma(ys * z, x, x)
    sin = np.where(use_sin_poly, ys, yc)
    cos = np.where(use_sin_poly, yc, ys)
    return (sin.view(np.int32) ^ sign_sin).view(_F32), (cos.view(np.int32) ^ sign_cos.astype(np.int32)).view(_F32)
