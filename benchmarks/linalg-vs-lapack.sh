#!/usr/bin/env bash
# Compares Cotangent's managed factorization kernels (f64 Cholesky, Solve, Eigh, QR, SVD) with LAPACKE over OpenBLAS in
# one process, interleaved. Extra arguments go to the tool, e.g. --sizes 128,512 --ops cholesky,solve,eigh --threads 1.
# OPENBLAS_CORETYPE is forced as in gemm-vs-openblas.sh (OpenBLAS 0.3.21 misdetects recent CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-lapack.sh

if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    if grep -qw avx512f /proc/cpuinfo; then
        export OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo; then
        export OPENBLAS_CORETYPE=Haswell
    fi
fi
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<auto>}; load: $(cut -d' ' -f1-3 /proc/loadavg)"

dotnet build -c Release benchmarks/Cotangent.Benchmarks -nologo -v q >/dev/null
exec dotnet run -c Release --no-build --project benchmarks/Cotangent.Benchmarks -- --linalg-vs-lapack "$@"
