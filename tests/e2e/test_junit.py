"""run --junit FILE: the run as JUnit XML beside the TAP, for GitLab's and
Jenkins' test reports.  Well-formed whatever the cases print, counted as the
TAP counts (a recorded divergence is no failure), written whole or not at all."""

import os
import re
import shutil
import signal
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import RUN_BOUND_S, parse_run, read_pid, sh_quote, wait_for

SCHEMA = Path(__file__).resolve().parent / "junit.xsd"
LABEL = "fake-1.0-native"
CHECK = "recv(c.local, buf, sizeof buf, 0) == 0"

FAMILY_POINT = re.compile(r"(not )?ok \d+ - (\S+)( # (SKIP|TODO) .*)?")


def family_points(cases):
    """(case id, family, line) for every family point of the TAP's subtests."""
    points = []
    for cid, rep in cases.items():
        for line in rep.subtest:
            m = FAMILY_POINT.fullmatch(line)
            if m:
                points.append((cid, m.group(2), line))
    return points


def counts(points):
    plain_not_ok = sum(1 for _, _, l in points if FAMILY_POINT.fullmatch(l).group(1)
                       and not FAMILY_POINT.fullmatch(l).group(3))
    skips = sum(1 for _, _, l in points if " # SKIP " in l)
    return plain_not_ok, skips


def all_testcases(root):
    return root.findall("./testsuite/testcase")


def assert_counts_are_the_elements(root):
    """tests/failures/errors/skipped on each testsuite and on testsuites are what they hold."""
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        held = {"tests": len(cases),
                "failures": sum(1 for c in cases if c.find("failure") is not None),
                "errors": sum(1 for c in cases if c.find("error") is not None),
                "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        assert {k: int(suite.get(k)) for k in held} == held, suite.attrib
        times = sum(float(c.get("time")) for c in cases)
        assert abs(float(suite.get("time")) - times) < 0.001 * len(cases) + 0.002, suite.attrib
        for k in total:
            total[k] += held[k]
    assert {k: int(root.get(k)) for k in total} == total, root.attrib
    return total


def validate(path):
    """xmllint against tests/e2e/junit.xsd, where xmllint is installed."""
    if not shutil.which("xmllint"):
        pytest.skip("xmllint is not installed (Debian: apt-get install libxml2-utils)")
    p = subprocess.run(["xmllint", "--noout", "--schema", str(SCHEMA), str(path)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr


# ---- the real cases ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_run(runner, real_cases_dir, real_divergences_dir, tmp_path_factory):
    """One run of the real suite with --junit: (TAP text, exit status, report path, out dir)."""
    d = tmp_path_factory.mktemp("junit-real")
    (d / "tmpdir").mkdir()
    report = d / "reports" / "sockconf.xml"  # its directory is made for it
    p = subprocess.run([str(runner), "run", "--out", str(d / "results"), "--junit", str(report),
                        "--cases", str(real_cases_dir), "--divergences", str(real_divergences_dir)],
                       cwd=d, env=dict(os.environ, TMPDIR=str(d / "tmpdir")), capture_output=True,
                       text=True, timeout=120)
    return p.stdout, p.returncode, report, d


def test_real_run_report_counts_what_the_tap_counts(real_run):
    tap, status, report, _ = real_run
    assert status == 0, tap
    root = ET.parse(report).getroot()  # well-formed, or this raises
    assert root.tag == "testsuites"
    head, plan, cases, tail = parse_run(tap)
    label = next(l[len("# label: "):] for l in head if l.startswith("# label: "))
    assert root.get("name") == label
    assert [s.get("name") for s in root.findall("testsuite")] == [label]

    points = family_points(cases)
    plain_not_ok, skips = counts(points)
    total = assert_counts_are_the_elements(root)
    assert total["tests"] == len(points), (total, len(points))
    assert total["failures"] == plain_not_ok
    assert total["skipped"] == skips
    assert total["errors"] == 0  # no real case is broken
    # one testcase per case and family, in the TAP's order
    assert [(c.get("classname"), c.get("name")) for c in all_testcases(root)] == \
        [(cid, fam) for cid, fam, _ in points]


@pytest.mark.parametrize("words,kind", [("diverges as recorded", "divergence"),
                                        ("conforms to its own documents", "documented")])
def test_real_run_records_pass_with_what_they_did(real_run, words, kind):
    """Both kinds of record pass; the text says which kind, as the TAP does."""
    tap, _, report, _ = real_run
    by_key = {(c.get("classname"), c.get("name")): c for c in all_testcases(ET.parse(report).getroot())}
    recorded = [(cid, fam, l) for cid, fam, l in family_points(parse_run(tap)[2])
                if f" # TODO {words}" in l]
    assert recorded, f"no {kind} record in the real run: the test shows nothing"
    for cid, fam, line in recorded:
        case = by_key[(cid, fam)]
        assert case.find("failure") is None and case.find("skipped") is None, cid
        out = case.find("system-out").text
        got = line.split(f" # TODO {words}: got ", 1)[1]
        assert out.startswith(f"{words}: got {got}\nkind: {kind}\nwhy: "), out
        assert "\nsource: " in out and "\nrecorded: " in out, out


def test_real_run_report_is_valid_and_alone(real_run):
    _, _, report, d = real_run
    assert sorted(p.name for p in report.parent.iterdir()) == ["sockconf.xml"], "a temp file left"
    assert report.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    validate(report)


# ---- fake cases: failures, a crash, divergences, and what needs escaping ------------------


NASTY_CLAIM = 'a <claim> & "quoted" \x01 \x1b[31m end'


def add_nasty(fc, cid):
    """A case whose claim and failing value hold markup, quotes, control bytes and a byte
    that is not UTF-8 (printed with printf: the shell script itself stays text)."""
    got_yaml = r'"<&\"\x01"'
    points = ("1..3\nnot ok 1 - inet\n  ---\n"
              f'  check: "{CHECK}"\n  expected: "== 0"\n  got: {got_yaml}\n'
              f'  at: "{cid}.c:9"\n  ...\nok 2 - inet6\nok 3 - unix\n')
    claim = NASTY_CLAIM.replace("\x01", "\\001").replace("\x1b", "\\033") + " \\377"
    fc.add(cid, points, status=1,
           before=f"printf '# id: {cid}\\n# claim: %b\\n' {sh_quote(claim)}")


class Run:
    def __init__(self, proc):
        self.status, self.out, self.err = proc.returncode, proc.stdout, proc.stderr

    def __repr__(self):
        return f"<exit {self.status}>\n--- stdout\n{self.out}--- stderr\n{self.err}"


@pytest.fixture
def fake_run(runner, fake_cases, tmp_path):
    fc = fake_cases()
    fc.add("a.good")
    fc.add_failing("b.fails", got="5")
    fc.add("c.crash", "# id: c.crash\n# claim: a fake claim\n1..3\nok 1 - inet\n",
           after="echo 'boom <&> \"x\"' >&2\nkill -SEGV $$")
    add_nasty(fc, "d.nasty")
    fc.add_failing("e.diverges", got="5", family_index=2)
    fc.add("f.fixed")
    fc.add("g.skips", "# id: g.skips\n# claim: a fake claim\n1..3\nok 1 - inet\nok 2 - inet6\n"
                      "ok 3 - unix # SKIP no <wire> & no \"peer\"\n")
    fc.add("h.garbage", 'hello, "world" <&>\n')
    divs = tmp_path / "divergences"
    divs.mkdir()
    (divs / "fake.txt").write_text(
        "e.diverges\n    on: fake-*\n    family: inet6\n    kind: divergence\n    got: 5\n"
        "    why: the fake stack keeps <the> data & more\n    source: https://example.org/a?b&c\n"
        "f.fixed\n    on: fake-*\n    family: unix\n    kind: divergence\n"
        "    why: it used to differ\n    source: https://example.org/fixed\n")
    report = tmp_path / "junit.xml"
    (tmp_path / "tmpdir").mkdir()
    # the TAP passes on the case's stray byte as it came: read it leniently
    r = Run(subprocess.run([str(runner), "run", "--no-out", "--label", LABEL, "--timeout", "5",
                            "--junit", str(report), "--cases", str(fc.dir), "--divergences",
                            str(divs)], cwd=tmp_path, capture_output=True, encoding="utf-8",
                           errors="replace", timeout=RUN_BOUND_S,
                           env=dict(os.environ, TMPDIR=str(tmp_path / "tmpdir"))))
    return r, report


def test_fake_run_report_counts_what_the_tap_counts(fake_run):
    r, report = fake_run
    assert r.status == 1, r
    root = ET.parse(report).getroot()
    points = family_points(parse_run(r.out)[2])
    plain_not_ok, skips = counts(points)
    total = assert_counts_are_the_elements(root)
    broken = ["c.crash", "h.garbage"]
    # a testcase per family point, and one per broken case for why it broke
    assert total["tests"] == len(points) + len(broken), r
    assert total["failures"] == plain_not_ok == 2, r  # b.fails inet, d.nasty inet
    assert total["errors"] == len(broken)
    assert total["skipped"] == skips == 1
    errors = [(c.get("classname"), c.get("name")) for c in all_testcases(root)
              if c.find("error") is not None]
    assert errors == [(cid, cid) for cid in broken]


def case_of(root, cid, fam):
    found = [c for c in all_testcases(root) if c.get("classname") == cid and c.get("name") == fam]
    assert len(found) == 1, (cid, fam, len(found))
    return found[0]


def test_failure_carries_check_got_claim_and_the_diagnostics(fake_run):
    root = ET.parse(fake_run[1]).getroot()
    failure = case_of(root, "b.fails", "inet").find("failure")
    assert failure.get("message") == f"{CHECK}: got 5"
    for line in ["claim: a fake claim", f"check: {CHECK}", "syscall: recv", "expected: == 0",
                 "got: 5", "at: b.fails.c:20"]:
        assert line in failure.text.splitlines(), failure.text
    assert case_of(root, "b.fails", "inet6").find("failure") is None


def test_crash_is_an_error_with_signal_and_stderr(fake_run):
    root = ET.parse(fake_run[1]).getroot()
    assert list(case_of(root, "c.crash", "inet")) == []  # printed ok before it crashed
    error = case_of(root, "c.crash", "c.crash").find("error")
    assert error.get("type") == "crash"
    assert error.get("message") == "crashed: killed by SIGSEGV (11)"
    assert "signal: SIGSEGV (11)" in error.text.splitlines()
    assert 'stderr: boom <&> "x"' in error.text.splitlines(), error.text
    garbage = case_of(root, "h.garbage", "h.garbage").find("error")
    assert garbage.get("message").startswith("unparseable output: "), garbage.attrib
    assert '"world" <&>' in garbage.get("message")


def test_divergences_pass_and_say_so(fake_run):
    root = ET.parse(fake_run[1]).getroot()
    diverges = case_of(root, "e.diverges", "inet6")
    assert [e.tag for e in diverges] == ["system-out"]
    assert diverges.find("system-out").text.startswith(
        "diverges as recorded: got 5\nkind: divergence\nwhy: the fake stack keeps <the> data & more\n"
        "source: https://example.org/a?b&c\nrecorded: fake.txt:1\n")
    fixed = case_of(root, "f.fixed", "unix")
    assert [e.tag for e in fixed] == ["system-out"]
    assert fixed.find("system-out").text.startswith("recorded divergence no longer diverges")
    skips = case_of(root, "g.skips", "unix").find("skipped")
    assert skips.get("message") == 'no <wire> & no "peer"'


def test_what_a_case_prints_is_escaped(fake_run):
    r, report = fake_run
    raw = report.read_bytes()
    raw.decode("utf-8")  # UTF-8 throughout: the 0xFF byte was replaced
    for byte in (b"\x01", b"\x1b", b"\xff"):
        assert byte not in raw, byte
    root = ET.parse(report).getroot()
    failure = case_of(root, "d.nasty", "inet").find("failure")
    # the control bytes as visible stand-ins (U+2401, U+241B), the stray byte as U+FFFD
    claim = 'a <claim> & "quoted" \u2401 \u241b[31m end \ufffd'
    assert f"claim: {claim}" in failure.text.splitlines(), failure.text
    assert failure.get("message") == f'{CHECK}: got <&"\u2401'
    assert raw.count(b"&lt;claim&gt; &amp; \"quoted\"") >= 1  # text: quotes may stay
    assert b'message="' + CHECK.encode() + b': got &lt;&amp;&quot;\xe2\x90\x81"' in raw
    validate(report)


def test_repeat_writes_a_testsuite_per_round(sockconf, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    fc.add("a.good")
    fc.add_failing("b.fails")
    report = tmp_path / "junit.xml"
    r = sockconf("run", "--no-out", "--label", LABEL, "--repeat", "2", "--junit", report,
                 "--cases", fc.dir, "--divergences", empty_divergences)
    assert r.status == 1, r
    root = ET.parse(report).getroot()
    assert [s.get("name") for s in root.findall("testsuite")] == \
        [f"{LABEL}, round 1", f"{LABEL}, round 2"]
    assert assert_counts_are_the_elements(root) == \
        {"tests": 12, "failures": 2, "errors": 0, "skipped": 0}


# ---- the command line and the file ---------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (["run", "--junit"], "bad value '' for --junit"),
    (["run", "--junit="], "bad value '' for --junit="),
    (["list", "--junit", "x.xml"], "--junit FILE goes with run"),
    (["run", "--target", "uml", "--junit", "x.xml"],
     "--junit FILE: not with --target uml (native and gvisor runs write it)"),
])
def test_bad_junit_options_exit_2(sockconf, args, message):
    r = sockconf(*args)
    assert r.status == 2, r
    assert r.err.splitlines()[0] == f"sockconf: {message}", r


def test_unwritable_report_stops_the_run_before_it_starts(sockconf, fake_cases, empty_divergences,
                                                          tmp_path):
    fc = fake_cases()
    fc.add("a.good")
    (tmp_path / "a-file").write_text("")
    bad = tmp_path / "a-file" / "junit.xml"
    out_dir = tmp_path / "results"
    r = sockconf("run", "--out", out_dir, "--label", LABEL, "--junit", bad, "--cases", fc.dir,
                 "--divergences", empty_divergences)
    assert r.status == 2, r
    assert r.err == f"sockconf: cannot write the JUnit report {bad}: Not a directory\n", r
    assert r.out == "", r
    assert list(out_dir.iterdir()) == [], "the results file of a run that never started"


def test_interrupted_run_leaves_the_old_report_and_no_temp_file(
        runner, fake_cases, empty_divergences, tmp_path, pidfiles_to_clean):
    fc = fake_cases()
    pidfile = tmp_path / "hang.pid"
    pidfiles_to_clean.append(pidfile)
    fc.add("a.quick")
    fc.add("b.hangs", "# id: b.hangs\n# claim: a fake claim\n1..3\n",
           after=f"echo $$ > {sh_quote(pidfile)}\nexec sleep 1000")
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "junit.xml").write_text("the last run's report\n")
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    proc = subprocess.Popen([str(runner), "run", "-j", "2", "--timeout", "60", "--no-out",
                             "--label", LABEL, "--junit", str(reports / "junit.xml"),
                             "--cases", str(fc.dir), "--divergences", str(empty_divergences)],
                            cwd=tmp_path, env=dict(os.environ, TMPDIR=str(scratch)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: read_pid(pidfile), 10.0), "the hanging case did not start"
        temps = [p.name for p in reports.iterdir() if p.name != "junit.xml"]
        assert len(temps) == 1 and temps[0].startswith(".junit.xml.tmp."), temps
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=RUN_BOUND_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGINT, (out, err)
    assert sorted(p.name for p in reports.iterdir()) == ["junit.xml"]
    assert (reports / "junit.xml").read_text() == "the last run's report\n"
