#!/usr/bin/env bash
# Installs the native reference libraries for the benchmark comparisons (never needed by the library itself):
# Debian's OpenBLAS (pthread build; it also provides liblapack.so.3 through the alternatives system) and LAPACKE
# (liblapacke.so.3, the C interface to LAPACK). After this, liblapacke resolves LAPACK to OpenBLAS's build.
# Idempotent: does nothing when both libraries are already present.
set -euo pipefail

have() { ldconfig -p | grep -q "$1"; }
if have 'libopenblas\.so\.0' && have 'liblapacke\.so\.3'; then
    echo "OpenBLAS and LAPACKE already installed." >&2
else
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update
    $SUDO apt-get install -y libopenblas0-pthread liblapacke
    $SUDO ldconfig
fi

# LAPACKE calls whatever liblapack.so.3 the alternatives system selects; report it (OpenBLAS's has the higher priority).
lapack="$(readlink -f /usr/lib/x86_64-linux-gnu/liblapack.so.3 2>/dev/null || true)"
echo "liblapack.so.3 -> ${lapack:-<not found>}" >&2
case "$lapack" in
    *openblas*) ;;
    *) echo "warning: liblapack.so.3 is not OpenBLAS's; select it with: update-alternatives --config liblapack.so.3-x86_64-linux-gnu" >&2 ;;
esac
