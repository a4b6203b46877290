"""How cases are run: in parallel up to -j, reported in id order whatever
order they finish in, with the timeout in their environment, and repeated
runs that must agree."""

import os
import re
import time

import pytest

from conftest import case_text, parse_run, sh_quote

# A bounded poll in sh: wait (at most ~5 s) for a file to exist.
def sh_wait_for(path, label):
    return (f"n=0\nwhile [ ! -e {sh_quote(path)} ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n+1)); done\n"
            f"[ -e {sh_quote(path)} ] || {{ echo 'Bail out! {label}: gave up waiting'; exit 1; }}")


def test_jobs_2_runs_two_cases_at_once_and_reports_them_in_id_order(
        sockconf, fake_cases, empty_divergences, tmp_path):
    """a.waits finishes only after b.first has finished: only a parallel run
    passes, and a is still reported first."""
    fc = fake_cases()
    b_done = tmp_path / "b.done"
    fc.add("a.waits", before=sh_wait_for(b_done, "a.waits"))
    fc.add("b.first", after=f"touch {sh_quote(b_done)}")
    r = sockconf("run", "--no-out", "-j", "2", "--timeout", "10", "--cases", fc.dir,
                 "--divergences", empty_divergences)
    assert r.status == 0, r
    assert [l for l in r.out.splitlines() if re.match(r"(not )?ok \d", l)] == \
        ["ok 1 - a.waits", "ok 2 - b.first"], r


def test_jobs_1_runs_one_case_at_a_time(sockconf, fake_cases, empty_divergences, tmp_path):
    """b.second announces that it started; a.first watches for that during a
    named negative window (1 s: long enough for b to start on a loaded
    machine).  Run in parallel, b starts within it and a fails; run one at a
    time, b cannot start before a ends."""
    fc = fake_cases()
    b_started = sh_quote(tmp_path / "b.started")
    fc.add("a.first", before=(
        "n=0  # negative window: 100 polls of 10 ms\n"
        f"while [ ! -e {b_started} ] && [ $n -lt 100 ]; do sleep 0.01; n=$((n+1)); done\n"
        f"[ -e {b_started} ] && {{ echo 'Bail out! b.second runs at the same time'; exit 1; }}"))
    fc.add("b.second", before=f"touch {b_started}")
    r = sockconf("run", "--no-out", "-j", "1", "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 0, r
    assert list(parse_run(r.out)[2]) == ["a.first", "b.second"]
    # the same cases in parallel: the check above can fail
    (tmp_path / "b.started").unlink()
    r = sockconf("run", "--no-out", "-j", "2", "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 1, r
    assert parse_run(r.out)[2]["a.first"].line == "not ok 1 - a.first", r


def test_case_gets_the_timeout_in_its_environment(sockconf, fake_cases, empty_divergences,
                                                  tmp_path):
    """The case library's watchdog fires before the runner kills the case: it
    needs SOCKCONF_TIMEOUT_MS."""
    fc = fake_cases()
    seen = tmp_path / "seen"
    fc.add("a.env", before=f'printf "%s" "$SOCKCONF_TIMEOUT_MS" > {sh_quote(seen)}')
    r = sockconf("run", "--no-out", "--timeout", "2.5", "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 0, r
    assert seen.read_text() == "2500"
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences)
    assert r.status == 0, r
    assert seen.read_text() == "10000"


def test_repeat_reports_a_verdict_that_changes_between_rounds(sockconf, fake_cases,
                                                              empty_divergences, tmp_path):
    fc = fake_cases()
    fc.add("a.good")
    count = sh_quote(tmp_path / "count")
    fails = case_text("b.flaky", points=["not ok 1 - inet", "  ---", '  got: "5"', "  ...",
                                         "ok 2 - inet6", "ok 3 - unix"])
    # round 1 passes, round 2 fails: a different script text per round
    fc.add_script("b.flaky",
                  f"echo x >> {count}\n"
                  f"if [ $(wc -l < {count}) -eq 1 ]; then\n"
                  f"cat <<'EOF'\n{case_text('b.flaky')}EOF\nexit 0\nfi\n"
                  f"cat <<'EOF'\n{fails}EOF\nexit 1\n")
    r = sockconf("run", "--no-out", "--repeat", "2", "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 1, r
    head, plan, cases, tail = parse_run(r.out)
    assert plan == "1..4", r
    lines = r.out.splitlines()
    assert [l for l in lines if re.match(r"(not )?ok \d", l)] == \
        ["ok 1 - a.good", "ok 2 - b.flaky", "ok 3 - a.good", "not ok 4 - b.flaky"], r
    unstable = [l for l in lines if l.startswith("# unstable: ")]
    assert len(unstable) == 1 and unstable[0].startswith("# unstable: b.flaky in round 2: "), r
    assert "inet=fail:5" in unstable[0] and "inet=pass" in unstable[0], r
    assert lines[-1] == "# repeat: 2 rounds, 1 verdict changes", r


def test_case_skipping_every_family_is_a_skip(sockconf, fake_cases, empty_divergences):
    fc = fake_cases()
    fc.add("a.skips", case_text("a.skips", points=["ok 1 - inet # SKIP not here",
                                                   "ok 2 - unix # SKIP nor here"]))
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences)
    assert r.status == 0, r
    rep = parse_run(r.out)[2]["a.skips"]
    assert rep.line == "ok 1 - a.skips # SKIP inet: not here; unix: nor here", r
    assert rep.subtest == ["1..2", "ok 1 - inet # SKIP not here", "ok 2 - unix # SKIP nor here"], r
    assert r.out.splitlines()[-1].endswith(", 1 skipped, 0 do not conform"), r


def idle_cpus(seconds):
    """How many CPUs sat idle over the next `seconds` (Linux: /proc/stat)."""
    def idle_ms():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return (v[3] + v[4]) * 1000 / os.sysconf("SC_CLK_TCK")

    t0, i0 = time.monotonic(), idle_ms()
    time.sleep(seconds)
    return (idle_ms() - i0) / ((time.monotonic() - t0) * 1000)


def test_units_of_long_cases_that_wait_hold_no_slot(sockconf, fake_cases, empty_divergences,
                                                    tmp_path):
    """By default at most 4 units a CPU hold a slot; a unit of a case that took
    400 ms or more last time (run as a process per family), once seen waiting
    while CPU time sat idle, holds none.  More such units than 4 a CPU are made,
    each waiting (bounded, 10 s) until every one has started: the run passes
    only if they all run at once, which the slots alone do not allow."""
    cpus = os.cpu_count() or 1
    if not os.path.exists("/proc/stat"):
        pytest.skip("no /proc/stat: the runner sees no idle CPU time here, and opens no more slots")
    idle = idle_cpus(0.5)
    if idle < 1.0:
        pytest.skip(f"the machine is busy ({idle:.1f} CPUs idle): the runner opens slots for idle CPUs only")
    ncases = 4 * cpus // 3 + 1
    units = 3 * ncases
    started = tmp_path / "started"
    started.mkdir()
    go = tmp_path / "go"
    fc = fake_cases()
    for i in range(ncases):
        name = f"long.{i}"
        points = "\n".join(f"{fam}) cat <<'EOF'\n{case_text(name, points=[f'ok 1 - {fam}'])}EOF\n;;"
                           for fam in ("inet", "inet6", "unix"))
        fc.add_script(name, (
            f"touch {sh_quote(started)}/{name}.$2\n"
            f"if [ -e {sh_quote(go)} ]; then n=0  # bounded: 200 polls of 50 ms\n"
            f"while [ $(ls {sh_quote(started)} | wc -l) -lt {units} ] && [ $n -lt 200 ]; do "
            f"sleep 0.05; n=$((n+1)); done\n"
            f"[ $(ls {sh_quote(started)} | wc -l) -ge {units} ] || "
            f"{{ echo 'Bail out! {name} $2: not all {units} units ran at once'; exit 1; }}\nfi\n"
            f"case \"$2\" in\n{points}\n"
            f"*) cat <<'EOF'\n{case_text(name)}EOF\n;;\nesac\n"))
    # a first run, quick, leaves the cases' times; they are made long ones
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences)
    assert r.status == 0, r
    (times,) = (fc.dir / ".times").iterdir()
    times.write_text("".join(f"long.{i} 1000.0\n" for i in range(ncases)))
    for f in started.iterdir():
        f.unlink()
    go.touch()
    r = sockconf("run", "--no-out", "--timeout", "30", "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 0, r
