"""--link: the connections' traffic through tc netem (runner/link.h).

The values are parsed strictly; a kernel without sch_netem (this machine's)
and gVisor refuse with one line; the QEMU guest, whose Debian kernel ships
sch_netem, runs behind the link.  That the link shapes the traffic is shown
by a probe case compiled here: a blocking connect() over 127.0.0.1 and ::1
lasts one round trip, so over delay=20ms it and TCP_INFO's tcpi_rtt are at
least 40 ms (the SYN and the SYN-ACK each leave lo once), and on loopback
as it is they are far below.
"""

import os
import re
import shutil
import subprocess

import pytest

from conftest import parse_run

QEMU = shutil.which("qemu-system-x86_64") and shutil.which("busybox")
TC = shutil.which("tc") or next((p for p in ("/usr/sbin/tc", "/sbin/tc") if os.access(p, os.X_OK)), None)
needs_qemu = pytest.mark.skipif(not (QEMU and TC and shutil.which("cc")),
                                reason="QEMU, busybox, tc or cc is not installed (Debian: apt-get "
                                "install qemu-system-x86 busybox-static iproute2 gcc)")

NO_NETEM = "sockconf: --link needs sch_netem: this kernel has none; use --target qemu"
GUEST_BOUND_S = 300


@pytest.mark.parametrize("value, why", [
    ("", "--link wants delay=MS"),
    ("delay", "is not KEY=VALUE"),
    ("delay=", "bad value '' for delay"),
    ("delay=abc", "bad value 'abc' for delay"),
    ("delay=-5", "bad value '-5' for delay"),
    ("delay=20s", "bad value '20s' for delay"),
    ("delay=10001", "bad value '10001' for delay"),
    ("delay=20,delay=30", "delay given twice"),
    ("delay=20,", "is not KEY=VALUE"),
    ("loss=100%", "bad value '100%' for loss"),
    ("loss=2.5.1", "bad value '2.5.1' for loss"),
    ("loss=0.0001", "bad value '0.0001' for loss"),
    ("loss=2%%", "bad value '2%%' for loss"),
    ("jitter=5", "jitter needs a delay"),
    ("reorder=25", "reorder needs a delay"),
    ("delay=5,jitter=6", "jitter above the delay"),
    ("rate=1mbit", "no such setting 'rate'"),
    ("Delay=20", "no such setting 'Delay'"),
])
def test_bad_link_values_exit_2_with_one_line(sockconf, value, why):
    r = sockconf("run", "--link", value)
    assert r.status == 2, r
    assert r.out == ""
    first = r.err.splitlines()[0]
    assert first.startswith("sockconf: --link") and why in first, r


def test_link_goes_with_run(sockconf):
    r = sockconf("list", "--link", "delay=20ms")
    assert r.status == 2 and r.err.startswith("sockconf: --link goes with run\n"), r


def test_gvisor_has_no_netem(sockconf):
    r = sockconf("run", "--target", "gvisor", "--link", "delay=20ms")
    assert r.status == 2, r
    assert r.err.splitlines()[0] == ("sockconf: --link needs sch_netem: gVisor's netstack has "
                                     "none; use --target qemu"), r


def host_has_netem():
    """tc qdisc add dev lo root netem in a throwaway network namespace."""
    if not (TC and shutil.which("unshare")) or os.geteuid() != 0:
        return False
    r = subprocess.run(["unshare", "--net", TC, "qdisc", "add", "dev", "lo", "root", "netem",
                        "delay", "1ms"], capture_output=True, text=True, timeout=30)
    return r.returncode == 0


def test_native_without_netem_exits_2_with_one_line(sockconf, real_cases_dir, real_divergences_dir,
                                                    tmp_path, scratch_root):
    if host_has_netem():
        pytest.skip("this kernel has sch_netem: the refusal cannot be seen here")
    if os.geteuid() != 0:
        pytest.skip("not root: the run's network namespace is refused first")
    r = sockconf("run", "--link", "delay=20ms", "--out", tmp_path / "res", "--cases",
                 real_cases_dir, "--divergences", real_divergences_dir, "fin.recv_zero")
    assert r.status == 2, r
    assert r.err == NO_NETEM + "\n", r
    assert r.out == ""
    assert not (tmp_path / "res").exists() or list((tmp_path / "res").iterdir()) == []
    assert list(scratch_root.iterdir()) == []


PROBE_C = r"""
/* link.rtt_probe: a blocking connect() over loopback lasts one round trip of the link. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int probe(int family, double *connect_ms, unsigned *rtt_us)
{
	struct sockaddr_storage ss;
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	struct tcp_info ti;
	socklen_t tlen = sizeof ti;
	int l, c, ok;
	double t0;

	memset(&ss, 0, sizeof ss);
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	l = socket(family, SOCK_STREAM, 0);
	c = socket(family, SOCK_STREAM, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&ss, len) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&ss, &len))
		return -1;
	t0 = now_ms();
	ok = connect(c, (struct sockaddr *)&ss, len) == 0;
	*connect_ms = now_ms() - t0;
	ok = ok && getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tlen) == 0;
	*rtt_us = ok ? ti.tcpi_rtt : 0;
	close(c);
	close(l);
	return ok ? 0 : -1;
}

int main(void)
{
	static const int families[] = {AF_INET, AF_INET6};
	const double least = 40; /* delay=20ms, once each way */

	printf("# id: link.rtt_probe\n# claim: a connect() over loopback lasts a round trip of the link\n1..2\n");
	for (int i = 0; i < 2; i++) {
		double ms = 0;
		unsigned rtt = 0;
		int ok = probe(families[i], &ms, &rtt) == 0 && ms >= least && rtt >= least * 1000;
		printf("%sok %d - %s\n", ok ? "" : "not ", i + 1, i ? "inet6" : "inet");
		if (!ok)
			printf("  ---\n  check: \"connect() and tcpi_rtt >= %.0f ms\"\n"
			       "  got: \"connect() took %.2f ms; tcpi_rtt %u us\"\n  ...\n", least, ms, rtt);
	}
	return 0;
}
"""


@pytest.fixture
def link_cases(tmp_path, real_cases_dir):
    """fin.recv_zero, a wire case (fin.on_wire) and the RTT probe."""
    d = tmp_path / "link-cases"
    d.mkdir()
    for case in ("fin.recv_zero", "fin.on_wire"):
        shutil.copy2(real_cases_dir / case, d / case)
    src = tmp_path / "probe.c"
    src.write_text(PROBE_C)
    subprocess.run(["cc", "-std=c11", "-D_DEFAULT_SOURCE", "-O2", "-o", str(d / "link.rtt_probe"),
                    str(src)], check=True, timeout=60)
    return d


def header_of(out):
    """{key: value} of the run's "# key: value" header lines."""
    return dict(re.fullmatch(r"# (\w+): (.*)", line).groups() for line in parse_run(out)[0]
                if re.fullmatch(r"# (\w+): (.*)", line))


def points_of(out, case):
    """{family: 'ok' | 'not ok'} of one case's subtest."""
    block = out.split(f"# Subtest: {case}\n", 1)[1].split("\nok ", 1)[0].split("\nnot ok ", 1)[0]
    return {m.group(2): m.group(1).strip() for m in
            re.finditer(r"^    (ok|not ok) \d+ - (\w+)", block, re.M)}


@needs_qemu
def test_qemu_guest_runs_behind_the_link(sockconf, link_cases, empty_divergences, tmp_path,
                                         scratch_root):
    out_dir = tmp_path / "res"
    r = sockconf("run", "--target", "qemu", "--link", "delay=20ms", "--out", out_dir, "--cases",
                 link_cases, "--divergences", empty_divergences, bound=GUEST_BOUND_S)
    if r.status == 2 and "could not fetch" in r.err:
        pytest.skip(r.err.strip())
    assert r.status == 0, r
    head = header_of(r.out)
    assert head["label"].endswith("-qemu-kernel-x86_64-link-d20ms"), head
    assert "# link: delay=20ms (inet, inet6: netem on lo; unix is not on a link)\n" in r.out
    assert "--link delay=20ms" in head["command"]
    # the guest's runner says it and the host names the file by it: beside the loopback run's
    assert (out_dir / (head["label"] + ".tap")).read_text() == r.out
    assert points_of(r.out, "link.rtt_probe") == {"inet": "ok", "inet6": "ok"}, r
    assert points_of(r.out, "fin.recv_zero") == {"inet": "ok", "inet6": "ok", "unix": "ok"}, r
    assert points_of(r.out, "fin.on_wire")["inet"] == "ok", r
    assert list(scratch_root.iterdir()) == []


@needs_qemu
def test_qemu_probe_sees_no_round_trip_without_the_link(sockconf, link_cases, empty_divergences):
    """The probe tells the link apart: on loopback as it is, its points fail."""
    r = sockconf("run", "--target", "qemu", "--no-out", "--cases", link_cases, "--divergences",
                 empty_divergences, "link.rtt_probe", bound=GUEST_BOUND_S)
    if r.status == 2 and "could not fetch" in r.err:
        pytest.skip(r.err.strip())
    assert r.status == 1, r
    assert "# link:" not in r.out
    assert points_of(r.out, "link.rtt_probe") == {"inet": "not ok", "inet6": "not ok"}, r
