"""The agent targets (runner/agent_target.c, lib/stack_agent.c): a case's end
on a sockconf agent's stack, reached over a byte stream.

Faults of the link are shown with a fake agent, this file run as a program
(`python3 test_agent.py fake-agent ...`): it speaks protocol version 1 over
its stdin and stdout (or TCP) on Python's sockets, which are this kernel's,
and can be told to vanish, send garbage, never answer, or speak another
version, once (a marker file) or every time.

End to end with the real agent (build/<BUILD>/agent/sockconf-agent): the
kernel agent in a network namespace of its own, joined by a veth pair to the
runner's, gives the verdicts native gives wherever both run; the lwIP agent
(sockconf-agent-lwip) on a tap gives --target lwip-linux's.
"""

import errno as errno_mod
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

if __name__ != "__main__":
    import pytest
    from conftest import BUILD, REPO

THIS = Path(__file__).resolve()

# ---- the fake agent ---------------------------------------------------------------

FAMILIES = {"inet": socket.AF_INET, "inet6": socket.AF_INET6}
FLAGS = {"peek": socket.MSG_PEEK, "dontwait": socket.MSG_DONTWAIT, "nosignal": socket.MSG_NOSIGNAL,
         "oob": socket.MSG_OOB}
EVENTS = {"in": select.POLLIN, "out": select.POLLOUT, "pri": select.POLLPRI, "err": select.POLLERR,
          "hup": select.POLLHUP, "nval": select.POLLNVAL, "rdhup": getattr(select, "POLLRDHUP", 0x2000)}
INT_OPTS = {"so_rcvbuf": (socket.SOL_SOCKET, socket.SO_RCVBUF),
            "so_sndbuf": (socket.SOL_SOCKET, socket.SO_SNDBUF),
            "so_keepalive": (socket.SOL_SOCKET, socket.SO_KEEPALIVE),
            "so_reuseaddr": (socket.SOL_SOCKET, socket.SO_REUSEADDR),
            "tcp_nodelay": (socket.IPPROTO_TCP, socket.TCP_NODELAY),
            "tcp_keepidle": (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
            "tcp_keepintvl": (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
            "tcp_keepcnt": (socket.IPPROTO_TCP, socket.TCP_KEEPCNT)}


def errname(e):
    if e in (errno_mod.EAGAIN, errno_mod.EWOULDBLOCK):
        return "EAGAIN"
    return errno_mod.errorcode.get(e, f"E?{e}")


def bits(words, table):
    out = 0
    if words != "0":
        for w in words.split("|"):
            out |= table[w]
    return out


def words(value, table):
    names = [n for n, b in table.items() if value & b]
    return "|".join(names) if names else "0"


class FakeAgent:
    """Protocol version `version` on Python's (the kernel's) sockets.  A call
    that may wait runs in a thread of its own, so the agent goes on serving:
    what the real agent does by parking it."""

    def __init__(self, out, version, faults, marker):
        self.out = out
        self.version = version
        self.faults = faults      # {op: action}
        self.marker = marker      # a fault fires once when set: the file says it has
        self.lock = threading.Lock()
        self.socks = {}
        self.blocking = {}
        self.in_session = False

    def write(self, text):
        with self.lock:
            self.out.write(text.encode())
            self.out.flush()

    def reply(self, rid, ret, err="-", *fields):
        self.write(" ".join([str(rid), "=", str(ret), err] + [str(f) for f in fields]) + "\n")

    def fault(self, op):
        action = self.faults.get(op)
        if not action:
            return None
        if self.marker:  # once among all copies: the first to make the file fires
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return None
        return action

    def end_session(self):
        for s in self.socks.values():
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                s.close()
            except OSError:
                pass
        self.socks.clear()
        self.in_session = False

    def new_handle(self, s):
        h = 1
        while h in self.socks:
            h += 1
        self.socks[h] = s
        self.blocking[h] = True
        return h

    def handle(self, line):
        parts = line.split()
        if len(parts) < 2 or not parts[0].isdigit():
            self.write(f"0 ! EPROTO unreadable: {line[:40]}\n")
            return
        rid, op, args = int(parts[0]), parts[1], parts[2:]
        action = self.fault(op)
        if action == "vanish":
            os._exit(0)
        if action == "garbage":
            self.write("this is no reply \x01\x02 at all\n")
            return
        if action == "silent":
            return
        if action == "hangup":
            raise ConnectionAbortedError
        if op == "hello":
            if int(args[0]) != self.version:
                self.reply(rid, -1, "EPROTONOSUPPORT", f"versions={self.version}")
                return
            self.end_session()
            self.in_session = True
            self.reply(rid, self.version, "-", "sockconf-agent", "stack=fake", "version=0.1",
                       "families=inet,inet6", "addr4=127.0.0.1", "addr6=::1", "os=fakeos",
                       "machine=x86_64")
            return
        if not self.in_session:
            self.write(f"{rid} ! EPROTO hello first\n")
            return
        if op == "bye":
            self.end_session()
            self.reply(rid, 0)
            return
        waits = op in ("accept", "connect", "recv", "send") and self.blocking.get(int(args[0]), True)
        waits = waits and not (op in ("recv", "send") and "dontwait" in args[-2 if op == "send" else -1])
        if op == "poll":
            waits = int(args[0]) != 0
        if waits:
            threading.Thread(target=self.call, args=(rid, op, args), daemon=True).start()
        else:
            self.call(rid, op, args)

    def call(self, rid, op, args):
        try:
            self.reply(rid, *self.perform(op, args))
        except OSError as e:
            self.reply(rid, -1, errname(e.errno or errno_mod.EIO))
        except (KeyError, ValueError, IndexError):
            self.reply(rid, -1, "EBADF")

    def perform(self, op, a):
        if op == "socket":
            s = socket.socket(FAMILIES[a[0]], socket.SOCK_STREAM if a[1] == "stream" else socket.SOCK_DGRAM)
            return (self.new_handle(s),)
        if op == "state" or op == "unacked":
            return (-1, "ENOSYS")
        s = self.socks[int(a[0])] if op != "poll" else None
        if op == "bind":
            s.bind((a[1], int(a[2])))
        elif op == "listen":
            s.listen(int(a[1]))
        elif op == "connect":
            if self.blocking[int(a[0])]:
                s.connect((a[1], int(a[2])))
            else:
                e = s.connect_ex((a[1], int(a[2])))
                if e:
                    return (-1, errname(e))
        elif op == "accept":
            c, addr = s.accept()
            c.setblocking(True)
            return (self.new_handle(c), "-", addr[0], addr[1])
        elif op in ("getsockname", "getpeername"):
            addr = s.getsockname() if op == "getsockname" else s.getpeername()
            return (0, "-", addr[0], addr[1])
        elif op == "close":
            del self.socks[int(a[0])]
            s.close()
        elif op == "shutdown":
            s.shutdown({"rd": socket.SHUT_RD, "wr": socket.SHUT_WR, "rdwr": socket.SHUT_RDWR}[a[1]])
        elif op == "send":
            data = b"" if a[2] == "-" else bytes.fromhex(a[2])
            return (s.send(data, bits(a[1], FLAGS)),)
        elif op == "recv":
            data = s.recv(int(a[1]), bits(a[2], FLAGS))
            return (len(data), "-", data.hex() if data else "-")
        elif op == "nonblock":
            self.blocking[int(a[0])] = a[1] == "0"
            s.setblocking(a[1] == "0")
        elif op == "setsockopt":
            if a[1] == "so_linger":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", int(a[2]), int(a[3])))
            elif a[1] in INT_OPTS:
                s.setsockopt(*INT_OPTS[a[1]], int(a[2]))
            else:
                return (-1, "ENOPROTOOPT")
        elif op == "getsockopt":
            if a[1] == "so_linger":
                on, secs = struct.unpack("ii", s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))
                return (0, "-", on, secs)
            if a[1] == "so_error":
                e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                return (0, "-", errname(e) if e else "-")
            if a[1] == "so_type":
                return (0, "-", "stream" if s.type == socket.SOCK_STREAM else "dgram")
            if a[1] in INT_OPTS:
                return (0, "-", s.getsockopt(*INT_OPTS[a[1]]))
            return (-1, "ENOPROTOOPT")
        elif op == "poll":
            p = select.poll()
            pairs = list(zip(a[1::2], a[2::2]))
            for h, ev in pairs:
                p.register(self.socks[int(h)].fileno(), bits(ev, EVENTS))
            got = dict(p.poll(int(a[0])))
            revents = [words(got.get(self.socks[int(h)].fileno(), 0), EVENTS) for h, _ in pairs]
            return (sum(1 for r in revents if r != "0"), "-", *revents)
        else:
            raise ValueError(op)
        return (0,)

    def serve(self, infile):
        for raw in infile:
            line = raw.decode(errors="replace").rstrip("\r\n")
            if line:
                self.handle(line)
        self.end_session()


def fake_agent_main(argv):
    """fake-agent [--version N] [--fault OP:ACTION]... [--marker FILE] [--refuse-restart]
    [--tcp PORTFILE]: ACTION is vanish, garbage, silent or hangup (tcp: end the
    connection, keep listening)."""
    version, faults, marker, refuse, tcp = 1, {}, None, False, None
    it = iter(argv)
    for a in it:
        if a == "--version":
            version = int(next(it))
        elif a == "--fault":
            op, action = next(it).split(":")
            faults[op] = action
        elif a == "--marker":
            marker = next(it)
        elif a == "--refuse-restart":
            refuse = True
        elif a == "--tcp":
            tcp = next(it)
    if refuse and marker and os.path.exists(marker):
        sys.stderr.write("fake agent: started again after its fault; refusing\n")
        return 3
    if not tcp:
        FakeAgent(sys.stdout.buffer, version, faults, marker).serve(sys.stdin.buffer)
        return 0
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    Path(tcp + ".tmp").write_text(str(listener.getsockname()[1]))
    os.rename(tcp + ".tmp", tcp)
    while True:  # one session a connection, one at a time
        conn, _ = listener.accept()
        f = conn.makefile("rwb")
        agent = FakeAgent(f, version, faults, marker)
        try:
            agent.serve(f)
        except (ConnectionAbortedError, OSError):
            agent.end_session()
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        f.close()
        conn.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["fake-agent"]:
        sys.exit(fake_agent_main(sys.argv[2:]))
    sys.exit("usage: test_agent.py fake-agent [options]")


# ---- the tests -------------------------------------------------------------------------

# two cases that each make a recv() request, so a fault at the run's first recv meets
# whichever of them runs first (the runner starts the slower of the last run first)
CASES = ["fin.recv_zero", "shutrd.recv_zero"]
AGENT = BUILD / "agent" / "sockconf-agent"
AGENT_LWIP = BUILD / "agent" / "sockconf-agent-lwip"


def fake_command(*args):
    return " ".join([sys.executable, str(THIS), "fake-agent"] + [str(a) for a in args])


def points(tap):
    """{(case, family): (verdict, reason)} from the runner's TAP."""
    out, case, last = {}, None, None
    for line in tap.splitlines():
        m = re.match(r"# Subtest: (\S+)", line)
        if m:
            case = m.group(1)
            continue
        m = re.match(r"    (ok|not ok) \d+ - (\w+)(?: # (SKIP|TODO) (.*))?$", line)
        if m and case:
            # a TODO: a record applies to that label, and the point is within it whether it
            # diverged as recorded or, this time, did not (lwIP loses a reset only when it
            # arrives during a recv() that copies data: rst.linger0_discards_unsent)
            verdict = ("skip" if m.group(3) == "SKIP" else "recorded" if m.group(3) == "TODO"
                       else "pass" if m.group(1) == "ok" else "fail")
            last = (case, m.group(2))
            out[last] = (verdict, m.group(4) if m.group(3) == "SKIP" else "")
            continue
        m = re.match(r'      (message|got): "(.*)"$', line)  # a failed point's why, for the tables
        if m and last and out[last][0] == "fail":
            out[last] = ("fail", (out[last][1] + " " if out[last][1] else "") + f"{m.group(1)}: {m.group(2)}")
        elif not line.startswith("      "):
            last = None
    return out


def case_lines(tap):
    """{case: its top-level line}, e.g. 'not ok 1 - fin.recv_zero # broken ...'."""
    return {m.group(2): m.group(0) for m in re.finditer(r"^(ok|not ok) \d+ - (\S+).*$", tap, re.M)}


def marked_processes(pattern, bound_s=2.0):
    """Fake agents whose command line holds pattern (this test's own marker path) and
    that are still there after bound_s: a SIGKILLed process takes a moment to go."""
    deadline = time.monotonic() + bound_s
    while True:
        found = running_agents(pattern)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def running_agents(pattern):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if pattern in cmd and "fake-agent" in cmd and not cmd.split()[0].endswith("sockconf"):
            found.append((int(pid), cmd))
    return found


@pytest.fixture
def run_agent(sockconf, real_cases_dir, real_divergences_dir, tmp_path):
    def run(target, *args, cases=CASES, env=None, bound=60):
        return sockconf("--cases", real_cases_dir, "--divergences", real_divergences_dir, "run",
                        "--no-out", "--target", target, *args, *cases, env=env, bound=bound)
    return run


def test_fake_agent_runs_cases_with_the_agents_identity(run_agent, tmp_path):
    marker = tmp_path / "never"
    r = run_agent("agent:exec:" + fake_command("--marker", marker),
                  cases=["fin.recv_zero", "shutrd.blocked_recv_wakes"])
    assert r.status == 0, r
    assert "# label: fake-0.1-agent-fake-x86_64\n" in r.out, r
    assert "# stack: fake\n" in r.out and "# peer-stack: kernel " in r.out, r
    got = points(r.out)
    assert got[("fin.recv_zero", "inet")][0] == "pass" and got[("fin.recv_zero", "inet6")][0] == "pass", r
    # the agent makes a blocked call once it can complete: what wakes one asleep is not seen
    for family in ("inet", "inet6"):
        assert got[("shutrd.blocked_recv_wakes", family)][0] == "skip", r
    assert "the agent serves a blocked call by polling" in r.out, r
    assert not marked_processes(str(marker)), "the agent outlived the run"


@pytest.mark.parametrize("op,fault,reason", [
    ("recv", "vanish", "the agent vanished: its stream ended"),
    ("recv", "garbage", "the agent sent garbage: 'this is no reply ?? at all'"),
    # the main thread's call: a recv parked in another thread that never returns is what a
    # stack that never wakes it shows too, and the case judges it so
    ("socket", "silent", "the agent did not answer `socket` within 2400 ms"),
])
def test_a_link_fault_mid_case_breaks_that_case_and_the_run_goes_on(run_agent, tmp_path, op, fault, reason):
    """The run's first request OP meets the fault, once: that case is broken with
    the reason; the agent is reached again (the command started again when it
    went) and the next case passes.  --timeout 3: a request's bound is 8/10 of it."""
    marker = tmp_path / "fired"
    r = run_agent("agent:exec:" + fake_command("--fault", f"{op}:{fault}", "--marker", marker),
                  "--timeout", "3")
    assert r.status == 1, r
    lines = case_lines(r.out)
    broken = [c for c in CASES if lines[c].startswith("not ok")]
    assert len(broken) == 1, r  # the one that met the fault (the schedule picks the order)
    assert reason in r.out, r
    assert [c for c in CASES if lines[c].startswith("ok")], r
    assert marker.exists()
    if fault == "vanish":
        assert "the agent was started again" in r.out, r
    assert not marked_processes(str(marker)), "the agent outlived the run"


def test_copies_of_an_exec_agent_serve_cases_at_once_and_one_that_vanishes_is_restarted(
        run_agent, tmp_path):
    """-j 2: two copies of the command, each case on a free one; the copy that
    vanished is started again and the run goes on."""
    marker = tmp_path / "fired"
    cases = CASES + ["rst.linger0_econnreset", "shutwr.send_epipe"]
    r = run_agent("agent:exec:" + fake_command("--fault", "recv:vanish", "--marker", marker), "-j", "2",
                  "--timeout", "3", cases=cases)
    assert r.status == 1, r
    lines = case_lines(r.out)
    assert sum(lines[c].startswith("not ok") for c in cases) == 1, \
        re.findall(r"^(?:not ok.*| *message: .*)$", r.out, re.M)
    assert "the agent vanished: its stream ended; the agent was started again" in r.out, \
        re.findall(r"^ *message: .*$", r.out, re.M)
    assert not marked_processes(str(marker)), "an agent outlived the run"


def test_an_agent_that_cannot_come_back_ends_the_run_with_2(run_agent, tmp_path):
    marker = tmp_path / "fired"
    r = run_agent("agent:exec:" + fake_command("--fault", "recv:vanish", "--marker", marker,
                                               "--refuse-restart"), "--timeout", "2")
    assert r.status == 2, r
    lines = case_lines(r.out)
    assert all(lines[c].startswith("not ok") for c in CASES), r
    assert "the agent vanished: its stream ended; the agent could not be reached again" in r.out, r
    assert "not run: the agent could not be reached again within 2000 ms" in r.out, r
    assert "started again after its fault; refusing" in r.out, r  # its own words, from its stderr
    assert "sockconf: --target agent: the agent could not be reached again" in r.err, r
    assert not marked_processes(str(marker)), "the agent outlived the run"


def test_a_version_mismatch_exits_2_naming_both(run_agent, tmp_path):
    marker = tmp_path / "never"
    r = run_agent("agent:exec:" + fake_command("--version", "2", "--marker", marker))
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err.splitlines()[0].endswith(
        "the agent speaks protocol version 2, this runner version 1"), r
    assert len(r.err.splitlines()) == 1, r
    assert not marked_processes(str(marker)), "the agent outlived the run"


def test_an_agent_that_never_says_hello_is_an_environment_error(run_agent, tmp_path):
    marker = tmp_path / "never"
    r = run_agent("agent:exec:" + fake_command("--fault", "hello:silent", "--marker", marker),
                  bound=40)
    assert r.status == 2, r
    assert "the agent did not answer within 10000 ms" in r.err, r
    assert not marked_processes(str(marker))


def test_a_command_that_is_no_agent_says_what_it_printed(run_agent):
    r = run_agent("agent:exec:read request; echo hello there; echo oops >&2")
    assert r.status == 2, r
    assert "the agent sent garbage: 'hello there'" in r.err, r


@pytest.mark.parametrize("bad", ["agent:", "agent:exec:", "agent:tcp:nohost", "agent:serial:",
                                 "agent:serial:/dev/x,fast", "agent:ftp:x"])
def test_a_malformed_agent_target_is_a_usage_error(sockconf, bad):
    r = sockconf("run", "--target", bad)
    assert r.status == 2, r
    assert r.err.splitlines()[0] == (f"sockconf: --target {bad}: not agent:exec:COMMAND, "
                                     "agent:tcp:HOST:PORT or agent:serial:DEVICE[,BAUD]"), r


def test_agent_options_need_an_agent_target(sockconf):
    r = sockconf("run", "--peer-addr4", "10.0.0.1")
    assert r.status == 2, r
    assert "go with --target agent:" in r.err, r


@pytest.fixture
def tcp_fake(tmp_path):
    """A fake agent listening on 127.0.0.1 (its port in a file); killed afterwards."""
    procs = []

    def start(*args):
        port_file = tmp_path / f"port{len(procs)}"
        p = subprocess.Popen([sys.executable, str(THIS), "fake-agent", "--tcp", str(port_file), *map(str, args)],
                             stderr=subprocess.PIPE)
        procs.append(p)
        deadline = time.monotonic() + 10
        while not port_file.exists():
            assert p.poll() is None, p.stderr.read()
            assert time.monotonic() < deadline, "the fake agent did not listen within 10 s"
            time.sleep(0.01)
        return int(port_file.read_text())

    yield start
    for p in procs:
        p.kill()
        p.wait()


def test_tcp_each_case_connects_and_a_dropped_connection_is_reconnected(run_agent, tcp_fake, tmp_path):
    marker = tmp_path / "fired"
    port = tcp_fake("--fault", "recv:hangup", "--marker", marker)
    r = run_agent(f"agent:tcp:127.0.0.1:{port}", "--timeout", "3")
    assert r.status == 1, r
    lines = case_lines(r.out)
    assert sorted(lines[c].split()[0] for c in CASES) == ["not", "ok"], r
    assert "the agent vanished: its stream ended; the agent was connected to again" in r.out, r


def test_tcp_agent_not_listening_is_an_environment_error(run_agent):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # a port nobody listens on
    r = run_agent(f"agent:tcp:127.0.0.1:{port}")
    assert r.status == 2, r
    assert f"cannot connect to the agent at 127.0.0.1:{port}: Connection refused" in r.err, r


def test_serial_the_runner_opens_a_terminal_and_passes_it_down(run_agent, tmp_path):
    """A pty stands in for a serial line: the fake agent on its master side."""
    import pty
    master, slave = pty.openpty()
    device = os.ttyname(slave)
    marker = tmp_path / "never"
    agent = subprocess.Popen([sys.executable, str(THIS), "fake-agent", "--marker", str(marker)],
                             stdin=master, stdout=master, stderr=subprocess.DEVNULL)
    try:
        r = run_agent(f"agent:serial:{device},115200")
    finally:
        agent.kill()
        agent.wait()
        os.close(master)
        os.close(slave)
    assert r.status == 0, r
    assert "# label: fake-0.1-agent-fake-x86_64\n" in r.out, r


def test_sigint_leaves_no_agent_running(runner, real_cases_dir, real_divergences_dir, tmp_path):
    marker = tmp_path / "never"
    env = dict(os.environ, TMPDIR=str(tmp_path))
    p = subprocess.Popen([str(runner), "--cases", str(real_cases_dir), "--divergences",
                          str(real_divergences_dir), "run", "--no-out", "--target",
                          "agent:exec:" + fake_command("--fault", "recv:silent", "--marker", marker)]
                         + CASES, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    deadline = time.monotonic() + 10
    while not marker.exists():  # a case is waiting for its recv's answer
        assert time.monotonic() < deadline and p.poll() is None
        time.sleep(0.01)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=20)
    assert p.returncode == 130, out
    assert b"Bail out! interrupted by SIGINT" in out
    assert not marked_processes(str(marker)), "the agent outlived the run"


# ---- end to end, with the real agent -------------------------------------------------------------


def compare(agent_tap, reference_tap):
    """Per case and family: (equal, differ, skipped on one side or both, the link
    failed).  All but equal list (case, family, agent's, reference's)."""
    a, b = points(agent_tap), points(reference_tap)
    equal, differ, skipped, link = [], [], [], []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key, ("missing", "")), b.get(key, ("missing", ""))
        if va[1].startswith("message: the agent "):  # lib/stack_agent.c's faults of the link
            link.append((*key, va, vb))
        elif "skip" in (va[0], vb[0]) or "missing" in (va[0], vb[0]):
            skipped.append((*key, va, vb))
        elif va[0] == vb[0]:
            equal.append(key)
        else:
            differ.append((*key, va, vb))
    return equal, differ, skipped, link


def report(title, equal, differ, skipped, link, seconds):
    print(f"\n{title}: {len(equal)} equal, {len(differ)} differ, {len(skipped)} skip on one side or both, "
          f"{len(link)} the agent's link failed; " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()))
    for c, f, va, vb in differ:
        print(f"  DIFFER {c}/{f}: agent {va}, reference {vb}")
    for c, f, va, vb in link:
        print(f"  LINK {c}/{f}: agent {va[1]}; reference {vb[0]}")
    for c, f, va, vb in skipped:
        if f != "unix" and va[0] != vb[0]:
            print(f"  SKIP ON ONE SIDE {c}/{f}: agent {va[0]} {va[1]!r}; reference {vb[0]} {vb[1]!r}")


def agent_run_args(base):
    """base, writing the agent's results into $SOCKCONF_AGENT_RESULTS when it is set (the
    committed results/ of the two agents come from these runs), else nowhere."""
    out = os.environ.get("SOCKCONF_AGENT_RESULTS")
    return [a for a in base if a != "--no-out"] + ["--out", out] if out else base


def ip(*args):
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@pytest.fixture
def veth_namespaces():
    """Two network namespaces, the runner's and the agent's, joined by a veth pair:
    10.78.0.1 and fd78::1 on the runner's side, 10.78.0.2 and fd78::2 on the agent's.
    Both are removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root: network namespaces and a veth pair")
    tag = os.getpid() % 100000
    runner_ns, agent_ns, dev = f"scagent-r{tag}", f"scagent-a{tag}", f"scvr{tag}"
    ip("netns", "add", runner_ns)
    try:
        ip("netns", "add", agent_ns)
        ip("link", "add", dev, "netns", runner_ns, "type", "veth", "peer", "name", f"scva{tag}",
           "netns", agent_ns)
        for ns, d, a4, a6 in ((runner_ns, dev, "10.78.0.1/24", "fd78::1/64"),
                              (agent_ns, f"scva{tag}", "10.78.0.2/24", "fd78::2/64")):
            ip("-n", ns, "addr", "add", a4, "dev", d)
            ip("-n", ns, "-6", "addr", "add", a6, "dev", d, "nodad")
            ip("-n", ns, "link", "set", "lo", "up")
            ip("-n", ns, "link", "set", d, "up")
        yield runner_ns, agent_ns, dev
    finally:
        for ns in (runner_ns, agent_ns):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def test_kernel_agent_across_a_veth_gives_natives_verdicts(runner, real_cases_dir, real_divergences_dir,
                                                            veth_namespaces, tmp_path):
    """The whole catalogue: the case's end on the kernel agent in its own namespace, the
    peer on the runner's kernel across the veth (captured there), against native in the
    runner's namespace.  Equal wherever both run; the agent's whole run within 3x native's."""
    if not AGENT.is_file():
        pytest.skip(f"no agent at {AGENT}: make builds it (lib/agent/)")
    runner_ns, agent_ns, dev = veth_namespaces
    base = ["ip", "netns", "exec", runner_ns, str(runner), "--cases", str(real_cases_dir),
            "--divergences", str(real_divergences_dir), "run", "--no-out"]
    env = dict(os.environ, TMPDIR=str(tmp_path))
    agent_cmd = f"ip netns exec {agent_ns} {AGENT} --addr4 10.78.0.2 --addr6 fd78::2"
    t0 = time.monotonic()
    # -j 4: four copies of the agent, a session each (the kernel's copies do not collide)
    a = subprocess.run(agent_run_args(base) + ["-j", "4", "--target", "agent:exec:" + agent_cmd, "--peer-addr4", "10.78.0.1",
                               "--peer-addr6", "fd78::1", "--agent-wire", dev],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    t_agent = time.monotonic() - t0
    t0 = time.monotonic()
    n = subprocess.run(base, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    t_native = time.monotonic() - t0
    t0 = time.monotonic()
    n1 = subprocess.run(base + ["-j", "1"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    t_native1 = time.monotonic() - t0
    assert a.returncode in (0, 1), a.stderr
    assert n.returncode in (0, 1) and n1.returncode in (0, 1), n.stderr
    assert re.search(r"^# label: linux-[0-9.]+-agent-kernel-", a.stdout, re.M), a.stdout[:600]
    equal, differ, skipped, link = compare(a.stdout, n.stdout)
    report("kernel agent (veth) vs native", equal, differ, skipped, link,
           {"agent": t_agent, "native": t_native, "native -j1": t_native1})
    assert not differ and not link, (differ, link)
    assert len(equal) >= 80, "too few points ran on both sides to compare"
    # the wire is watched on the veth: no wire check skips for want of a device
    assert "does not show its packets here" not in a.stdout
    assert t_agent <= 3 * t_native, f"the agent's run took {t_agent:.1f} s, native {t_native:.1f} s"


@pytest.fixture
def tap_namespace():
    """A network namespace with the tap sclwip0 (10.77.0.1/24, fd77::1/64, MTU 1280,
    the route to 10.77.0.2 at MTU 576), as --target lwip-linux makes one per case."""
    if os.geteuid() != 0:
        pytest.skip("needs root: a network namespace and a tap")
    ns = f"scagent-l{os.getpid() % 100000}"
    ip("netns", "add", ns)
    try:
        ip("-n", ns, "tuntap", "add", "dev", "sclwip0", "mode", "tap")
        ip("-n", ns, "link", "set", "sclwip0", "mtu", "1280")
        ip("-n", ns, "addr", "add", "10.77.0.1/24", "dev", "sclwip0")
        ip("-n", ns, "-6", "addr", "add", "fd77::1/64", "dev", "sclwip0", "nodad")
        ip("-n", ns, "link", "set", "lo", "up")
        ip("-n", ns, "link", "set", "sclwip0", "up")
        ip("-n", ns, "route", "add", "10.77.0.2/32", "dev", "sclwip0", "mtu", "lock", "576")
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def test_lwip_agent_on_a_tap_gives_lwip_linuxs_verdicts(runner, real_cases_dir, real_divergences_dir,
                                                         tap_namespace, tmp_path):
    if not AGENT_LWIP.is_file():
        pytest.skip(f"no lwIP agent at {AGENT_LWIP}: make builds it where liblwip-dev is installed")
    ns = tap_namespace
    base = [str(runner), "--cases", str(real_cases_dir), "--divergences", str(real_divergences_dir),
            "run", "--no-out"]
    env = dict(os.environ, TMPDIR=str(tmp_path))
    agent_cmd = f"{AGENT_LWIP} --tap sclwip0 --addr4 10.77.0.2/24 --addr6 fd77::2"
    t0 = time.monotonic()
    a = subprocess.run(["ip", "netns", "exec", ns] + agent_run_args(base) + [
        "--target", "agent:exec:" + agent_cmd, "--peer-addr4", "10.77.0.1", "--peer-addr6", "fd77::1",
        "--agent-wire", "sclwip0"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=900)
    t_agent = time.monotonic() - t0
    t0 = time.monotonic()
    ref = subprocess.run(base + ["--target", "lwip-linux"], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=900)
    t_ref = time.monotonic() - t0
    assert a.returncode in (0, 1), a.stderr
    assert ref.returncode in (0, 1), ref.stderr
    assert re.search(r"^# label: lwip-[0-9.]+-agent-lwip-", a.stdout, re.M), a.stdout[:600]
    equal, differ, skipped, link = compare(a.stdout, ref.stdout)
    report("lwIP agent (tap) vs lwip-linux", equal, differ, skipped, link,
           {"agent": t_agent, "lwip-linux": t_ref})
    assert not link, f"the lwIP agent's link failed at {len(link)} points (it crashed?): {link[:3]}"
    # lwIP paths that depend on when the peer's segment arrives, and the agent's requests
    # take time: each has an lwip.txt record that says so (an ACK of the FIN before close();
    # a reset met inside a recv() that copies data); the others must be equal
    timing = {"linger.zero_after_shut_wr", "rst.linger0_discards_unsent"}
    assert not [d for d in differ if d[0] not in timing], differ
