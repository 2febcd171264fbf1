"""Summarise tests/bench/run.sh: medians (wall) and mean CPU time (user + system, steadier on a
shared machine), the ratio to the 1-year figure, the ratio to the sqlite3 floor, peak memory."""
import json, os, sys

out, years = sys.argv[1], sys.argv[2:]
med, cpu, mem = {}, {}, {}
for y in years:
    for f in ("daily.json", "backup.json", "long.json"):
        p = os.path.join(out, f"y{y}", f)
        if os.path.exists(p):
            for r in json.load(open(p))["results"]:
                med[(y, r["command"])] = r["median"] * 1000
                cpu[(y, r["command"])] = (r["user"] + r["system"]) * 1000
    for line in open(os.path.join(out, f"y{y}", "mem.txt")):
        label, kb = line.rstrip("\n").split("\t")
        mem[(y, label)] = int(kb) / 1024

names = []
for (_, n) in med:
    if not n.endswith("/floor") and n not in names:
        names.append(n)
base, last = years[0], years[-1]
sl = "/".join(years)
head = ["command", f"wall ms {sl} y", f"CPU ms {sl} y", f"CPU {last} y ÷ {base} y",
        f"wall ÷ sqlite3 floor {sl} y", f"peak MiB {last} y"]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
fmt = lambda d, n: " / ".join(f"{d[(y, n)]:.0f}" if (y, n) in d else "–" for y in years)
for n in names:
    ratio = cpu[(last, n)] / cpu[(base, n)] if (last, n) in cpu and (base, n) in cpu else None
    floor = " / ".join(f"{med[(y, n)] / med[(y, n + '/floor')]:.1f}" if (y, n + "/floor") in med
                       else "–" for y in years)
    row = [n, fmt(med, n), fmt(cpu, n), f"{ratio:.2f}" if ratio else "–", floor,
           f"{mem[(last, n)]:.1f}" if (last, n) in mem else "–"]
    print("| " + " | ".join(row) + " |")
print()
for y in years:
    a, b = med.get((y, "first command of the day")), med.get((y, "remind"))
    ca, cb = cpu.get((y, "first command of the day")), cpu.get((y, "remind"))
    if a and b:
        print(f"- first command of the day ÷ a later one ({y} y): {a / b:.2f} wall, {ca / cb:.2f} CPU")
