"""The calendar read by Python icalendar and the CSV by pandas."""

import datetime as dt
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd

work = Path(sys.argv[1])
failures = []


def fail(msg):
    failures.append(msg)
    print("  FAIL " + msg)


# --- iCalendar -------------------------------------------------------------------------
raw = (work / "calendar.ics").read_bytes()
if b"\r\n" not in raw or raw.replace(b"\r\n", b"").count(b"\n"):
    fail("calendar lines do not all end in CRLF")
cal = icalendar.Calendar.from_ical(raw)
for comp in cal.walk():
    for err in getattr(comp, "errors", []):
        fail(f"{comp.name}: {err}")
if not cal.walk("VTIMEZONE"):
    fail("no VTIMEZONE")
events = cal.walk("VEVENT")
doses = [e for e in events if "MEDICATION" in str(e.get("CATEGORIES").to_ical())]
monitoring = [e for e in events if "MONITORING" in str(e.get("CATEGORIES").to_ical())]
shanghai = ZoneInfo("Asia/Shanghai")
for e in events:
    for prop in ("UID", "DTSTAMP", "DTSTART"):
        if e.get(prop) is None:
            fail(f"event without {prop}: {e.get('SUMMARY')}")
for e in doses:
    start = e.decoded("DTSTART")
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        fail(f"dose event {e.get('UID')}: DTSTART {start!r} has no zone")
        continue
    local = start.astimezone(shanghai)
    if (local.hour, local.minute) != (start.hour, start.minute):
        fail(f"dose event {e.get('UID')}: {start} is {local} in Shanghai")
for e in monitoring:
    start = e.decoded("DTSTART")
    if isinstance(start, dt.datetime):
        fail(f"monitoring event {e.get('UID')} is not all-day")
    if not e.walk("VALARM"):
        fail(f"monitoring event {e.get('UID')} has no alarm")
uids = [str(e.get("UID")) for e in events]
if len(set(uids)) != len(uids):
    fail("duplicate UIDs in the calendar")
# An evening dose read on a phone in Berlin still says 20:00 in Shanghai.
evening = [e for e in doses if e.decoded("DTSTART").astimezone(shanghai).hour == 20]
print(f"  calendar.ics: {len(events)} events ({len(doses)} dose series, {len(monitoring)} "
      f"monitoring dates with alarms), zone {cal.walk('VTIMEZONE')[0].get('TZID')}; "
      f"{len(evening)} evening series")

# --- CSV ------------------------------------------------------------------------------
listed = json.loads((work / "list.json").read_text(encoding="utf-8"))
plain = pd.read_csv(work / "plain.csv", keep_default_na=False, na_values=[""])
excel = pd.read_csv(work / "excel.csv", encoding="utf-8-sig", keep_default_na=False,
                    na_values=[""])
if not (work / "excel.csv").read_bytes().startswith(b"\xef\xbb\xbf"):
    fail("the --lang zh CSV has no byte-order mark")
if list(plain.columns) != list(excel.columns) or plain.columns[0] != "id":
    fail(f"CSV headers differ: {list(plain.columns)[:3]} / {list(excel.columns)[:3]}")
live = [e for e in listed if not e["deleted"]]
if len(plain) != len(live):
    fail(f"plain CSV has {len(plain)} rows, the diary {len(live)} live entries")
if len(excel) != len(listed):
    fail(f"full CSV has {len(excel)} rows, the diary {len(listed)} entries")
if excel["deleted"].dtype != bool:
    fail(f"'deleted' is read as {excel['deleted'].dtype}, not bool")
if not pd.api.types.is_numeric_dtype(plain["value"]):
    fail(f"'value' is read as {plain['value'].dtype}")
if b"\r\n" not in (work / "plain.csv").read_bytes()[:4096]:
    fail("CSV lines do not end in CRLF")
print(f"  plain.csv: {len(plain)} rows x {len(plain.columns)} columns; excel.csv (BOM, "
      f"--deleted): {len(excel)} rows, {int(excel['deleted'].sum())} deleted")
print("  icalendar + pandas: ok" if not failures else f"  icalendar + pandas: {len(failures)} problems")
sys.exit(1 if failures else 0)
