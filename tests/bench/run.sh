#!/usr/bin/env bash
# Rerunnable benchmark (not a test): whole processes of the release binary on seeded demo
# diaries of 1, 20 and 100 years, each timed with hyperfine against sqlite3 doing the same data
# work on the same file (its floor), and peak memory with /usr/bin/time -v. Prints one table:
# median per diary, ratio to the 1-year median, ratio to the floor, peak memory at 100 years.
# "first command of the day" runs in the default mode (the backup by a detached process, not
# timed, not in its peak memory); tests/bench/settle.sh waits for that process before the next
# run. ITP_DIARY_BACKUP=wait in the environment times the backup inside the command instead.
# Needs hyperfine (Debian: apt-get install hyperfine), sqlite3, python3.
# Usage: tests/bench/run.sh [YEARS…]   (default: 1 20 100); RUNS=N for the daily commands.
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ -n ${NO_BUILD:-} ]] || cargo build --release --bin itp-diary >&2
D=${ITP_BIN:-$PWD/target/release/itp-diary}
Q=$PWD/tests/bench
for t in hyperfine sqlite3 python3 /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "$t is not installed" >&2; exit 1; }
done
years=("${@:-1 20 100}"); years=(${years[@]})
runs=${RUNS:-10}
out=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$out"
export ITP_DIARY_NOW=2026-03-10T14:30:00+08:00 TZ=Asia/Shanghai LANG=C ITP_DIARY_CONFIG=$out/none.toml
for y in "${years[@]}"; do
  dir=$out/y$y; db=$dir/diary.sqlite
  if [[ ! -f $db ]]; then
    mkdir -p "$dir"
    "$D" --db "$db" demo --years "$y" >&2
  fi
  # Today's automatic backup, outside the timings (made inside the command: nothing runs after).
  ITP_DIARY_BACKUP=wait "$D" --db "$db" list --limit 1 >/dev/null
  n=$(sqlite3 "$db" 'select count(*) from entries')
  echo "## $y years: $n entries" >&2
  r="sqlite3 $db -cmd '.read $Q/remind.sql' .quit"
  snap() { echo "$D --db $db snapshot --size 120x40 $*"; }
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$dir/daily.json" \
    -n "remind" "$D --db $db remind" -n "remind/floor" "$r" \
    -n "status" "$D --db $db status" -n "status/floor" "$r" \
    -n "snapshot today" "$(snap --screen today)" -n "snapshot today/floor" "$r" \
    -n "snapshot reminders" "$(snap --screen reminders)" -n "snapshot reminders/floor" "$r" \
    -n "History open" "$(snap --screen history)" \
    -n "History open/floor" "sqlite3 $db -cmd '.read $Q/remind.sql' -cmd '.read $Q/history.sql' .quit" \
    -n "snapshot trends (3m)" "$(snap --screen trends)" \
    -n "snapshot trends (3m)/floor" "sqlite3 $db -cmd '.read $Q/remind.sql' -cmd '.read $Q/trends3m.sql' .quit" \
    -n "Trends all" "$(snap --screen trends --window all)" \
    -n "Trends all/floor" "sqlite3 $db -cmd '.read $Q/remind.sql' -cmd '.read $Q/trendsall.sql' .quit" \
    >/dev/null 2>&1
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/backup.json" \
    --prepare "$Q/settle.sh $dir $dir/backups" --prepare "$Q/settle.sh $dir $dir/floor-backup.sqlite" \
    -n "first command of the day" "$D --db $db remind" \
    -n "first command of the day/floor" \
      "sqlite3 $db -cmd '.read $Q/remind.sql' -cmd '.backup $dir/floor-backup.sqlite' .quit" \
    >/dev/null 2>&1
  "$Q/settle.sh" "$dir"
  long=$(( runs > 3 ? 3 : runs ))
  args=(-n "list json" "$D --db $db list --format json"
        -n "list json/floor" "sqlite3 -json $db -cmd '.read $Q/list.sql' .quit")
  for f in csv json md html ics fhir; do
    args+=(-n "export $f" "$D --db $db export --format $f"
           -n "export $f/floor" "sqlite3 -csv $db -cmd '.read $Q/export.sql' .quit")
  done
  # The clinic report over the whole history, with its appendix.
  for f in md pdf; do
    args+=(-n "report $f, all years" "$D --db $db export --format $f --full --from 1900-01-01 -o -"
           -n "report $f, all years/floor" "sqlite3 -csv $db -cmd '.read $Q/export.sql' .quit")
  done
  hyperfine -N --warmup 1 --runs "$long" --export-json "$dir/long.json" "${args[@]}" >/dev/null 2>&1
  mem() { # label, then the command's arguments
    local label=$1; shift
    kb=$( { /usr/bin/time -v "$D" --db "$db" "$@" >/dev/null; } 2>&1 | awk -F: '/Maximum resident/ {print $2}')
    printf '%s\t%s\n' "$label" "$kb" >> "$dir/mem.txt"
  }
  : > "$dir/mem.txt"
  mem remind remind; mem status status
  for s in today reminders; do mem "snapshot $s" snapshot --size 120x40 --screen $s; done
  mem "History open" snapshot --size 120x40 --screen history
  mem "snapshot trends (3m)" snapshot --size 120x40 --screen trends
  mem "Trends all" snapshot --size 120x40 --screen trends --window all
  mem "list json" list --format json
  for f in csv json md html ics fhir; do mem "export $f" export --format $f; done
  for f in md pdf; do
    mem "report $f, all years" export --format $f --full --from 1900-01-01 -o -
  done
  rm -rf "$dir/backups"; mem "first command of the day" remind; "$Q/settle.sh" "$dir"
done
python3 "$Q/table.py" "$out" "${years[@]}"
