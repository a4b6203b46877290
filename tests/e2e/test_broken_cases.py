"""A case that crashes, hangs, prints garbage or cannot run is reported as
"not ok" with the reason, and never stops the run: the cases around it still
run and pass, and the runner exits 1."""

import subprocess

import pytest

from conftest import case_text, parse_run, process_gone, read_pid, sh_quote, wait_for

GOOD_BEFORE, GOOD_AFTER = "a.good", "z.good"  # sorted around every broken case


def header(cid, plan=3):
    return f"# id: {cid}\n# claim: a fake claim\n1..{plan}\n"


# Each entry: the broken case's id, how to make it, and the exact message the
# runner must give (a function of the cases directory, for paths).
def make_crash(fc, cid, tmp):
    fc.add(cid, header(cid) + "ok 1 - inet\n", after="echo boom >&2\nkill -SEGV $$")


def make_abort(fc, cid, tmp):
    fc.add(cid, header(cid) + "ok 1 - inet\n", after="kill -ABRT $$")


def make_killed(fc, cid, tmp):
    fc.add(cid, header(cid) + "ok 1 - inet\n", after="kill -KILL $$")


def make_hang(fc, cid, tmp):
    fc.add(cid, header(cid), after=f"echo $$ > {sh_quote(tmp / 'hang.pid')}\nexec sleep 1000")


def make_garbage(fc, cid, tmp):
    fc.add(cid, 'hello, "world"\n')


def make_nul_bytes(fc, cid, tmp):
    fc.add(cid, header(cid), after="printf 'ok 1 - inet\\000\\n'")


def make_no_plan(fc, cid, tmp):
    fc.add(cid, f"# id: {cid}\n# claim: a fake claim\nok 1 - inet\nok 2 - inet6\nok 3 - unix\n")


def make_too_few_points(fc, cid, tmp):
    fc.add(cid, header(cid) + "ok 1 - inet\n")


def make_bail_out(fc, cid, tmp):
    fc.add(cid, header(cid) + "Bail out! no sockets here\n")


def make_unterminated_yaml(fc, cid, tmp):
    fc.add(cid, header(cid, 1) + 'not ok 1 - inet\n  ---\n  got: "5"\n', status=1)


def make_wrong_id(fc, cid, tmp):
    fc.add(cid, case_text("somebody.else"))


def make_status_mismatch(fc, cid, tmp):
    fc.add(cid, status=1)  # every point ok, but exit 1


def make_flood(fc, cid, tmp):
    fc.add(cid, header(cid), after="head -c 1100000 /dev/zero | tr '\\000' x")


def make_not_executable(fc, cid, tmp):
    fc.add(cid, mode=0o644)


def make_bad_interpreter(fc, cid, tmp):
    p = fc.path(cid)
    p.write_text("#!/nonexistent/interpreter\n")
    p.chmod(0o755)


BROKEN = {
    "crash": (make_crash, lambda d: "crashed: killed by SIGSEGV (11)"),
    "abort": (make_abort, lambda d: "crashed: killed by SIGABRT (6)"),
    "killed": (make_killed, lambda d: "crashed: killed by SIGKILL (9)"),
    "hang": (make_hang, lambda d: "hang: no result within 2.0 s; killed"),
    "garbage": (make_garbage,
                lambda d: 'unparseable output: line 1: unparseable output: "hello, "world""'),
    "nul_bytes": (make_nul_bytes, lambda d: "unparseable output: output contains NUL bytes"),
    "flood": (make_flood, lambda d: "printed more output than the runner keeps"),
    "no_plan": (make_no_plan, lambda d: "unparseable output: no plan (1..N): the case printed "
                                        "3 points and no plan"),
    "too_few_points": (make_too_few_points,
                       lambda d: "unparseable output: planned 3 points, printed 1"),
    "bail_out": (make_bail_out, lambda d: 'unparseable output: line 4: the case bailed out: '
                                          '"Bail out! no sockets here"'),
    "unterminated_yaml": (make_unterminated_yaml,
                          lambda d: "unparseable output: output ends inside YAML diagnostics"),
    "wrong_id": (make_wrong_id, lambda d: "the program b.wrong_id says it is case 'somebody.else'"),
    "status_mismatch": (make_status_mismatch,
                        lambda d: "exit status 1 does not match its 0 failed points"),
    "not_executable": (make_not_executable,
                       lambda d: f"cannot run {d}/b.not_executable: not an executable file"),
    "bad_interpreter": (make_bad_interpreter,
                        lambda d: f"cannot execute {d}/b.bad_interpreter: No such file or directory"),
}


def assert_good(cases, cid, n):
    assert cases[cid].line == f"ok {n} - {cid}"
    assert cases[cid].subtest == ["1..3", "ok 1 - inet", "ok 2 - inet6", "ok 3 - unix"]


@pytest.fixture
def run_with_broken(sockconf, fake_cases, empty_divergences, tmp_path, pidfiles_to_clean):
    """run_with_broken(kinds, jobs, *more options) -> (FakeCases, Run): the
    broken cases of those kinds between two good ones."""
    def run(kinds, jobs, *more):
        fc = fake_cases()
        fc.add(GOOD_BEFORE)
        fc.add(GOOD_AFTER)
        for kind in kinds:
            BROKEN[kind][0](fc, f"b.{kind}", tmp_path)
        pidfiles_to_clean.append(tmp_path / "hang.pid")
        # 2 s: a loaded machine can take a good part of a second to start sh
        r = sockconf("run", *(more or ["--no-out"]), "-j", jobs, "--timeout", "2",
                     "--cases", fc.dir, "--divergences", empty_divergences)
        return fc, r

    return run


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_case_is_not_ok_with_reason_and_the_run_goes_on(kind, run_with_broken):
    fc, r = run_with_broken([kind], 1)
    assert r.status == 1, r
    head, plan, cases, tail = parse_run(r.out)
    cid = f"b.{kind}"
    assert plan == "1..3", r
    assert list(cases) == [GOOD_BEFORE, cid, GOOD_AFTER], r
    assert_good(cases, GOOD_BEFORE, 1)
    assert_good(cases, GOOD_AFTER, 3)
    assert cases[cid].line == f"not ok 2 - {cid}", r
    assert cases[cid].yaml.get("message") == BROKEN[kind][1](fc.dir), r
    assert tail == ["# 2 conform, 0 follow their own documents, 0 diverge as recorded, 0 recorded "
                    "divergences no longer diverge, 0 documented records no longer hold, 0 skipped, "
                    "1 do not conform"], r


def test_crash_reports_signal_and_stderr(run_with_broken):
    fc, r = run_with_broken(["crash"], 2)
    assert r.status == 1, r
    rep = parse_run(r.out)[2]["b.crash"]
    assert rep.yaml["signal"] == "SIGSEGV (11)", r
    assert rep.yaml["stderr"] == "boom\n", r
    assert "exit" not in rep.yaml, r
    # what it printed before it crashed is shown as printed
    assert rep.subtest == ["1..1", "ok 1 - inet"], r


def test_hang_is_killed_at_the_timeout(run_with_broken, tmp_path):
    fc, r = run_with_broken(["hang"], 2)
    assert r.status == 1, r
    assert r.seconds < 5.0, f"a 2 s timeout took {r.seconds:.2f} s"
    rep = parse_run(r.out)[2]["b.hang"]
    assert rep.line == "not ok 2 - b.hang", r
    assert "hang" in rep.yaml["message"], r
    assert float(rep.yaml["duration_ms"]) >= 2000, r
    assert "exit" not in rep.yaml and "signal" not in rep.yaml, r
    pid = read_pid(tmp_path / "hang.pid")
    assert pid, "the hanging case never started"
    assert wait_for(lambda: process_gone(pid), 5.0), f"the hanging case {pid} still runs"


def test_every_kind_of_broken_case_in_one_parallel_run(run_with_broken, tmp_path):
    out_dir = tmp_path / "results"
    fc, r = run_with_broken(sorted(BROKEN), 4,
                            "--out", out_dir, "--label", "broken")
    assert r.status == 1, r
    assert r.seconds < 5.0, r
    head, plan, cases, tail = parse_run(r.out)
    ids = [GOOD_BEFORE] + [f"b.{k}" for k in sorted(BROKEN)] + [GOOD_AFTER]
    assert plan == f"1..{len(ids)}", r
    assert list(cases) == ids, r
    for n, cid in enumerate(ids, 1):
        if cid.endswith(".good"):
            assert_good(cases, cid, n)
        else:
            assert cases[cid].line == f"not ok {n} - {cid}", r
            assert cases[cid].yaml["message"] == BROKEN[cid[2:]][1](fc.dir), r
    assert tail == [f"# 2 conform, 0 follow their own documents, 0 diverge as recorded, 0 "
                    f"recorded divergences no longer diverge, 0 documented records no longer hold, "
                    f"0 skipped, {len(BROKEN)} do not conform"], r
    # the results file of a failing run is complete, and prove reads it as a failure
    assert (out_dir / "broken.tap").read_text() == r.out
    p = subprocess.run(["prove", "-e", "cat", str(out_dir / "broken.tap")], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr
    assert f"Failed tests:  2-{len(ids) - 1}\n" in p.stdout, p.stdout
    assert "Parse errors" not in p.stdout and "Result: FAIL" in p.stdout, p.stdout


def test_failing_case_is_not_ok_with_its_diagnostics(sockconf, fake_cases, empty_divergences):
    """Not broken, just non-conforming: the family's YAML reaches the output."""
    fc = fake_cases()
    fc.add(GOOD_BEFORE)
    fc.add_failing("c.fails", got="5", family_index=2)
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences)
    assert r.status == 1, r
    cases = parse_run(r.out)[2]
    assert_good(cases, GOOD_BEFORE, 1)
    rep = cases["c.fails"]
    assert rep.line == "not ok 2 - c.fails", r
    assert rep.subtest[:3] == ["1..3", "ok 1 - inet", "not ok 2 - inet6"], r
    assert '  got: "5"' in rep.subtest and '  expected: "== 0"' in rep.subtest, r
    assert "message" not in rep.yaml, r  # not broken: no runner message
    assert rep.yaml["claim"] == "a fake claim" and rep.yaml["exit"] == "1", r


def test_child_left_behind_by_a_case_is_killed(sockconf, fake_cases, empty_divergences, tmp_path,
                                               pidfiles_to_clean):
    fc = fake_cases()
    pidfile = tmp_path / "child.pid"
    pidfiles_to_clean.append(pidfile)
    fc.add("a.forks", before=f"sleep 1000 &\necho $! > {sh_quote(pidfile)}")
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences)
    child = read_pid(pidfile)
    assert r.status == 0, r
    assert parse_run(r.out)[2]["a.forks"].line == "ok 1 - a.forks", r
    assert child, "the case did not start its child"
    assert wait_for(lambda: process_gone(child), 5.0), f"the case's child {child} outlived the run"
