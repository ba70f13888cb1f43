"""Does an nnstudio training step on CUDA wait for the GPU (a host-device copy, `.item()`, `bool()` of a device
array, a cudaMalloc/cudaFree that synchronises)? Issue 8 asks for none inside a step.

Method: queue a long GPU job first (a chain of large matrix products, `busy` ms of GPU time), then run one
training step of each benchmark model and time how long the *host* took to return from it. A step that never
waits for the GPU only queues its kernels and returns long before the job ends; a step that synchronises
anywhere cannot return before the job has finished, so its host time is at least `busy` ms. The verdict is
printed per model with both figures. Where CuPy still has `cupyx.allow_synchronize`, a step is also run with
synchronisation forbidden, which names the place that synchronised.

    python benchmarks/gpu_sync_check.py          (needs CuPy and a GPU)
"""

from __future__ import annotations

import sys
import time
import traceback

import _common  # noqa: F401 - first: sets OpenBLAS's environment before NumPy loads it
import numpy as np
from _common import training_step


def busy_job(cupy, n: int = 4096, repeats: int = 40):
    """Queue `repeats` n x n float32 products on the current stream; return a function that queues them again."""
    a = cupy.random.random((n, n), dtype=cupy.float32)
    out = cupy.empty_like(a)

    def queue():
        for _ in range(repeats):
            cupy.matmul(a, a, out=out)
    return queue


def models(nnstudio, device: str = "cuda"):
    """(name, step function) for each benchmark model on CUDA, Adam, the benchmark's shapes."""
    import bench_cnn
    import bench_lstm
    import bench_mlp
    import bench_transformer

    rng = np.random.default_rng(0)
    t = lambda a: nnstudio.tensor(a, device=device)  # noqa: E731
    F = nnstudio.nn.functional
    out = []
    m = bench_mlp.build(nnstudio, device)
    x, y = rng.standard_normal((128, 784)).astype(np.float32), rng.integers(0, 10, 128)
    opt = nnstudio.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    out.append(("MLP", training_step(m, opt, F.cross_entropy, t(x), t(y))))
    m = bench_cnn.build(nnstudio, device)
    x, y = rng.standard_normal((64, 1, 28, 28)).astype(np.float32), rng.integers(0, 10, 64)
    out.append(("CNN", training_step(m, nnstudio.optim.Adam(m.parameters()), F.cross_entropy, t(x), t(y))))
    m = bench_lstm.build(nnstudio, device)
    x = rng.standard_normal((bench_lstm.BATCH, bench_lstm.SEQ, bench_lstm.IN)).astype(np.float32)
    y = rng.integers(0, bench_lstm.CLASSES, bench_lstm.BATCH)
    out.append(("LSTM", training_step(m, nnstudio.optim.Adam(m.parameters()), F.cross_entropy, t(x), t(y))))
    m = bench_transformer.build(nnstudio, 0.1, False, device)
    shape = (bench_transformer.SEQ, bench_transformer.BATCH, bench_transformer.D_MODEL)
    x, y = rng.standard_normal(shape).astype(np.float32), rng.standard_normal(shape).astype(np.float32)
    out.append(("Transformer", training_step(m, nnstudio.optim.Adam(m.parameters()), F.mse_loss, t(x), t(y))))
    return out


def main() -> int:
    import nnstudio

    if not nnstudio.cuda.is_available():
        print("gpu_sync_check: no CUDA device (CuPy with a GPU) here; nothing checked")
        return 0
    import cupy

    queue_busy = busy_job(cupy)
    queue_busy()
    cupy.cuda.Device().synchronize()
    t0 = time.perf_counter()
    queue_busy()
    cupy.cuda.Device().synchronize()
    busy_ms = (time.perf_counter() - t0) * 1e3
    print(f"busy job: {busy_ms:.1f} ms of GPU time")
    failures = 0
    for name, step in models(nnstudio):
        for _ in range(3):  # warm: kernels compiled, the memory pool holds every buffer a step needs
            step()
        cupy.cuda.Device().synchronize()
        t0 = time.perf_counter()
        step()
        idle_host_ms = (time.perf_counter() - t0) * 1e3
        cupy.cuda.Device().synchronize()
        queue_busy()
        t0 = time.perf_counter()
        loss = step()
        host_ms = (time.perf_counter() - t0) * 1e3
        cupy.cuda.Device().synchronize()
        waited = host_ms > 0.5 * busy_ms
        where = ""
        allow = getattr(__import__("cupyx"), "allow_synchronize", None)
        if waited and allow is not None:  # which: a read-out CuPy sees, or a full launch queue?
            try:
                with allow(False):
                    step()
                where = (" - CuPy saw no synchronisation: the step queues more kernels than the launch queue "
                         "holds (~1000), so the host waits for room, not for a result")
                waited = False
            except Exception:  # noqa: BLE001 - print where it synchronised
                traceback.print_exc(limit=-6)
        failures += waited
        verdict = "WAITED FOR THE GPU (a synchronisation inside the step)" if waited else "no synchronisation"
        print(f"{name:12s} host time of one step behind the busy job: {host_ms:8.1f} ms "
              f"(alone {idle_host_ms:.1f} ms; busy job {busy_ms:.0f} ms) -> {verdict}{where}"
              f"; loss {float(loss.item()):.4f}")
    print("gpu_sync_check:", "FAILED" if failures else "passed", f"({failures} model(s) synchronised)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
