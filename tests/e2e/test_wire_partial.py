"""Wire evidence is additive, and a capture that misses packets says so.

Where packet capture is not permitted (no CAP_NET_RAW), a case that mixes
socket and wire checks still runs its socket checks: its points are ok (or
not) by them, with `partial: "wire checks skipped: ..."` in their YAML, in
the run's TAP, JUnit, the matrix and the closing summary.  A case whose
claim rests on the wire alone is a SKIP with the reason.

A capture that dropped packets fails a negative wire check with "capture
dropped N packets", never "nothing was sent": lib/wire_pcap.c's test hook
SOCKCONF_WIRE_FAKE_DROPS=N makes up N drops, and says so in the message.
"""
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import parse_run

NOT_PERMITTED = "packet capture is not permitted here (needs CAP_NET_RAW)"
MIXED = ["rst.data_after_close", "shutrd.nothing_on_wire"]   # socket checks, and wire checks
WIRE_ONLY = ["fin.on_wire", "rst.linger0_on_wire"]            # the claim is on the wire
FAKE_DROPS = "2 packets (2 of them made up by the test hook SOCKCONF_WIRE_FAKE_DROPS)"


def families(report):
    """family -> (point line, {yaml key: value}) of one case's subtest."""
    out, current = {}, None
    for line in report.subtest:
        m = re.match(r"(?:not )?ok \d+ - (\S+)", line)
        if m:
            current = m.group(1)
            out[current] = (line, {})
            continue
        m = re.fullmatch(r"  (\w+): \"(.*)\"", line)
        if m and current:
            out[current][1].setdefault(m.group(1), m.group(2))
    return out


def without_net_raw():
    """The argv prefix that runs the runner without CAP_NET_RAW, or None."""
    if os.geteuid() != 0:
        return []  # an ordinary user has no CAP_NET_RAW to begin with
    if shutil.which("setpriv"):
        return ["setpriv", "--inh-caps=-all", "--bounding-set=-net_raw"]
    if shutil.which("capsh"):
        return ["capsh", "--drop=cap_net_raw", "--"]
    return None


def run_runner(runner, args, prefix=(), env=None, cwd=None):
    if prefix and prefix[0] == "capsh":
        argv = list(prefix) + ["-c", " ".join([str(runner)] + [str(a) for a in args])]
    else:
        argv = list(prefix) + [str(runner)] + [str(a) for a in args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd,
                          env=dict(os.environ, **(env or {})))


@pytest.fixture
def no_capture_run(runner, real_cases_dir, real_divergences_dir, tmp_path):
    prefix = without_net_raw()
    if prefix is None:
        pytest.skip("cannot drop CAP_NET_RAW here (Debian: apt-get install util-linux for setpriv)")
    out = tmp_path / "results"
    junit = tmp_path / "run.xml"
    r = run_runner(runner, ["run", "--cases", real_cases_dir, "--divergences", real_divergences_dir,
                            "--out", out, "--junit", junit] + MIXED + WIRE_ONLY, prefix, cwd=tmp_path)
    _, _, cases, _ = parse_run(r.stdout)
    if NOT_PERMITTED not in families(cases["fin.on_wire"])["inet"][0]:
        pytest.skip("packet capture works here even without CAP_NET_RAW: nothing is skipped")
    return r, cases, out, junit


def test_mixed_cases_run_their_socket_checks_and_say_the_wire_was_skipped(no_capture_run):
    r, cases, _, _ = no_capture_run
    assert r.returncode == 0, r.stdout + r.stderr
    for cid in MIXED:
        for fam in ("inet", "inet6"):
            line, yaml = families(cases[cid])[fam]
            assert "# SKIP" not in line, (cid, line)
            assert yaml.get("partial") == "wire checks skipped: " + NOT_PERMITTED, (cid, fam, yaml)
            assert yaml.get("unchecked"), (cid, fam, yaml)
    line, yaml = families(cases["shutrd.nothing_on_wire"])["inet"]
    assert line == "ok 1 - inet"
    assert "shutdown(SHUT_RD) sends nothing" in yaml["unchecked"]
    assert "RST" in families(cases["rst.data_after_close"])["inet"][1]["unchecked"]


def test_wire_only_cases_stay_skipped_with_the_reason(no_capture_run):
    _, cases, _, _ = no_capture_run
    for cid in WIRE_ONLY:
        for fam in ("inet", "inet6"):
            line, yaml = families(cases[cid])[fam]
            assert line.endswith("# SKIP " + NOT_PERMITTED), (cid, line)
            assert not yaml, (cid, yaml)


def test_summary_counts_the_points_that_ran_in_part(no_capture_run):
    r, _, _, _ = no_capture_run
    assert f"sockconf: skipped 4 inet/inet6 points: {NOT_PERMITTED}\n" in r.stderr, r.stderr
    assert f"sockconf: 4 points ran in part: wire checks skipped: {NOT_PERMITTED}\n" in r.stderr, r.stderr


def test_junit_passes_the_partial_points_with_a_note(no_capture_run):
    _, _, _, junit = no_capture_run
    root = ET.parse(junit).getroot()
    case = root.find("./testsuite/testcase[@classname='shutrd.nothing_on_wire'][@name='inet']")
    assert case is not None
    assert case.find("skipped") is None and case.find("failure") is None
    assert "wire checks skipped: " + NOT_PERMITTED in case.find("system-out").text
    skipped = root.find("./testsuite/testcase[@classname='fin.on_wire'][@name='inet']/skipped")
    assert skipped is not None and skipped.get("message") == NOT_PERMITTED


def test_matrix_cell_says_conforms_and_what_was_skipped(no_capture_run, runner, real_cases_dir):
    _, _, out, _ = no_capture_run
    for f in out.glob("*.partial.tap"):  # a filtered run's file: the matrix takes whole runs only
        f.rename(f.with_name(f.name.replace(".partial.tap", ".tap")))
    m = run_runner(runner, ["matrix", "--results", out, "--cases", real_cases_dir])
    assert m.returncode == 0, m.stdout + m.stderr
    row = next(l for l in (out / "MATRIX.md").read_text().splitlines()
               if l.startswith("| `shutrd.nothing_on_wire` |"))
    assert f"conforms (inet, inet6: wire checks skipped: {NOT_PERMITTED}" in row, row


def test_prove_reads_the_partial_points(no_capture_run):
    _, _, out, _ = no_capture_run
    prove = shutil.which("prove")
    if not prove:
        pytest.skip("prove is not installed (Debian: apt-get install perl)")
    results = next(out.glob("*.tap"))
    p = subprocess.run([prove, "-e", "cat", str(results)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "Result: PASS" in p.stdout, p.stdout + p.stderr


def test_dropped_packets_fail_negative_wire_checks(runner, real_cases_dir, real_divergences_dir,
                                                   tmp_path):
    args = ["run", "--no-out", "--cases", real_cases_dir, "--divergences", real_divergences_dir,
            "fin.on_wire", "shutrd.nothing_on_wire", "rst.data_after_close"]
    plain = run_runner(runner, args, cwd=tmp_path)
    if "# SKIP" in families(parse_run(plain.stdout)[2]["fin.on_wire"])["inet"][0]:
        pytest.skip("packet capture is not possible here: no drops to count")
    r = run_runner(runner, args, env={"SOCKCONF_WIRE_FAKE_DROPS": "2"}, cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    _, _, cases, _ = parse_run(r.stdout)
    for cid in ("fin.on_wire", "shutrd.nothing_on_wire"):  # a count, and a quiet window
        for fam in ("inet", "inet6"):
            line, yaml = families(cases[cid])[fam]
            assert line.startswith("not ok "), (cid, line)
            assert yaml["message"].startswith("capture dropped " + FAKE_DROPS), yaml
    # a segment seen is seen, whatever was dropped besides: the positive wait stands
    for fam in ("inet", "inet6"):
        line, yaml = families(cases["rst.data_after_close"])[fam]
        assert "capture dropped" not in yaml.get("message", ""), (line, yaml)
