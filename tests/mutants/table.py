#!/usr/bin/python3
"""Every case against the real stack and against each mutant (mutants.c).

A case is killed by a mutant when any of its verdicts (the case's, or one
family's) differs from the real stack's.  kills.txt says which cases each
mutant must kill: those whose claim is about the behaviour it breaks.
Prints the mutant x case table (X an intended kill, x an extra one, ! an
intended kill missed, - one that cannot be tried here because the case
skips); exits 1 when an intended kill is missed, when kills.txt names an
unknown mutant or case or leaves a mutant out, when a case survives every
mutant, when a mutant kills no case, or when the real stack itself does
not pass.  Extra kills are fine: they are listed, not failed.

With --link SPEC each run, the real stack's too, is one QEMU guest whose
cases reach each other through netem (sockconf run --target qemu --link
SPEC); the mutant goes into the guest as SOCKCONF_PRELOAD (copied into its
initramfs, the guest's LD_PRELOAD) with SOCKCONF_MUTANT, and two guests
boot at a time.

With --target NAME every run is `sockconf run --target NAME` (lwip: the
mutants are lwip_mutants.c, wrapping the lwip_* calls), and --per-group
judges survivors by group: each group of cases (the id's first word) that
runs there must lose at least one case to some mutant.

With --target wine the mutants are win_mutants.c, linked into the Windows
build's cases (CASES_DIR holds them: make mutants-wine), so nothing is
preloaded: each run gets SOCKCONF_MUTANT alone, which reaches each case
through the runner's environment and Wine's, and MUTANTS_SO is instead
win_mutants_list, the native program that prints their catalogue.

--only "FILTER ..." runs only the cases those sockconf filters select (ids,
globs, groups), the real stack's run too; the table judges those.
--intended-only runs each mutant on its intended kills alone (the real
stack on every case): every kill the rules ask for is still tried, in a
fraction of the time, but extra kills are not looked for.

usage: table.py [--link SPEC | --target NAME] [--per-group] [--only FILTERS] [--intended-only]
                RUNNER CASES_DIR MUTANTS_SO [KILLS_TXT]
"""
import concurrent.futures
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from run_points import run_points  # noqa: E402  (tests/run_points.py)

WAIT_MS = "1000"  # every wait's bound: loopback needs microseconds, a broken stack waits it out
KILLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kills.txt")


def run(runner, cases, lib, mutant, link=None, target=None, only=()):
    """Returns the runner's exit status, {point: verdict}, {case: skip reasons}
    and {point: the point's line as printed, less its number}."""
    env = dict(os.environ, SOCKCONF_WAIT_MS=WAIT_MS)
    for name in ("SOCKCONF_MUTANT", "SOCKCONF_PRELOAD"):
        env.pop(name, None)
    where = ["--target", "qemu", "--link", link] if link else ["--target", target] if target else []
    if mutant and link:  # into the guest: this machine's runner and QEMU are not preloaded
        env.update(SOCKCONF_PRELOAD=lib, SOCKCONF_MUTANT=mutant)
    elif mutant and target == "wine":  # linked into the cases: the name is all they need
        env.update(SOCKCONF_MUTANT=mutant)
    elif mutant:
        env.update(LD_PRELOAD=lib, SOCKCONF_MUTANT=mutant)
    proc = subprocess.run(
        [runner, "run", *where, "--no-out", "-j", "2", "--timeout", "8", "--cases", cases,
         "--divergences", "cases/divergences", *only],
        env=env, capture_output=True, text=True, timeout=600)
    verdicts, reasons, shown = {}, {}, {}
    for key, case, name, status, directive, reason in run_points(proc.stdout):
        verdicts[key] = status + (" " + directive if directive else "")
        shown[key] = f"{name} {status}" + (f" # {directive} {reason}".rstrip() if directive else "")
        if case and directive == "SKIP":
            reasons.setdefault(case, set()).add(reason or "(no reason given)")
    return proc.returncode, verdicts, reasons, shown


def read_kills(path, mutant_names, case_ids, source="mutants.c"):
    """kills.txt as {mutant: {case, ...}}, and the errors in it, one line each."""
    intended, errors, listed = {}, [], set()
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            where = f"{os.path.basename(path)}:{number}"
            mutant, wanted = fields[0], fields[1:]
            if mutant not in mutant_names:
                errors.append(f"{where}: no mutant named {mutant} in {source}")
                continue
            listed.add(mutant)
            if not wanted:
                errors.append(f"{where}: {mutant} names no case it must kill")
            for case in wanted:
                if case not in case_ids:
                    errors.append(f"{where}: {mutant}: no case named {case} (cases/{case}.c) among the cases run")
                else:
                    intended.setdefault(mutant, set()).add(case)
    for name in mutant_names:
        if name not in listed:
            errors.append(f"{os.path.basename(path)}: {name} has no line: name the cases it must kill")
    return intended, errors


def main():
    args, link, target, per_group, only, intended_only = sys.argv[1:], None, None, False, [], False
    while args[:1] in (["--link"], ["--target"], ["--per-group"], ["--only"], ["--intended-only"]):
        if args[0] == "--per-group":
            per_group, args = True, args[1:]
        elif args[0] == "--intended-only":
            intended_only, args = True, args[1:]
        elif len(args) > 1 and args[0] == "--only":
            only, args = args[1].split(), args[2:]
        elif len(args) > 1:
            link, target = (args[1], target) if args[0] == "--link" else (link, args[1])
            args = args[2:]
        else:
            break
    if len(args) not in (3, 4):
        print("usage: table.py [--link SPEC | --target NAME] [--per-group] [--only FILTERS] [--intended-only] "
              "RUNNER CASES_DIR MUTANTS_SO [KILLS_TXT]", file=sys.stderr)
        return 2
    runner, cases, lib = args[:3]
    kills_path = args[3] if len(args) > 3 else KILLS
    part = f"mutants-link {link}" if link else f"mutants-{target}" if target else "mutants"
    wine = target == "wine"
    if wine:  # win_mutants_list: the catalogue, from a native build of win_mutants.c
        listing = subprocess.run([lib], capture_output=True, text=True, check=True).stdout
    else:
        listing = subprocess.run(["/bin/true"], env=dict(os.environ, LD_PRELOAD=lib, SOCKCONF_MUTANT="list"),
                                 capture_output=True, text=True, check=True).stdout
    mutants = [line.split("\t") for line in listing.splitlines()]
    names = [name for name, _ in mutants]
    status, real, skip_reasons, _ = run(runner, cases, lib, None, link, target, only)
    if status != 0:
        print(f"{part}: the real stack does not pass (sockconf exit {status})")
        return 1
    ids = sorted(k for k in real if "/" not in k)
    intended, kill_errors = read_kills(kills_path, names, set(ids), "win_mutants.c" if wine else "mutants.c")

    def cases_for(name):  # the sockconf filters of one mutant's run
        return sorted(intended.get(name, ())) if intended_only else only

    def run_mutant(name):
        return run(runner, cases, lib, name, link, target, cases_for(name))

    tried = [name for name in names if cases_for(name) or not intended_only]
    workers = 2 if link else 5 if wine else 3  # a guest takes 2 CPUs; a Wine run mostly waits
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = dict(zip(tried, pool.map(run_mutant, tried)))
    results.update({name: (0, {}, {}, {}) for name in names if name not in tried})

    killed = {name: set() for name in names}
    for name, (_, verdicts, _, _) in results.items():
        for key, verdict in real.items():
            if intended_only and key.split("/")[0] not in intended.get(name, ()):
                continue  # not run under this mutant
            if verdicts.get(key) != verdict:
                killed[name].add(key.split("/")[0])

    width = max(len(i) for i in ids)
    print("mutants (columns)" + (f", each run in a QEMU guest over --link {link}:" if link else ":"))
    for n, (name, breaks) in enumerate(mutants, 1):
        print(f"  {n:2d} {name:24s} {breaks}")
    print(f"\n{'case':{width}s}  " + " ".join(f"{n:2d}" for n in range(1, len(names) + 1))
          + "  killers   (X intended kill, x extra kill, ! intended kill missed, - case skips here"
          + (", . not run: --intended-only)" if intended_only else ")"))
    survivors, skipped, unproven, missed = [], [], [], []
    for case in ids:
        case_skips = real[case] == "ok SKIP"  # e.g. no packet capture here: nothing to kill
        row = []
        for name in names:
            wanted, hit = case in intended.get(name, ()), case in killed[name]
            if wanted and case_skips:
                row.append(" -")
            elif wanted:
                row.append(" X" if hit else " !")
                if not hit:
                    missed.append((name, case))
            else:
                row.append(" x" if hit else " .")
        count = sum(case in killed[name] for name in names)
        if case_skips:
            skipped.append(case)
        elif count == 0:
            survivors.append(case)
        print(f"{case:{width}s}  " + " ".join(row) + f"  {count}")

    idle = [name for name in names if not killed[name]]
    total = sum(len(k) for k in killed.values())
    wanted_total = sum(len(c) for c in intended.values())
    wanted_made = sum(len(c & killed[name]) for name, c in intended.items())
    print(f"\n{len(ids)} cases x {len(names)} mutants: {total} kills, of which "
          f"{wanted_made} intended and {total - wanted_made} extra; "
          f"{wanted_made} of {wanted_total} intended kills made; "
          f"{len(ids) - len(survivors)} of {len(ids)} cases killed; "
          f"{len(names) - len(idle)} of {len(names)} mutants caught")
    winsock = [c for c in ids if c.startswith("winsock.")]
    if wine and winsock:
        print(f"{sum(any(c in killed[n] for n in names) for c in winsock)} of {len(winsock)} winsock.* cases killed, "
              f"{sum(any(c in killed[n] for n in names) for c in ids if c not in winsock)} of "
              f"{len(ids) - len(winsock)} others")
    if intended_only:
        print("  (each mutant ran its intended kills only: extra kills were not looked for)")
    for name in names:
        extra = sorted(killed[name] - intended.get(name, set()))
        if extra:
            print(f"  extra kills of {name} (fine): {' '.join(extra)}")

    # a case for another platform's API only (Winsock) is not this table's: listed, not failed
    elsewhere = [c for c in skipped
                 if all(r.startswith(("Winsock only:", "a Winsock behaviour")) for r in skip_reasons.get(c, ["?"]))]
    for case in elsewhere:
        print(f"{part}: {case} is for Winsock only: no mutant here can reach it")
    skipped = [c for c in skipped if c not in elsewhere]
    for case in (skipped if per_group else []):  # the cases' own skips, with their reasons in the run
        why = "; ".join(sorted(skip_reasons.get(case, ["(no reason given)"])))
        print(f"{part}: {case} skips on {target or 'this stack'}: {why}")
    for case in ([] if per_group else skipped):  # a part of make check that did not run (tests/part-skipped.sh)
        why = "; ".join(sorted(skip_reasons.get(case, ["(no reason given)"])))
        if subprocess.run(["sh", "tests/part-skipped.sh", f"{part} {case}",
                           f"skips here, so no mutant can kill it: {why}"]).returncode:
            unproven.append(case)
    for error in kill_errors:
        print(f"{part}: {error}")
    for name, case in missed:
        shown = results[name][3]
        points = [shown[k] for k in sorted(shown) if k == case or k.startswith(case + "/")]
        print(f"{part}: {name} must kill {case}, but under it {case} reported what it reports "
              f"on the real stack: {'; '.join(points) or '(nothing)'}")
    if per_group:  # a group that runs here must lose a case; a single case may survive
        groups = {}
        for case in ids:
            if case not in skipped and case not in elsewhere:
                groups.setdefault(case.split(".")[0], []).append(case)
        survivors = [f"group {g} ({len(c)} cases run)" for g, c in sorted(groups.items())
                     if not any(case in killed[name] for case in c for name in names)]
        print(f"{len(groups) - len(survivors)} of {len(groups)} groups that run here lose a case to a mutant")
    for case in survivors:
        print(f"{part}: no mutant kills {case}: the case cannot be shown to fail")
    for name in idle:
        print(f"{part}: {name} kills no case: no case notices that behaviour broken")
    return 1 if survivors or idle or unproven or missed or kill_errors else 0


if __name__ == "__main__":
    sys.exit(main())
