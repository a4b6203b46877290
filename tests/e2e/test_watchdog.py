"""lib's watchdog: a real case (linked with lib) that blocks inside a socket
call is reported by the case itself, before the runner's timeout: a "not ok"
naming the call it was stuck in, SKIPs for the families it never reached,
and well-formed TAP."""

import subprocess
from pathlib import Path

from conftest import parse_run

ROOT = Path(__file__).resolve().parents[2]

BLOCKING_CASE = r'''
#include "sockconf.h"

static void recv_with_nothing_coming(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	char buf[4];

	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0); /* nothing ever arrives: blocks */
}

SOCKCONF_CASE(.id = "w.blocks", .claim = "a case that blocks", .families = SC_ALL_FAMILIES,
	      .cites = {{"none", "https://example.invalid/"}}, .run = recv_with_nothing_coming);
'''


def build_case(tmp_path, build_dir):
    src = tmp_path / "w.blocks.c"
    src.write_text(BLOCKING_CASE)
    cases = tmp_path / "cases"
    cases.mkdir()
    libs = ["-lpthread"]
    symbols = subprocess.run(["nm", str(build_dir / "libsockconf.a")], capture_output=True,
                             text=True).stdout
    if "pcap_create" in symbols:
        libs.insert(0, "-lpcap")
    if "lwip_socket" in symbols:  # the lwIP stack (lib/stack_lwip.c): the Makefile's CASE_LIBS
        libs.insert(0, "-llwip")
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", f"-I{ROOT / 'lib'}", str(src),
                    str(build_dir / "libsockconf.a"), *libs, "-o", str(cases / "w.blocks")],
                   check=True)
    return cases


def test_watchdog_reports_the_blocked_call_before_the_runner_kills(sockconf, runner, tmp_path,
                                                                  empty_divergences):
    cases = build_case(tmp_path, Path(runner).parent)
    r = sockconf("run", "--no-out", "--timeout", "1", "--cases", cases,
                 "--divergences", empty_divergences)
    assert r.status == 1, r
    assert r.seconds < 5, r
    head, plan, report, tail = parse_run(r.out)
    case = report["w.blocks"]
    assert case.line == "not ok 1 - w.blocks", r
    assert case.subtest[0] == "1..3", r
    assert case.subtest[1] == "not ok 1 - inet", r
    assert 'message: "watchdog: no progress within 900 ms"' in r.out, r
    assert 'step: "inside recv()"' in r.out, r
    assert case.subtest[-2:] == ["ok 2 - inet6 # SKIP not run: the watchdog fired earlier",
                                 "ok 3 - unix # SKIP not run: the watchdog fired earlier"], r
    assert "hang" not in case.yaml.get("message", ""), r  # the case spoke first
