#!/usr/bin/env bash
# Rerunnable benchmarks (not tests): in-process figures from the bench binary, whole-process
# figures with hyperfine and /usr/bin/time. Usage: tests/bench/run.sh [trends|tui|all]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --bins
B=target/release/itp-diary-bench
what=${1:-all}
if [[ $what == trends || $what == all ]]; then
  echo "## Trends panel (median of 200 frames; load = median of 20)"; $B trends
fi
if [[ $what == export || $what == all ]]; then
  echo; echo "## Exports (in process, to memory)"; $B export
fi
if [[ $what == tui || $what == all ]]; then
  echo; echo "## Screens (first frame = open the diary + first draw, median of 10)"; $B tui
fi
