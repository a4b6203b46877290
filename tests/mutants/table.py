#!/usr/bin/python3
"""Every case against the real stack and against each mutant (mutants.c).

A case is killed by a mutant when any of its verdicts (the case's, or one
family's) differs from the real stack's.  Prints the mutant x case table;
exits 1 when a case survives every mutant, when a mutant kills no case, or
when the real stack itself does not pass.

usage: table.py RUNNER CASES_DIR MUTANTS_SO
"""
import concurrent.futures
import os
import re
import subprocess
import sys

POINT = re.compile(r"^(\s*)(not ok|ok) \d+ - (\S+)(?: # (TODO|SKIP)(?: (.*))?)?")
WAIT_MS = "1000"  # every wait's bound: loopback needs microseconds, a broken stack waits it out


def run(runner, cases, lib, mutant):
    env = dict(os.environ, SOCKCONF_WAIT_MS=WAIT_MS)
    env.pop("SOCKCONF_MUTANT", None)
    if mutant:
        env.update(LD_PRELOAD=lib, SOCKCONF_MUTANT=mutant)
    proc = subprocess.run(
        [runner, "run", "--no-out", "-j", "2", "--timeout", "8", "--cases", cases,
         "--divergences", "cases/divergences"],
        env=env, capture_output=True, text=True, timeout=600)
    verdicts, reasons, case = {}, {}, None
    for line in proc.stdout.splitlines():
        if line.startswith("# Subtest: "):
            case = line.split()[2]
            continue
        m = POINT.match(line)
        if not m:
            continue
        indent, status, name, directive, reason = m.groups()
        key = f"{case}/{name}" if indent else name
        verdicts[key] = status + (" " + directive if directive else "")
        if indent and directive == "SKIP":
            reasons.setdefault(case, set()).add(reason or "(no reason given)")
    return proc.returncode, verdicts, reasons


def main():
    runner, cases, lib = sys.argv[1:4]
    listing = subprocess.run(["/bin/true"], env=dict(os.environ, LD_PRELOAD=lib, SOCKCONF_MUTANT="list"),
                             capture_output=True, text=True, check=True).stdout
    mutants = [line.split("\t") for line in listing.splitlines()]
    status, real, skip_reasons = run(runner, cases, lib, None)
    if status != 0:
        print(f"mutants: the real stack does not pass (sockconf exit {status})")
        return 1
    ids = sorted(k for k in real if "/" not in k)
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip((m[0] for m in mutants),
                           pool.map(lambda m: run(runner, cases, lib, m[0])[1], mutants)))

    killed = {name: set() for name, _ in mutants}
    for name, verdicts in results.items():
        for key, verdict in real.items():
            if verdicts.get(key) != verdict:
                killed[name].add(key.split("/")[0])

    width = max(len(i) for i in ids)
    print("mutants (columns):")
    for n, (name, breaks) in enumerate(mutants, 1):
        print(f"  {n:2d} {name:24s} {breaks}")
    print(f"\n{'case':{width}s}  " + " ".join(f"{n:2d}" for n in range(1, len(mutants) + 1)) + "  killers")
    survivors, skipped, unproven = [], [], []
    for case in ids:
        row = [" X" if case in killed[name] else " ." for name, _ in mutants]
        count = sum(cell == " X" for cell in row)
        if real[case] == "ok SKIP":  # e.g. no packet capture here: nothing to kill
            skipped.append(case)
        elif count == 0:
            survivors.append(case)
        print(f"{case:{width}s}  " + " ".join(row) + f"  {count}")
    idle = [name for name, _ in mutants if not killed[name]]
    total = sum(len(k) for k in killed.values())
    print(f"\n{len(ids)} cases x {len(mutants)} mutants: {total} kills; "
          f"{len(ids) - len(survivors)} of {len(ids)} cases killed; "
          f"{len(mutants) - len(idle)} of {len(mutants)} mutants caught")
    for case in skipped:  # a part of make check that did not run (tests/part-skipped.sh)
        why = "; ".join(sorted(skip_reasons.get(case, ["(no reason given)"])))
        if subprocess.run(["sh", "tests/part-skipped.sh", f"mutants {case}",
                           f"skips here, so no mutant can kill it: {why}"]).returncode:
            unproven.append(case)
    for case in survivors:
        print(f"mutants: no mutant kills {case}: the case cannot be shown to fail")
    for name in idle:
        print(f"mutants: {name} kills no case: no case notices that behaviour broken")
    return 1 if survivors or idle or unproven else 0


if __name__ == "__main__":
    sys.exit(main())
