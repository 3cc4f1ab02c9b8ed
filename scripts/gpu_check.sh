#!/usr/bin/env bash
# NVIDIA hardware check: codecarbon's GPU energy against NVML's own energy counters.
#
#   scripts/gpu_check.sh [--workload 'CMD'] [--secs 30] [--write]
#
# Runs a GPU workload under `codecarbon monitor --tracking-mode machine`, reading every GPU's
# nvmlDeviceGetTotalEnergyConsumption before and after (through the nvml plugin's own NVML
# trait), and compares with the run's gpu_energy (target: within 1 %). The default workload is
# a PyTorch matmul loop (needs python3 with torch and CUDA); pass any command with --workload.
# --write appends the result to docs/benchmarks.md.
# Exit status: 0 pass, 1 fail or no NVIDIA GPU/driver, 2 no workload available.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p codecarbon-nvml --example gpu_check
check=target/release/examples/gpu_check
# Say at once when there is no GPU, before building the tracker.
"$check" --probe
cargo build --release --quiet -p codecarbon-cli
exec "$check" --codecarbon target/release/codecarbon "$@"
