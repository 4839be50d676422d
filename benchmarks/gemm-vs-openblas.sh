#!/usr/bin/env bash
# Compares Cotangent's managed GEMM with OpenBLAS (cblas_sgemm/cblas_dgemm via P/Invoke) in one process:
# f32 and f64, 1 and 2 threads, interleaved medians. Extra arguments go to the tool, e.g. --batches 15 or --only f32.
#
# OpenBLAS 0.3.21 (Debian 12) does not know recent Xeons (e.g. Emerald Rapids, family 6 model 207) and falls back
# to its generic "Prescott" SSE kernels, which are ~5x slower than its AVX-512 ones. Comparing against that would
# flatter us, so unless OPENBLAS_CORETYPE is already set we force the SkylakeX (AVX-512) kernels on CPUs with
# AVX-512F, and Haswell (AVX2) kernels on CPUs with AVX2 only. Set OPENBLAS_CORETYPE yourself to override.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ldconfig -p | grep -q 'libopenblas\.so\.0'; then
    echo "Installing OpenBLAS (libopenblas0-pthread)..." >&2
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update
    $SUDO apt-get install -y libopenblas0-pthread || $SUDO apt-get install -y libopenblas-dev
    $SUDO ldconfig
fi

if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    if grep -qw avx512f /proc/cpuinfo; then
        export OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo; then
        export OPENBLAS_CORETYPE=Haswell
    fi
fi
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<auto>}; load: $(cut -d' ' -f1-3 /proc/loadavg)"

dotnet build -c Release benchmarks/Cotangent.Benchmarks -nologo -v q >/dev/null
exec dotnet run -c Release --no-build --project benchmarks/Cotangent.Benchmarks -- --gemm-vs-openblas "$@"
