#!/usr/bin/env bash
# Eager Cotangent against TorchSharp 0.107 (libtorch, CPU) on the rows of issue #9: MLP 784-256-256-10 f32 batch 128
# (−mean(log_softmax) loss) forward and forward + gradient, Σ tanh(x)·x + exp(−x²) on 1M f64 (f and f + gradient), and
# the 1000-step scalar recurrence. The two programs run alternately, ROUNDS times (default 3), and the ratios
# Cotangent / TorchSharp are printed per round and as medians. Quiet machine wanted: both sides use two threads.
#
# TorchSharp is a peer's benchmark, not a dependency: its project lives in ../shared/peers/torchsharp (or
# TORCHSHARP_DIR) and builds in /tmp on first use (~500 MB of NuGet packages).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-3}"
TS="${TORCHSHARP_DIR:-$(pwd)/../shared/peers/torchsharp}"
[[ -f "$TS/run.sh" ]] || { echo "TorchSharp benchmark not found at $TS (set TORCHSHARP_DIR)" >&2; exit 1; }

dotnet build -c Release benchmarks/Cotangent.Benchmarks -nologo -v q >/dev/null
ours() { dotnet benchmarks/Cotangent.Benchmarks/bin/Release/net10.0/Cotangent.Benchmarks.dll --ad-figures; }

declare -a r_mf r_mg r_ef r_eg r_rf r_rg
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= ROUNDS; i++)); do
    o="$(ours)"
    t="$(bash "$TS/run.sh")"
    # ours: "<row name>   <µs> µs ..."; TorchSharp: "... fwd <ms> ms, fwd+grad <ms> ms ..."
    us() { echo "$o" | awk -v row="$1" 'index($0, row) == 1 { for (k = 1; k <= NF; k++) if ($(k+1) == "µs") { print $k; exit } }'; }
    ms() { echo "$t" | awk -v row="$1" -v which="$2" 'index($0, row) == 1 { for (k = 1; k <= NF; k++) if ($k == which) { print $(k+1); exit } }'; }
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / 1000 / b }'; }
    r_mf+=("$(ratio "$(us 'mlp f ')" "$(ms 'mlp f32' fwd)")")
    r_mg+=("$(ratio "$(us 'mlp Grad')" "$(ms 'mlp f32' fwd+grad)")")
    r_ef+=("$(ratio "$(us 'elementwise f ')" "$(ms 'elementwise 1M' fwd)")")
    r_eg+=("$(ratio "$(us 'elementwise Grad')" "$(ms 'elementwise 1M' fwd+grad)")")
    r_rf+=("$(ratio "$(us 'recurrence f ')" "$(ms 'scalar chain' fwd)")")
    r_rg+=("$(ratio "$(us 'recurrence Grad')" "$(ms 'scalar chain' fwd+grad)")")
    echo "round $i: mlp f ${r_mf[-1]}, mlp f+grad ${r_mg[-1]}, 1M f ${r_ef[-1]}, 1M f+grad ${r_eg[-1]}, recurrence f ${r_rf[-1]}, f+grad ${r_rg[-1]}  (Cotangent / TorchSharp)"
done
echo "median Cotangent / TorchSharp over $ROUNDS rounds:"
echo "  MLP forward            $(median "${r_mf[@]}")"
echo "  MLP forward + gradient $(median "${r_mg[@]}")"
echo "  1M f64 f               $(median "${r_ef[@]}")"
echo "  1M f64 f + gradient    $(median "${r_eg[@]}")"
echo "  recurrence f           $(median "${r_rf[@]}")"
echo "  recurrence f + grad    $(median "${r_rg[@]}")"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
