#!/usr/bin/env bash
# Rerunnable benchmarks (not tests). In-process figures come from the bench binary; whole
# processes are timed with hyperfine against sqlite3 running the equivalent queries on the same
# file, and peak memory with /usr/bin/time -v. Needs hyperfine (Debian: apt-get install hyperfine).
# Usage: tests/bench/run.sh [trends|tui|export|process|all]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --bins --examples
B=target/release/examples/itp-diary-bench
D=target/release/itp-diary
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
if [[ $what == process || $what == all ]]; then
  command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)"; exit 1; }
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  export ITP_DIARY_NOW=2026-03-10T14:30:00+08:00 TZ=Asia/Shanghai LANG=C ITP_DIARY_CONFIG=$dir/none.toml
  for days in 30 7300; do
    db=$dir/d$days.sqlite
    $B make $days "$db" >/dev/null
    $D --db "$db" list --limit 1 >/dev/null   # the day's automatic backup, outside the timings
    label=$([[ $days == 30 ]] && echo "1 month" || echo "20 years")
    echo; echo "## Whole processes, $label ($(sqlite3 "$db" 'select count(*) from entries') entries)"
    hyperfine -N --warmup 5 --runs 40 --export-markdown "$dir/h.md" \
      -n "itp-diary remind" "$D --db $db remind" \
      -n "itp-diary status" "$D --db $db status" \
      -n "sqlite3 (same queries)" "sqlite3 $db -cmd '.read tests/bench/remind.sql' .quit" \
      -n "itp-diary export csv" "$D --db $db export --format csv" \
      -n "sqlite3 -csv (same rows)" "sqlite3 -csv $db -cmd '.read tests/bench/export.sql' .quit" \
      -n "itp-diary snapshot (first frame)" "$D --db $db snapshot --size 120x40" >/dev/null
    cat "$dir/h.md"
    echo; echo "Peak memory (max RSS):"
    for c in "remind" "status" "export --format csv" "snapshot --size 120x40" "export --format fhir"; do
      kb=$( { /usr/bin/time -v $D --db "$db" $c >/dev/null; } 2>&1 | awk -F: '/Maximum resident/ {print $2}')
      echo "- itp-diary $c: $((kb / 1024)) MB"
    done
  done
fi
