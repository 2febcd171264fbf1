"""Summarise tests/bench/run.sh: medians, ratios to the 1-year median and to the sqlite3 floor."""
import json, os, sys

out, years = sys.argv[1], sys.argv[2:]
med, mem = {}, {}
for y in years:
    for f in ("daily.json", "backup.json", "long.json"):
        p = os.path.join(out, f"y{y}", f)
        if os.path.exists(p):
            for r in json.load(open(p))["results"]:
                med[(y, r["command"])] = r["median"] * 1000
    for line in open(os.path.join(out, f"y{y}", "mem.txt")):
        label, kb = line.rstrip("\n").split("\t")
        mem[(y, label)] = int(kb) / 1024

names = []
for (_, n) in med:
    if not n.endswith("/floor") and n not in names:
        names.append(n)
base, last = years[0], years[-1]
head = ["command"] + [f"{y} y (ms)" for y in years] + [f"{y} y ÷ {base} y" for y in years[1:]]
head += [f"÷ floor {y} y" for y in years] + [f"peak MiB {last} y"]
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for n in names:
    row = [n]
    row += [f"{med[(y, n)]:.1f}" if (y, n) in med else "–" for y in years]
    row += [f"{med[(y, n)] / med[(base, n)]:.2f}" if (y, n) in med and (base, n) in med else "–"
            for y in years[1:]]
    row += [f"{med[(y, n)] / med[(y, n + '/floor')]:.1f}" if (y, n + "/floor") in med else "–"
            for y in years]
    row.append(f"{mem[(last, n)]:.1f}" if (last, n) in mem else "–")
    print("| " + " | ".join(row) + " |")
for y in years:
    a, b = med.get((y, "first command of the day")), med.get((y, "remind"))
    if a and b:
        print(f"\nfirst command of the day ÷ a later one ({y} y): {a / b:.2f}")
