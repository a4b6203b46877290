#!/usr/bin/python3
"""Over a slow, lossy or reordering link, the verdicts are the loopback's.

Runs the whole suite in the QEMU guest once on loopback as it is (the
reference), then behind each --link profile ROUNDS times (one boot, --repeat),
and fails when any case or family verdict of any round differs from the
reference, unless that point is an inconclusive SKIP: the link lost the
evidence, and the point says so.  A boot whose guest kernel panics is booted
again (PANIC_BOOTS in all), and each panic is printed.  Prints a table: profile, rounds, points
compared, equal, inconclusive, different.

usage: link_proof.py RUNNER CASES_DIR DIVERGENCES_DIR ROUNDS [PROFILE...]
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_points import run_points  # noqa: E402  (tests/run_points.py)

PROFILES = ["delay=20ms", "loss=2%", "delay=5ms,jitter=5ms,reorder=25%"]


# A boot whose guest kernel panics is booted again, this many times at most:
# the guest kernel's crash (seen: about 1 boot in 10 behind the reordering
# profile, "Fatal exception in interrupt") says nothing of the suite's verdicts
# over the link, and every panic is printed with its oops.
PANIC_BOOTS = 3
panics = []


def run(runner, cases, divs, link=None, rounds=1):
    argv = [runner, "run", "--target", "qemu", "--no-out", "--cases", cases, "--divergences", divs,
            "--repeat", str(rounds)]
    if link:
        argv += ["--link", link]
    t0 = time.monotonic()
    for boot in range(1, PANIC_BOOTS + 1):
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
        panicked = proc.returncode == 2 and "the guest kernel panicked" in proc.stderr
        if not panicked:
            break
        reason = proc.stderr[proc.stderr.index("the guest kernel panicked"):].splitlines()[0]
        panics.append(f"{link or 'loopback'}: boot {boot}: {reason}")
        print(f"link_proof: {link or 'loopback'}: boot {boot} of at most {PANIC_BOOTS}: {reason}",
              file=sys.stderr)
    if proc.returncode == 2 or "1.." not in proc.stdout:
        sys.exit(f"link_proof: {' '.join(argv)} gave no verdict (exit {proc.returncode}):\n"
                 f"{proc.stderr[-2000:]}")
    rounds_seen, current = [], {}
    for key, _, _, status, directive, reason in run_points(proc.stdout):
        if key in current:  # the next round begins
            rounds_seen.append(current)
            current = {}
        current[key] = (status + (" " + directive if directive else ""), reason)
    rounds_seen.append(current)
    return rounds_seen, time.monotonic() - t0


def main():
    runner, cases, divs, rounds = sys.argv[1:5]
    profiles = sys.argv[5:] or PROFILES
    (reference,), ref_s = run(runner, cases, divs)
    print(f"link_proof: loopback reference: {len(reference)} points in {ref_s:.1f} s")
    print(f"{'link':36s} {'rounds':>6s} {'points':>7s} {'equal':>6s} {'inconcl.':>8s} {'differ':>6s} {'time':>7s}")
    failed = False
    for profile in profiles:
        results, secs = run(runner, cases, divs, profile, int(rounds))
        equal = inconclusive = 0
        differ = []
        for n, r in enumerate(results, 1):
            for key, (ref_verdict, _) in reference.items():
                verdict, reason = r.get(key, ("missing", ""))
                if verdict == ref_verdict:
                    equal += 1
                elif "/" in key and verdict == "ok SKIP" and reason.startswith("inconclusive:"):
                    inconclusive += 1
                elif "/" not in key and verdict in ("ok", "ok SKIP") and any(
                        k.startswith(key + "/") and v == ("ok SKIP") and rs.startswith("inconclusive:")
                        for k, (v, rs) in r.items()):
                    inconclusive += 1  # the case's own point follows its inconclusive families
                else:
                    differ.append(f"  round {n}: {key}: {verdict} {reason} (loopback: {ref_verdict})")
        total = equal + inconclusive + len(differ)
        print(f"{profile:36s} {len(results):6d} {total:7d} {equal:6d} {inconclusive:8d} {len(differ):6d} {secs:6.1f}s")
        if len(results) != int(rounds):
            print(f"  {len(results)} rounds reported, {rounds} asked for")
            failed = True
        if differ:
            failed = True
            print("\n".join(differ[:40]))
    if panics:  # not hidden: the table's boots were the ones that did not panic
        print(f"link_proof: {len(panics)} guest kernel panic(s), each booted again:")
        print("\n".join("  " + p for p in panics))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
