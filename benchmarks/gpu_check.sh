#!/usr/bin/env bash
# The whole GPU check of issue 8 in one run on a lent accelerator (device time is scarce: ~15 min a session).
# Runs the device-parametrised tests on CUDA (CuPy), then every benchmark with --device cuda against
# PyTorch CUDA in the same process. Output lands in $OUT (or ./gpu-results) for the README.
set -u
OUT=${OUT:-gpu-results}
mkdir -p "$OUT"
PY=${PY:-python3}
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$OUT/card.txt"
$PY -c "import cupy, torch; print('cupy', cupy.__version__, 'torch', torch.__version__, torch.cuda.is_available())" \
  | tee "$OUT/versions.txt"
$PY -m pip install -q -e . --no-deps 2>/dev/null || export PYTHONPATH=$PWD
# 1. every device-parametrised test, CUDA cases only (CPU cases already ran in CI)
timeout 300 $PY -m pytest -q -x -k "cuda" -m "not browser and not slow" tests/ -p no:cacheprovider \
  2>&1 | tail -n 40 | tee "$OUT/tests.txt"
# 2. benchmarks against torch CUDA, same process, ratios
for b in bench_mlp bench_cnn bench_lstm bench_transformer; do
  [ -f "benchmarks/$b.py" ] || continue
  timeout 120 $PY "benchmarks/$b.py" --device cuda 2>&1 | tail -n 15 | tee "$OUT/$b.txt"
done
