#!/usr/bin/env bash
# The whole GPU check in one run on a lent accelerator (device time is scarce: ~15 min a session, machine start
# included), each stage time-boxed so the run ends inside ~7 minutes:
#   1. every device-parametrised test, CUDA cases only (the CPU cases run in CI), on 12 pytest workers;
#   2. the synchronisation check of a training step (benchmarks/gpu_sync_check.py);
#   3. every training benchmark with --device cuda against PyTorch CUDA in the same process (ratios);
#   4. where the host time of a CNN and a Transformer step goes (cProfile, benchmarks/profile_step.py).
# Output lands in $OUT (or ./gpu-results): info.txt, tests.txt, sync.txt, bench.txt, profile.txt.
# Run from the repository root: bash benchmarks/gpu_check.sh
set -u
OUT=${OUT:-gpu-results}
mkdir -p "$OUT"
PY=${PY:-python3}
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  $PY -c "import cupy, numpy, torch; print('cupy', cupy.__version__, 'numpy', numpy.__version__,
'torch', torch.__version__, 'torch.cuda', torch.cuda.is_available())"
  $PY -c "import nnstudio; print('nnstudio.cuda.is_available()', nnstudio.cuda.is_available())"
} 2>&1 | tee "$OUT/info.txt"

DEVICE_TESTS=$(grep -rlE "def test_\w+\([^)]*\bdevice\b" tests | sort | tr '\n' ' ')
WORKERS=$($PY -c "import xdist" 2>/dev/null && echo "-n 12")
PER_TEST=$($PY -c "import pytest_timeout" 2>/dev/null && echo "--timeout 120")
timeout "${TEST_LIMIT:-210}" $PY -m pytest -q -k cuda $WORKERS $PER_TEST -p no:cacheprovider -rfE --tb=short \
  $DEVICE_TESTS > "$OUT/tests.txt" 2>&1
echo "pytest exit $?" >> "$OUT/tests.txt"
tail -n 25 "$OUT/tests.txt"

(cd benchmarks && timeout 60 $PY gpu_sync_check.py) > "$OUT/sync.txt" 2>&1
cat "$OUT/sync.txt"

for b in bench_mlp bench_cnn bench_lstm bench_transformer; do
  echo "== $b"
  (cd benchmarks && timeout 50 $PY "$b.py" --device cuda --steps 25 --warmup 3) 2>&1 | tail -n 8
done > "$OUT/bench.txt"
cat "$OUT/bench.txt"

for m in CNN Transformer; do
  (cd benchmarks && timeout 40 $PY profile_step.py --model "$m" --device cuda --steps 20 --top 30)
done > "$OUT/profile.txt" 2>&1
grep "steps," "$OUT/profile.txt"
