#!/usr/bin/env bash
# Wait (at most 60 s) until the detached daily backup of DIR/diary.sqlite is done: today's copy
# (the day of $ITP_DIARY_NOW) exists and no job holds the lock; then remove each PATH. For
# hyperfine's --prepare around "first command of the day": a job still running from the
# previous run would otherwise recreate a removed backups folder, or run beside the next timing.
# Usage: tests/bench/settle.sh DIR [PATH…]
set -euo pipefail
b=$1/backups
day=${ITP_DIARY_NOW:0:10}
for _ in $(seq 600); do
  if [[ -f $b/diary-auto-$day.sqlite && ! -e $b/diary-auto.lock ]]; then
    shift
    rm -rf "$@"
    exit 0
  fi
  sleep 0.1
done
echo "settle.sh: no automatic backup in $b after 60 s" >&2
exit 1
