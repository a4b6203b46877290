"""A family that makes no check fails with "no checks made" (lib/check.c), as
git's unit-test library fails a test that asserts nothing: a real case,
built here against the build's libsockconf.a, whose inet family only sets
up and waits, whose inet6 family checks, and whose unix family skips."""

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import closing_lines, parse_run

ROOT = Path(__file__).resolve().parents[2]
CASE_ID = "nc.asserts_nothing"

CASE_SOURCE = r'''
#include "sockconf.h"

static void inet_waits_and_checks_nothing(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	char byte = 'x';

	if (family == SC_UNIX)
		skip("this fake says nothing about AF_UNIX");
	if (family == SC_INET6) {
		check_int(send(c.peer, &byte, 1, 0), ==, 1);
		return;
	}
	send(c.peer, &byte, 1, 0);      /* not checked */
	wait_readable(c.local);          /* a wait is no check */
	note("seen", "data arrived, and nothing was asserted about it");
}

SOCKCONF_CASE(.id = "nc.asserts_nothing", .claim = "a case whose inet family asserts nothing",
	      .families = SC_ALL_FAMILIES, .cites = {{"none", "https://example.invalid/"}},
	      .run = inet_waits_and_checks_nothing);
'''


@pytest.fixture
def built_case(runner, tmp_path):
    """The cases directory holding the one real, linked case."""
    build_dir = Path(runner).parent
    lib = build_dir / "libsockconf.a"
    if not lib.is_file():
        pytest.fail(f"no {lib}: run `make` first")
    src = tmp_path / f"{CASE_ID}.c"
    src.write_text(CASE_SOURCE)
    cases = tmp_path / "cases"
    cases.mkdir()
    libs = ["-lpthread"]
    symbols = subprocess.run(["nm", str(lib)], capture_output=True, text=True).stdout
    if "pcap_create" in symbols:
        libs.insert(0, "-lpcap")
    if "lwip_socket" in symbols:  # the lwIP stack (lib/stack_lwip.c): the Makefile's CASE_LIBS
        libs.insert(0, "-llwip")
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", f"-I{ROOT / 'lib'}", str(src), str(lib),
                    *libs, "-o", str(cases / CASE_ID)], check=True)
    return cases


def test_the_case_itself_fails_the_family_that_asserted_nothing(built_case):
    r = subprocess.run([str(built_case / CASE_ID)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1, r
    lines = r.stdout.splitlines()
    start = lines.index("1..3")
    assert lines[start + 1:] == [
        "not ok 1 - inet",
        "  ---",
        '  message: "no checks made"',
        '  seen: "data arrived, and nothing was asserted about it"',
        "  ...",
        "ok 2 - inet6",
        "ok 3 - unix # SKIP this fake says nothing about AF_UNIX",
    ], r.stdout


def test_one_family_run_alone_fails_the_same_way(built_case):
    r = subprocess.run([str(built_case / CASE_ID), "--family", "inet"], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 1, r
    assert 'message: "no checks made"' in r.stdout, r.stdout
    for family in ("inet6", "unix"):
        r = subprocess.run([str(built_case / CASE_ID), "--family", family], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, r


def test_the_runner_reports_it_as_not_conforming(sockconf, built_case, empty_divergences,
                                                 tmp_path):
    junit = tmp_path / "run.xml"
    r = sockconf("run", "--no-out", "--junit", junit, "--cases", built_case,
                 "--divergences", empty_divergences)
    assert r.status == 1, r
    summary, _ = closing_lines(r.err)
    assert summary.group(6) == "1", r  # one case does not conform
    head, plan, cases, tail = parse_run(r.out)
    case = cases[CASE_ID]
    assert case.line.startswith(f"not ok 1 - {CASE_ID}"), r
    assert " # TODO " not in case.line, r
    assert "not ok 1 - inet" in case.subtest, r
    assert '  message: "no checks made"' in case.subtest, r
    assert "ok 2 - inet6" in case.subtest, r

    failures = [(tc.get("name"), f.get("message"))
                for tc in ET.parse(junit).getroot().iter("testcase")
                for f in tc.findall("failure")]
    assert failures == [("inet", "no checks made")], failures
