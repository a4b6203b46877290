"""The stack as a dimension of the run: --target lwip and --target lwip-linux.

Fake cases answer `CASE --stack` as lib/case_main.c does ("NAME VERSION",
or exit 2 with the reason) and say what they were given: their SOCKCONF_*
settings and, for lwip-linux, the network namespace and tap they run in.
lwip-linux needs root and /dev/net/tun (skipped as a limit of the host
otherwise); two tests take them away on purpose (a capability bounding set
without CAP_SYS_ADMIN, a tmpfs over /dev/net) to see the one-line refusal.
The real cases run on both targets where the build has lwIP.
"""

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import RUNNER, parse_run, process_gone, read_pid, wait_for

TAP = "sclwip0"
MACHINE = os.uname().machine
HOST = f"{os.uname().sysname} {os.uname().release} {os.uname().machine}"
LWIP_LABEL = f"lwip-2.1.3-lwip-{MACHINE}"
LWIP_LINUX_LABEL = f"lwip-2.1.3-lwip_linux-lwip-{MACHINE}"
CONTRACT = ["SOCKCONF_STACK", "SOCKCONF_PEER_STACK", "SOCKCONF_LWIP_NETIF", "SOCKCONF_LWIP_ADDR4",
            "SOCKCONF_LWIP_ADDR6", "SOCKCONF_KERNEL_ADDR4", "SOCKCONF_KERNEL_ADDR6"]

needs_tap = pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/dev/net/tun"),
    reason="host: --target lwip-linux needs root and /dev/net/tun (a namespace and a tap per case)")
QEMU = shutil.which("qemu-system-x86_64") and shutil.which("busybox")
needs_qemu = pytest.mark.skipif(not QEMU, reason="QEMU or busybox is not installed "
                                "(Debian: apt-get install qemu-system-x86 busybox-static)")

# what lib/case_main.c answers: lwIP's version for lwip, the kernel's name alone otherwise
ANSWER_STACK = '''if [ "$1" = --stack ]; then
  case "$SOCKCONF_STACK" in
    lwip) echo "lwip 2.1.3" ;;
    ""|kernel) echo kernel ;;
    *) echo "SOCKCONF_STACK=$SOCKCONF_STACK: no such stack" >&2; exit 2 ;;
  esac
  exit 0
fi
'''


def says_where(report_dir):
    """Shell that writes, per case, its settings and (when it has one) its tap's state."""
    return (f'd={report_dir}/$(basename "$0"); mkdir -p "$d"\n'
            'env | grep "^SOCKCONF_" | grep -v "^SOCKCONF_CASE_MARK" | sort >"$d/env"\n'
            'readlink /proc/self/ns/net >"$d/ns"\n'
            # a mark left in the namespace: the next case finds it if it shares this one
            # (an inode number alone may be a freed namespace's, reused); never in this one
            f'if [ "$(cat "$d/ns")" = "{os.readlink("/proc/self/ns/net")}" ]; then echo here >"$d/mark"\n'
            'elif /usr/sbin/ip addr add 10.99.0.9/32 dev lo 2>/dev/null; then echo fresh >"$d/mark"\n'
            'else echo shared >"$d/mark"; fi\n'
            # /sys shows the namespace it was mounted in: ask the kernel instead
            f'if /usr/sbin/ip -o link show dev {TAP} >"$d/link" 2>/dev/null; then\n'
            f'  /usr/sbin/ip -o addr show dev {TAP} >"$d/addr"\n'
            f'  /usr/sbin/ip -o route show dev {TAP} >"$d/route"\n'
            'fi\n')


def header_of(out):
    head = parse_run(out)[0]
    return dict(m.groups() for m in (re.fullmatch(r"# ([\w-]+): (.*)", l) for l in head) if m)


def settings(path):
    return dict(l.split("=", 1) for l in Path(path).read_text().splitlines())


def holders_of(ns):
    """Processes (or their open descriptors) that keep network namespace ns alive."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if os.readlink(d / "ns" / "net") == ns:
                found.append(d.name)
                continue
            for fd in (d / "fd").iterdir():
                if os.readlink(fd) == ns:
                    found.append(f"{d.name} (fd {fd.name})")
        except OSError:
            continue
    return found


def assert_nothing_left(namespaces):
    """The namespaces the cases ran in are gone, and no tap of ours is on this machine."""
    for ns in namespaces:
        assert wait_for(lambda: holders_of(ns) == [], 5.0), f"{ns} still held: {holders_of(ns)}"
        assert ns not in Path("/proc/self/mountinfo").read_text()  # never named or mounted
    assert not Path(f"/sys/class/net/{TAP}").exists()
    assert TAP not in Path("/proc/net/dev").read_text()
    assert "10.77.0." not in Path("/proc/net/fib_trie").read_text()
    assert not any(l.startswith("fd77") for l in Path("/proc/net/if_inet6").read_text().splitlines())


# ---- lwip: both ends on lwIP, in the case's process ---------------------------------------


def test_lwip_gives_each_case_lwips_settings_and_the_run_the_stacks_identity(
        sockconf, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    where = tmp_path / "where"
    for name in ("a.one", "b.two"):
        fc.add(name, before=ANSWER_STACK + says_where(where))
    out_dir = tmp_path / "res"
    junit = tmp_path / "junit.xml"
    # a stray setting in the runner's environment does not reach the cases: the target's does
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "lwip",
                 "--out", out_dir, "--junit", junit,
                 env={"SOCKCONF_PEER_STACK": "kernel", "SOCKCONF_LWIP_NETIF": "tap:elsewhere"})
    assert r.status == 0, r
    h = header_of(r.out)
    assert h["label"] == LWIP_LABEL, h
    assert (h["target"], h["os"], h["kernel"], h["stack"], h["stack-version"]) == \
        ("lwip", "lwip", "2.1.3", "lwip", "2.1.3"), h
    assert h["host"] == HOST and h["machine"] == MACHINE, h
    assert "peer-stack" not in h  # both ends on lwIP
    assert "# sysctl (none: lwIP is configured when it is built, in lwipopts.h)" in r.out
    assert [p.name for p in out_dir.iterdir()] == [LWIP_LABEL + ".tap"]
    for name in ("a.one", "b.two"):
        s = settings(where / name / "env")
        assert {k: s.get(k) for k in ("SOCKCONF_STACK", "SOCKCONF_PEER_STACK", "SOCKCONF_LWIP_NETIF")} \
            == {"SOCKCONF_STACK": "lwip", "SOCKCONF_PEER_STACK": "lwip", "SOCKCONF_LWIP_NETIF": "loop"}
        assert (where / name / "ns").read_text() == os.readlink("/proc/self/ns/net") + "\n"
    xml = junit.read_text()
    for prop in ('name="stack" value="lwip"', 'name="stack-version" value="2.1.3"',
                 f'name="host" value="{HOST}"', f'name="label" value="{LWIP_LABEL}"'):
        assert prop in xml, xml


def test_a_build_without_the_stack_stops_the_run_with_the_cases_line(
        sockconf, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    ran = tmp_path / "ran"
    reason = ("SOCKCONF_STACK=lwip: this build has no lwip stack (built without liblwip-dev: "
              "Debian: apt-get install liblwip-dev)")
    fc.add("a.case", before=f'[ "$1" = --stack ] && {{ echo "{reason}" >&2; exit 2; }}\n'
                            f"touch '{ran}'")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "lwip",
                 "--out", tmp_path / "res")
    assert r.status == 2, r
    assert r.err.splitlines() == [f"sockconf: --target lwip: {reason}"], r
    assert r.out == "" and not ran.exists() and not (tmp_path / "res").exists(), r


@pytest.mark.parametrize("answer, said", [
    ('echo "usage: x [--describe | --family inet|inet6|unix]" >&2; exit 2',
     "a.case does not know --stack (built before lib had it?): usage: x [--describe | --family "
     "inet|inet6|unix]"),
    ("echo kernel; exit 0",
     "asked for SOCKCONF_STACK=lwip, the first case says it runs 'kernel' (a case built before "
     "lib read SOCKCONF_STACK?)"),
    ("echo 'lwip 2.1.3 and more'; exit 0", "a.case --stack: exit 0, and no 'NAME VERSION' line: "
     "lwip 2.1.3 and more"),
    ("exit 1", "a.case --stack: exit 1, and no 'NAME VERSION' line"),
])
def test_a_case_that_cannot_say_its_stack_stops_the_run(sockconf, fake_cases, empty_divergences,
                                                        answer, said):
    fc = fake_cases()
    fc.add("a.case", before=f'if [ "$1" = --stack ]; then {answer}; fi')
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "lwip",
                 "--no-out")
    assert r.status == 2, r
    assert r.err.splitlines() == [f"sockconf: --target lwip: {said}"], r


def test_the_first_runnable_case_is_asked(sockconf, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    fc.add("a.broken", mode=0o644)  # not executable: a broken case in the plan, not asked
    fc.add("b.case", before=ANSWER_STACK)
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "lwip",
                 "--no-out")
    assert r.status == 1, r  # a.broken does not conform
    assert header_of(r.out)["label"] == LWIP_LABEL


def failing_lwip_case(fc, name="a.keeps"):
    fc.add_failing(name, got="5")
    body = fc.path(name).read_text().replace("#!/bin/sh\n", "#!/bin/sh\n" + ANSWER_STACK, 1)
    fc.path(name).write_text(body)


def record(divs, on, kind="divergence", source="https://example.org/lwip-keeps-it", case="a.keeps"):
    (divs / "records.txt").write_text(f"{case}\n    on: {on}\n    kind: {kind}\n"
                                      f"    why: the stack keeps the data\n    source: {source}\n")


def test_a_linux_record_never_applies_to_an_lwip_run(sockconf, fake_cases, tmp_path):
    fc = fake_cases()
    failing_lwip_case(fc)
    divs = tmp_path / "divs"
    divs.mkdir()
    record(divs, "linux-*")
    r = sockconf("--cases", fc.dir, "--divergences", divs, "run", "--target", "lwip", "--no-out")
    assert r.status == 1, r
    cases = parse_run(r.out)[2]
    assert cases["a.keeps"].line == "not ok 1 - a.keeps", r
    assert "TODO" not in r.out and "the stack keeps the data" not in r.out, r
    # the same record on this machine's kernel applies: the record is fine, the label is not Linux's
    native = sockconf("--cases", fc.dir, "--divergences", divs, "run", "--no-out")
    if native.out and header_of(native.out)["label"].startswith("linux-"):
        assert native.status == 0, native


def test_an_lwip_record_applies_to_an_lwip_run(sockconf, fake_cases, tmp_path):
    fc = fake_cases()
    failing_lwip_case(fc)
    divs = tmp_path / "divs"
    divs.mkdir()
    record(divs, "lwip-*")
    r = sockconf("--cases", fc.dir, "--divergences", divs, "run", "--target", "lwip", "--no-out")
    assert r.status == 0, r
    assert "# TODO diverges as recorded: got 5" in r.out, r
    native = sockconf("--cases", fc.dir, "--divergences", divs, "run", "--no-out")
    assert native.status == 1, native  # and never to the kernel's


@pytest.mark.parametrize("source", [
    "https://github.com/lwip-tcpip/lwip/blob/STABLE-2_1_3_RELEASE/src/api/sockets.c#L1000",
    "https://git.savannah.nongnu.org/cgit/lwip.git/tree/src/core/tcp.c?h=STABLE-2_1_3_RELEASE",
    "https://sources.debian.org/src/lwip/2.1.3+dfsg1-2/src/core/tcp_in.c/#L500",
    "https://www.nongnu.org/lwip/2_1_x/group__socket.html",
])
def test_a_documented_lwip_record_may_cite_lwips_own_documents(sockconf, fake_cases, tmp_path,
                                                              source):
    fc = fake_cases()
    failing_lwip_case(fc)
    divs = tmp_path / "divs"
    divs.mkdir()
    record(divs, "lwip-*", kind="documented", source=source)
    r = sockconf("--cases", fc.dir, "--divergences", divs, "run", "--target", "lwip", "--no-out")
    assert r.status == 0, r
    assert "# TODO conforms to its own documents: got 5" in r.out, r


def test_a_documented_lwip_record_citing_linux_is_refused(sockconf, fake_cases, tmp_path):
    fc = fake_cases()
    failing_lwip_case(fc)
    divs = tmp_path / "divs"
    divs.mkdir()
    record(divs, "lwip-*", kind="documented", source="https://man7.org/linux/man-pages/man7/tcp.7.html")
    r = sockconf("--cases", fc.dir, "--divergences", divs, "run", "--target", "lwip", "--no-out")
    assert r.status == 2, r
    assert r.err.splitlines()[0] == ("sockconf: records.txt:1: documented record a.keeps cites none "
                                     "of lwip's own documents (a source under "
                                     "https://www.nongnu.org/lwip/, ...)"), r


def test_link_is_refused_with_the_lwip_targets(sockconf):
    for target in ("lwip", "lwip-linux"):
        r = sockconf("run", "--target", target, "--link", "delay=20ms")
        assert r.status == 2, r
        assert r.err.splitlines()[0] == (
            f"sockconf: --link puts netem on the kernel's loopback: not with --target {target}, "
            "whose connections do not cross it"), r


def test_help_and_the_manual_name_the_lwip_targets(sockconf):
    r = sockconf("--help")
    assert "lwip: each case on lwIP" in r.out and "lwip-linux: the case's end on lwIP" in r.out, r
    page = (Path(__file__).resolve().parents[2] / "runner" / "sockconf.1").read_text()
    assert ".B lwip\\-linux" in page and ".B lwip\n" in page


# ---- a stack named in the runner's environment (what a guest's runner is given) -----------


def test_a_native_run_told_a_stack_is_labelled_by_it(sockconf, fake_cases, empty_divergences,
                                                      tmp_path):
    fc = fake_cases()
    fc.add("a.case", before=ANSWER_STACK)
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 env={"SOCKCONF_STACK": "lwip", "SOCKCONF_PEER_STACK": "kernel"})
    assert r.status == 0, r
    h = header_of(r.out)
    assert h["label"] == f"lwip-2.1.3-native-lwip-{MACHINE}-peer-kernel", h
    assert h["peer-stack"] == f"kernel {os.uname().release}" and h["host"] == HOST, h
    plain = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                     env={"SOCKCONF_STACK": "kernel"})
    h = header_of(plain.out)
    release = re.match(r"[\d.]*\d", os.uname().release).group(0)
    assert h["label"] == f"linux-{release}-native-kernel-{MACHINE}", h  # native labels stay
    assert h["stack-version"] == os.uname().release and "host" not in h, h


# ---- lwip-linux: lwIP against this machine's kernel, over a tap ---------------------------


@needs_tap
def test_lwip_linux_runs_each_case_in_a_namespace_of_its_own_with_the_tap(
        sockconf, fake_cases, empty_divergences, tmp_path):
    if not os.access("/usr/sbin/ip", os.X_OK):
        pytest.skip("ip is not installed (Debian: apt-get install iproute2)")
    fc = fake_cases()
    where = tmp_path / "where"
    names = [f"t.case{i}" for i in range(4)]
    for name in names:
        fc.add(name, before=ANSWER_STACK + says_where(where))
    out_dir = tmp_path / "res"
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target",
                 "lwip-linux", "-j", "2", "--out", out_dir)
    assert r.status == 0, r
    h = header_of(r.out)
    assert h["label"] == LWIP_LINUX_LABEL, h
    assert (h["target"], h["os"], h["kernel"], h["stack"], h["stack-version"]) == \
        ("lwip-linux", "lwip", "2.1.3", "lwip", "2.1.3"), h
    assert h["peer-stack"] == f"kernel {os.uname().release}" and h["host"] == HOST, h
    assert [p.name for p in out_dir.iterdir()] == [LWIP_LINUX_LABEL + ".tap"]
    assert re.search(r"^# sysctl net\.ipv4\.tcp_fin_timeout = \d+$", r.out, re.M), r

    here = os.readlink("/proc/self/ns/net")
    namespaces = set()
    for name in names:
        d = where / name
        s = settings(d / "env")
        assert {k: s.get(k) for k in CONTRACT} == {
            "SOCKCONF_STACK": "lwip", "SOCKCONF_PEER_STACK": "kernel",
            "SOCKCONF_LWIP_NETIF": f"tap:{TAP}",
            "SOCKCONF_LWIP_ADDR4": "10.77.0.2", "SOCKCONF_LWIP_ADDR6": "fd77::2",
            "SOCKCONF_KERNEL_ADDR4": "10.77.0.1", "SOCKCONF_KERNEL_ADDR6": "fd77::1"}, s
        ns = (d / "ns").read_text().strip()
        assert ns != here
        namespaces.add(ns)
        # IPv6 needs 1280 on the kernel's side; the route to lwIP's IPv4 address holds 576
        assert " mtu 1280 " in (d / "link").read_text()
        addr = (d / "addr").read_text()
        assert "inet 10.77.0.1/24 " in addr and "inet6 fd77::1/64 " in addr, addr
        assert "tentative" not in addr, addr
        assert re.search(r"^10\.77\.0\.2 .*mtu lock 576", (d / "route").read_text(), re.M)
    # one each, -j 2 or not: no case found the mark an earlier one left in its namespace
    assert {name: (where / name / "mark").read_text().strip() for name in names} == \
        {name: "fresh" for name in names}
    assert_nothing_left(namespaces)


@needs_tap
@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT", "SIGKILL", "timeout"])
def test_lwip_linux_leaves_no_namespace_or_tap_behind(runner, fake_cases, empty_divergences,
                                                      tmp_path, pidfiles_to_clean, how):
    fc = fake_cases()
    where = tmp_path / "where"
    pidfile = tmp_path / "pid"
    pidfiles_to_clean.append(pidfile)
    fc.add("a.hangs", before=ANSWER_STACK + says_where(where) + f"echo $$ >'{pidfile}'\nsleep 60")
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    proc = subprocess.Popen([str(runner), "--cases", str(fc.dir), "--divergences",
                             str(empty_divergences), "run", "--target", "lwip-linux", "--no-out",
                             "--timeout", "1.5" if how == "timeout" else "30"],
                            cwd=tmp_path, env=dict(os.environ, TMPDIR=str(scratch)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pid = wait_for(lambda: read_pid(pidfile), 10.0)
        assert pid, "the case never started"
        ns = (where / "a.hangs" / "ns").read_text().strip()
        assert holders_of(ns), "the case's namespace is not there while it runs"
        if how != "timeout":
            proc.send_signal(getattr(signal, how))
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # SIGKILL: the runner's guardian kills the case, and the namespace goes with it
    expected = {"SIGTERM": 143, "SIGINT": 130, "SIGKILL": -9, "timeout": 1}[how]
    assert proc.returncode == expected, (out, err)
    assert wait_for(lambda: process_gone(pid), 5.0)
    assert_nothing_left([ns])
    if how != "SIGKILL":  # a killed runner cannot remove its scratch
        assert list(scratch.iterdir()) == []


@needs_tap
def test_lwip_linux_without_the_privileges_it_needs_exits_2_with_one_line(
        sockconf, fake_cases, empty_divergences, tmp_path):
    if not shutil.which("setpriv"):
        pytest.skip("setpriv is not installed (Debian: apt-get install util-linux)")
    fc = fake_cases()
    ran = tmp_path / "ran"
    fc.add("a.case", before=ANSWER_STACK + f"touch '{ran}'")
    drop = ["setpriv", "--bounding-set", "-sys_admin,-net_admin", "--inh-caps",
            "-sys_admin,-net_admin", str(RUNNER)]
    r = subprocess.run(drop + ["--cases", str(fc.dir), "--divergences", str(empty_divergences),
                               "run", "--target", "lwip-linux", "--no-out"],
                       capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert r.returncode == 2, r
    assert r.stderr.splitlines() == [
        "sockconf: --target lwip-linux needs root, for a network namespace and a tap device for "
        "each case (unshare(CLONE_NEWNET): Operation not permitted)"], r.stderr
    assert r.stdout == "" and not ran.exists()


@needs_tap
def test_lwip_linux_without_dev_net_tun_exits_2_with_one_line(fake_cases, empty_divergences,
                                                             tmp_path):
    fc = fake_cases()
    fc.add("a.case", before=ANSWER_STACK)
    run = (f"mount -t tmpfs none /dev/net && exec {RUNNER} --cases {fc.dir} --divergences "
           f"{empty_divergences} run --target lwip-linux --no-out")
    r = subprocess.run(["unshare", "--mount", "sh", "-c", run], capture_output=True, text=True,
                       timeout=30, cwd=tmp_path)
    assert r.returncode == 2, r
    assert r.stderr.splitlines() == [
        "sockconf: --target lwip-linux needs /dev/net/tun, the kernel's tun "
        "driver (modprobe tun; a container needs the device passed in): No such file or "
        "directory"], r.stderr


@needs_tap
def test_lwip_linux_matrix_column_names_the_stack_and_its_peer(sockconf, fake_cases,
                                                              empty_divergences, tmp_path):
    fc = fake_cases()
    fc.add("a.case", before=ANSWER_STACK)
    res = tmp_path / "res"
    assert sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target",
                    "lwip-linux", "--out", res).status == 0
    assert sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target",
                    "lwip", "--out", res).status == 0
    assert sockconf("matrix", "--results", res, "--cases", fc.dir).status == 0
    md = (res / "MATRIX.md").read_text()
    assert f"| {LWIP_LINUX_LABEL} | lwip-linux | lwip | 2.1.3 | lwip, peer kernel " \
           f"{os.uname().release} | {MACHINE} |" in md, md
    assert f"| {LWIP_LABEL} | lwip | lwip | 2.1.3 | lwip | {MACHINE} |" in md, md


# ---- the real cases, where the build has lwIP ----------------------------------------------


def build_has_lwip(real_cases_dir):
    first = sorted(p for p in real_cases_dir.iterdir() if p.is_file())[0]
    r = subprocess.run([first, "--stack"], env=dict(os.environ, SOCKCONF_STACK="lwip"),
                       capture_output=True, text=True, timeout=10)
    return r.returncode == 0 and r.stdout.startswith("lwip ")


@pytest.mark.parametrize("target", ["lwip", "lwip-linux"])
def test_real_cases_run_on_lwip_and_are_labelled_by_it(sockconf, real_cases_dir,
                                                       real_divergences_dir, tmp_path, target):
    if not build_has_lwip(real_cases_dir):
        pytest.skip("this build has no lwIP stack (Debian: apt-get install liblwip-dev)")
    if target == "lwip-linux" and (os.geteuid() != 0 or not os.path.exists("/dev/net/tun")):
        pytest.skip("host: --target lwip-linux needs root and /dev/net/tun")
    r = sockconf("run", "--target", target, "--out", tmp_path / "res", "--cases", real_cases_dir,
                 "--divergences", real_divergences_dir, "rst.linger0_econnreset", bound=60)
    assert r.status in (0, 1), r  # the verdicts are lwIP's; the run is whole
    h = header_of(r.out)
    version = h["stack-version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), h
    label = f"lwip-{version}-{'lwip_linux-' if target == 'lwip-linux' else ''}lwip-{MACHINE}"
    assert h["label"] == label and h["stack"] == "lwip", h
    assert (tmp_path / "res" / f"{label}.partial.tap").read_text() == r.out
    assert "cannot execute" not in r.out
    if target == "lwip-linux":
        assert_nothing_left([])


# ---- the settings reach a guest ---------------------------------------------------------------


@needs_qemu
def test_the_stack_and_the_waits_reach_the_qemu_guest(sockconf, fake_cases, empty_divergences,
                                                     tmp_path):
    fc = fake_cases()
    # in the guest: busybox sh; it answers for any stack it is told, as a build with it would
    (fc.dir / "a.where").write_text(
        "#!/bin/sh\n"
        'if [ "$1" = --stack ]; then echo "${SOCKCONF_STACK:-kernel} 9.9.9"; exit 0; fi\n'
        'if [ "$1" = --describe ]; then printf "# id: a.where\\n# claim: c\\n"; exit 0; fi\n'
        "printf '# id: a.where\\n# claim: says what it was given\\n1..1\\nnot ok 1 - inet\\n  ---\\n'\n"
        "printf '  got: \"%s %s %s %s\"\\n  ...\\n' \"$SOCKCONF_WAIT_MS\" \"$SOCKCONF_TIMEOUT_MS\" "
        "\"$SOCKCONF_STACK\" \"$SOCKCONF_PEER_STACK\"\n"
        "exit 1\n")
    (fc.dir / "a.where").chmod(0o755)
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "qemu",
                 "--no-out", "--timeout", "7",
                 env={"SOCKCONF_WAIT_MS": "1234", "SOCKCONF_TIMEOUT_MS": "99",
                      "SOCKCONF_STACK": "fakestack", "SOCKCONF_PEER_STACK": "kernel"}, bound=300)
    if r.status == 2 and ("could not fetch" in r.err or "no kernel" in r.err):
        pytest.skip(r.err.strip())
    assert r.status == 1, r
    assert '  got: "1234 7000 fakestack kernel"' in r.out, r  # the guest runner's --timeout wins
    h = header_of(r.out)
    assert h["label"] == f"fakestack-9.9.9-qemu-fakestack-{MACHINE}-peer-kernel", h
    assert h["peer-stack"] == "kernel 9.9.9" and h["host"].startswith("Linux "), h
