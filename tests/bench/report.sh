#!/usr/bin/env bash
# Benchmark of the clinic report (issue 15): PDF and HTML export of the default period and of
# --full (the period plus the appendix, and the whole 20 years) on the 20-year demo diary, as whole processes of the release binary. Prints the median
# wall time of 5 runs and the peak memory (max RSS, /usr/bin/time -v) of each.
# Usage: tests/bench/report.sh [years]   (target: default period < 1 s and < 50 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --bin itp-diary >&2
D=$PWD/target/release/itp-diary
years=${1:-20}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export ITP_DIARY_NOW=2026-03-10T14:30:00+08:00 TZ=Asia/Shanghai ITP_DIARY_CONFIG=$dir/config.toml
export ITP_DIARY_BACKUP=wait   # the daily backup inside the first command, not beside a timing
"$D" --db "$dir/d.sqlite" demo --years "$years" >/dev/null
entries=$("$D" --db "$dir/d.sqlite" list --format json --limit 100000000 | grep -c '"uid"' || true)
echo "| diary | report | time (ms, median of 5) | peak memory (MB) | size (KB) |"
echo "|---|---|---|---|---|"
for fmt in pdf html; do
  for extra in "" "--full" "--full --from 2000-01-01"; do
    times=()
    for _ in 1 2 3 4 5; do
      t0=$(date +%s%N)
      "$D" --db "$dir/d.sqlite" export --format "$fmt" $extra -o "$dir/out" >/dev/null 2>&1
      t1=$(date +%s%N)
      times+=($(( (t1 - t0) / 1000000 )))
      rm -f "$dir/out"
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
    rss=$( { /usr/bin/time -v "$D" --db "$dir/d.sqlite" export --format "$fmt" $extra -o "$dir/out" >/dev/null 2>"$dir/err"; cat "$dir/err"; } 2>&1 | awk '/Maximum resident/ {print $6}')
    size=$(( $(stat -c %s "$dir/out") / 1024 ))
    rm -f "$dir/out"
    echo "| $years years ($entries entries) | $fmt ${extra:-default period} | $median | $(( rss / 1024 )) | $size |"
  done
done
