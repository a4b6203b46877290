"""The agent alone (lib/agent/, PROTOCOL.md), driven over its stdin and stdout.

Two agents: build/.../agent/sockconf-agent (the kernel's sockets; its peers
this machine's kernel on loopback) and, where lwIP is built and the test
runs as root, sockconf-agent-lwip (lwIP on a tap, in a network namespace
made for this module and removed after it; its peers the namespace's
kernel, 10.0.0.1 and fd00::1, across the tap).  Tests of the protocol
alone (framing, garbage, versions) run on the first; tests of calls on both.

Every read of a reply is bounded (REPLY_BOUND_S): an agent that hangs or
stays silent fails the test with the request it did not answer.  Each test
ends its agent (and sockets) itself; a failed one is killed by the fixture.
"""

import contextlib
import ctypes
import os
import pty
import re
import selectors
import shutil
import socket
import statistics
import struct
import subprocess
import time
import tty
from pathlib import Path

import pytest

from conftest import BUILD, REPO

AGENT = BUILD / "agent" / "sockconf-agent"
AGENT_LWIP = BUILD / "agent" / "sockconf-agent-lwip"
REPLY_BOUND_S = 5.0

pytestmark = pytest.mark.skipif(not AGENT.is_file(), reason=f"no agent at {AGENT}: run `make` first")

# ---- the lwIP agent's network namespace ---------------------------------------------------

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


@contextlib.contextmanager
def netns(name):
    """This thread in network namespace `name` (None: where it is), and back after:
    sockets made and processes started inside are the namespace's (setns(2))."""
    if name is None:
        yield
        return
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    there = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if _libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {name}")
        yield
    finally:
        if _libc.setns(own, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(own)
        os.close(there)


def lwip_unavailable():
    if not AGENT_LWIP.is_file():
        return f"no lwIP agent at {AGENT_LWIP} (built where liblwip-dev is installed)"
    if os.geteuid() != 0 or not os.path.exists("/dev/net/tun") or not shutil.which("ip"):
        return "host: the lwIP agent's tap needs root, /dev/net/tun and ip(8)"
    return None


class Stack:
    """Where an agent runs and where its peers are."""

    def __init__(self, name, argv, ns, peer, own):
        self.name, self.argv, self.ns = name, argv, ns
        self.peer = peer   # family -> the kernel peer's address
        self.own = own     # family -> the agent's sockets' address

    def inside(self):
        return netns(self.ns)


POSIX = Stack("posix", [AGENT], None, {"inet": "127.0.0.1", "inet6": "::1"},
              {"inet": "127.0.0.1", "inet6": "::1"})


@pytest.fixture(scope="module")
def lwip_stack():
    why = lwip_unavailable()
    if why:
        pytest.skip(why)
    ns = f"sc-agent-{os.getpid()}"
    setup = ("ip link set lo up && ip tuntap add dev tap0 mode tap && "
             "ip addr add 10.0.0.1/24 dev tap0 && ip -6 addr add fd00::1/64 dev tap0 nodad && "
             "ip link set tap0 up")
    subprocess.run(["ip", "netns", "add", ns], check=True, timeout=30)
    try:
        r = subprocess.run(["ip", "netns", "exec", ns, "sh", "-c", setup], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        yield Stack("lwip", [AGENT_LWIP, "--tap", "tap0"], ns, {"inet": "10.0.0.1", "inet6": "fd00::1"},
                    {"inet": "10.0.0.2", "inet6": "fd00::2"})
    finally:
        subprocess.run(["ip", "netns", "del", ns], timeout=30)
    assert ns not in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout


@pytest.fixture(params=["posix", "lwip"])
def stack(request):
    return POSIX if request.param == "posix" else request.getfixturevalue("lwip_stack")


class Agent:
    """One agent process and its stream: requests numbered from 1, replies read by ID."""

    def __init__(self, *args, stack=POSIX):
        self.argv = [*map(str, stack.argv), *map(str, args)]
        with stack.inside():
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, bufsize=0)
        self.rfd = self.proc.stdout.fileno()
        self.wfile = self.proc.stdin
        self.buf = b""
        self.early = {}      # replies read while another was awaited: id -> line
        self.next_id = 1

    # -- the stream --
    def send_line(self, line):
        self.wfile.write(line.encode() + b"\n")

    def read_line(self, bound=REPLY_BOUND_S, what="a reply"):
        deadline = time.monotonic() + bound
        sel = selectors.DefaultSelector()
        sel.register(self.rfd, selectors.EVENT_READ)
        try:
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise AssertionError(f"no line from the agent within {bound} s, awaiting {what}")
                chunk = os.read(self.rfd, 65536)
                if not chunk:
                    raise AssertionError(f"the agent's stream ended, awaiting {what}; "
                                         f"exit {self.proc.poll()}, stderr {self.proc.stderr.read()!r}")
                self.buf += chunk
        finally:
            sel.close()
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def nothing_within(self, seconds):
        """True when no line comes within `seconds`."""
        try:
            line = self.read_line(bound=seconds)
        except AssertionError:
            return True
        self.early[int(line.split(" ", 1)[0])] = line
        return False

    # -- requests --
    def request(self, *words):
        rid = self.next_id
        self.next_id += 1
        self.send_line(" ".join(str(w) for w in (rid, *words)))
        return rid

    def reply(self, rid, bound=REPLY_BOUND_S):
        if rid in self.early:
            return self.early.pop(rid)
        deadline = time.monotonic() + bound
        while True:
            line = self.read_line(bound=max(0.0, deadline - time.monotonic()),
                                  what=f"the reply to request {rid}")
            got = int(line.split(" ", 1)[0])
            if got == rid:
                return line
            self.early[got] = line

    def call(self, *words, bound=REPLY_BOUND_S):
        """The reply's words after `ID =`: [RET, ERR, FIELD...]."""
        rid = self.request(*words)
        line = self.reply(rid, bound)
        assert line.startswith(f"{rid} = "), line
        return line.split(" ")[2:]

    def ok(self, *words, bound=REPLY_BOUND_S):
        r = self.call(*words, bound=bound)
        assert r[1] == "-", f"{' '.join(map(str, words))}: {r}"
        return r

    def hello(self):
        return self.ok("hello", 1)

    def end(self, bound=REPLY_BOUND_S):
        """Close its stdin; its exit status."""
        self.wfile.close()
        try:
            return self.proc.wait(bound)
        finally:
            self.kill()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()
        if not self.wfile.closed:
            try:
                self.wfile.close()
            except BrokenPipeError:
                pass


@pytest.fixture
def agent(request):
    """agent(*args) starts the agent of the test's `stack` (the posix one where the
    test has no such parameter)."""
    made = []
    where = request.getfixturevalue("stack") if "stack" in request.fixturenames else POSIX

    def start(*args):
        a = Agent(*args, stack=where)
        made.append(a)
        return a

    yield start
    for a in made:
        a.kill()


@pytest.fixture
def listener(request):
    """listener(family) -> a kernel listener at the peer's address of the test's stack."""
    made = []
    where = request.getfixturevalue("stack") if "stack" in request.fixturenames else POSIX

    def make(family="inet"):
        af = socket.AF_INET if family == "inet" else socket.AF_INET6
        with where.inside():
            s = socket.socket(af, socket.SOCK_STREAM)
        s.bind((where.peer[family], 0))
        s.listen(4)
        s.settimeout(REPLY_BOUND_S)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def connected(a, lst, family="inet"):
    """A handle of the agent connected to lst (blocking connect), and the kernel's end."""
    host, port = lst.getsockname()[:2]
    h = a.ok("socket", family, "stream")[0]
    a.ok("connect", h, host, port)
    peer, _ = lst.accept()
    peer.settimeout(REPLY_BOUND_S)
    return h, peer


# ---- session start ----------------------------------------------------------------------


def test_hello_names_the_stack_its_version_families_and_machine(agent, stack):
    a = agent()
    r = a.hello()
    assert r[:3] == ["1", "-", "sockconf-agent"], r
    fields = dict(w.split("=", 1) for w in r[3:])
    uname = os.uname()
    if stack.name == "posix":
        assert fields["stack"] == "kernel"
        assert fields["version"] == uname.release
    else:
        assert (fields["stack"], fields["version"]) == ("lwip", "2.1.3"), fields
        assert (fields["addr4"], fields["addr6"]) == (stack.own["inet"], stack.own["inet6"])
    assert fields["os"] == "linux" and fields["machine"] == uname.machine
    assert fields["families"] == "inet,inet6", fields
    assert a.end() == 0


def test_a_version_it_does_not_speak_is_refused_naming_its_own(agent):
    a = agent()
    a.send_line("1 hello 2")
    assert a.read_line() == "1 = -1 EPROTONOSUPPORT versions=1"
    a.send_line("2 socket inet stream")  # no session was begun
    assert a.read_line() == "2 ! EPROTO hello first"
    assert a.call("hello", 1)[:2] == ["1", "-"]
    assert a.end() == 0


def test_garbage_is_a_protocol_error_and_the_agent_goes_on(agent):
    a = agent()
    a.hello()
    h = a.ok("socket", "inet", "stream")[0]
    for line, expect in [
        ("hello", "0 ! EPROTO"),                        # no ID
        ("x7 socket inet stream", "0 ! EPROTO"),
        ("7  socket inet stream", "7 ! EPROTO"),        # two spaces
        ("8 frobnicate", "8 ! EPROTO unknown operation"),
        ("9 socket inet", "9 ! EPROTO wrong number of arguments"),
        ("10 send %s 0 abc" % h, "10 ! EPROTO"),        # odd hex
        ("11 send %s 0 zz" % h, "11 ! EPROTO"),         # not hex
        ("12 recv %s 4096 0" % h, "12 ! EPROTO"),       # more than 2048
        ("13 send %s 0 %s" % (h, "00" * 2049), "13 ! EPROTO"),
        ("14 connect %s 999.1.1.1 80" % h, "14 ! EPROTO"),
        ("15 poll 0 %s sideways" % h, "15 ! EPROTO"),
        ("16 %s" % ("x" * 5000), "16 ! EPROTO a line is at most 4200 bytes"),
        ("\x00\xff\x01 binary", "0 ! EPROTO"),
    ]:
        a.send_line(line)
        got = a.read_line(what=repr(line[:40]))
        assert got.startswith(expect), (line[:60], got)
    a.send_line("17 getsockname %s\r" % h)  # a serial console's CR is ignored
    assert a.read_line() == "17 = 0 - 0.0.0.0 0"
    assert a.call("getsockname", 99) == ["-1", "EBADF"]  # a handle never given
    assert a.end() == 0


# ---- connections ---------------------------------------------------------------------


@pytest.mark.parametrize("family", ["inet", "inet6"])
def test_a_connection_to_a_kernel_listener_carries_data_both_ways(agent, listener, family, stack):
    a = agent()
    a.hello()
    lst = listener(family)
    h, peer = connected(a, lst, family)
    host, port = lst.getsockname()[:2]
    assert a.ok("getpeername", h)[2:] == [host, str(port)]
    assert a.ok("getsockname", h)[2:] == [stack.own[family], str(peer.getpeername()[1])]
    assert a.ok("state", h)[2] == "ESTABLISHED"
    assert a.ok("unacked", h)[0] == "0"
    assert a.ok("send", h, "nosignal", b"hello".hex()) == ["5", "-"]
    assert peer.recv(100) == b"hello"
    peer.sendall(b"\x00\xffback")
    assert a.ok("recv", h, 2048, 0) == ["6", "-", "00ff6261636b"]
    peer.close()
    assert a.ok("recv", h, 2048, 0) == ["0", "-", "-"]
    assert a.end() == 0


@pytest.mark.parametrize("family", ["inet", "inet6"])
def test_the_agent_listens_and_accepts_a_kernel_connect(agent, stack, family):
    a = agent()
    a.hello()
    lh = a.ok("socket", family, "stream")[0]
    a.ok("bind", lh, stack.own[family], 0)
    a.ok("listen", lh, 4)
    assert a.ok("state", lh)[2] == "LISTEN"
    port = int(a.ok("getsockname", lh)[3])
    rid = a.request("accept", lh)                # parked: nobody has connected yet
    assert a.nothing_within(0.05)
    with stack.inside():
        c = socket.create_connection((stack.own[family], port), timeout=REPLY_BOUND_S)
    r = a.reply(rid).split(" ")
    assert r[3:] == ["-", stack.peer[family], str(c.getsockname()[1])], r
    c.close()
    assert a.end() == 0


def test_a_blocking_connect_that_is_refused_fails_with_a_name(agent, listener, stack):
    a = agent()
    a.hello()
    lst = listener()
    port = lst.getsockname()[1]
    lst.close()  # nothing listens there now
    h = a.ok("socket", "inet", "stream")[0]
    r = a.call("connect", h, stack.peer["inet"], port)
    # lwIP names the RST that answers its SYN as any other: err_to_errno(ERR_RST) (api/err.c)
    assert r == ["-1", "ECONNREFUSED" if stack.name == "posix" else "ECONNRESET"]
    assert a.end() == 0


def test_a_recv_parked_on_a_blocking_socket_waits_for_data_while_others_are_served(agent, listener, stack):
    a = agent()
    a.hello()
    h, peer = connected(a, listener())
    rid = a.request("recv", h, 100, 0)
    assert a.nothing_within(0.05), "a blocking recv with no data answered at once"
    # the agent serves other requests meanwhile
    assert a.ok("state", h)[2] == "ESTABLISHED"
    h2 = a.ok("socket", "inet6", "stream")[0]
    a.ok("nonblock", h2, 1)
    assert a.call("recv", h, 10, "dontwait") == ["-1", "EAGAIN"]
    peer.sendall(b"late")
    assert a.reply(rid).split(" ")[2:] == ["4", "-", b"late".hex()]
    assert a.end() == 0


@pytest.mark.parametrize("ending, parked_reply, recv_after", [
    # Linux: recv() returns 0 after SHUT_RD, and the socket stays open
    (("shutdown", "rd"), ["0", "-", "-"], ["0", "-", "-"]),
    # a closed socket's parked call is cancelled; the handle is the stack's no longer
    (("close",), ["-1", "ECANCELED"], ["-1", "EBADF"]),
], ids=["shutdown_rd_completes_it", "close_cancels_it"])
def test_a_parked_recv_ends_with_the_call_that_ends_its_socket(agent, listener, ending, parked_reply,
                                                                recv_after):
    a = agent()
    a.hello()
    h, peer = connected(a, listener())
    rid = a.request("recv", h, 100, 0)
    assert a.nothing_within(0.05)
    assert a.call(ending[0], h, *ending[1:]) == ["0", "-"]
    assert a.reply(rid).split(" ")[2:] == parked_reply
    assert a.call("recv", h, 1, "dontwait") == recv_after
    assert a.end() == 0


def test_errors_are_names_econnreset_after_the_peers_abortive_close(agent, listener, stack):
    a = agent()
    a.hello()
    h, peer = connected(a, listener())
    peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    peer.close()  # an RST (linger {1, 0})
    assert a.call("recv", h, 100, 0) == ["-1", "ECONNRESET"]
    if stack.name != "posix":
        assert a.end() == 0
        return
    assert a.call("send", h, "nosignal", "00") == ["-1", "EPIPE"]
    assert a.ok("getsockopt", h, "so_error")[2] == "-"  # recv() took it
    assert a.ok("state", h)[2] == "CLOSED"
    assert a.end() == 0


def test_a_nonblocking_socket_is_not_parked(agent, listener, stack):
    a = agent()
    a.hello()
    h, peer = connected(a, listener())
    a.ok("nonblock", h, 1)
    assert a.call("recv", h, 100, 0) == ["-1", "EAGAIN"]
    h2 = a.ok("socket", "inet", "stream")[0]
    a.ok("nonblock", h2, 1)
    assert a.call("connect", h2, *listener().getsockname()[:2]) == ["-1", "EINPROGRESS"]
    assert a.end() == 0


def test_a_lingering_blocking_close_answers_when_the_stack_returns(agent, listener, stack):
    """The peer never reads and its window is closed: a close with linger {1, 1}
    waits the second out in the stack, and its reply comes that late."""
    a = agent()
    a.hello()
    lst = listener()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # taken by the accepted socket
    h, peer = connected(a, lst)
    a.call("setsockopt", h, "so_sndbuf", 8192)  # lwIP has none: ENOPROTOOPT
    a.ok("nonblock", h, 1)
    for _ in range(1000):  # fill both buffers
        r = a.call("send", h, 0, "ab" * 2048)
        if r[:2] == ["-1", "EAGAIN"]:
            break
        assert r[1] == "-", r
    else:
        pytest.fail("the send buffer never filled")
    a.ok("nonblock", h, 0)
    a.ok("setsockopt", h, "so_linger", 1, 1)
    assert a.ok("getsockopt", h, "so_linger")[2:] == ["1", "1"]
    assert int(a.ok("unacked", h)[0]) > 0
    t0 = time.monotonic()
    rid = a.request("close", h)
    line = a.reply(rid, bound=REPLY_BOUND_S)
    took = time.monotonic() - t0
    print(f"\n{stack.name} agent: a close with linger {{1, 1}} and unacknowledged data answered "
          f"'{line}' after {took:.3f} s")
    assert line.split(" ")[2:4] == ["0", "-"] or stack.name != "posix", line
    assert 0.8 <= took <= 3.0, f"the lingering close answered after {took:.3f} s, not ~1 s"
    peer.close()
    assert a.end() == 0


def test_poll_is_parked_until_an_event_or_its_deadline(agent, listener, stack):
    a = agent()
    a.hello()
    h, peer = connected(a, listener())
    assert a.ok("poll", 0, h, "in|out") == ["1", "-", "out"]
    t0 = time.monotonic()
    assert a.ok("poll", 200, h, "in") == ["0", "-", "0"]
    took = time.monotonic() - t0
    assert 0.18 <= took <= 1.0, took
    rid = a.request("poll", -1, h, "in|rdhup")
    assert a.nothing_within(0.05)
    peer.shutdown(socket.SHUT_WR)
    # lwIP's poll sets no POLLRDHUP (lwip_pollscan, api/sockets.c)
    assert a.reply(rid).split(" ")[2:] == ["1", "-", "in|rdhup" if stack.name == "posix" else "in"]
    assert a.call("poll", 0, 99, "in") == ["-1", "EBADF"]
    assert a.end() == 0


def test_bye_closes_every_socket_and_the_next_session_begins_clean(agent, listener, stack):
    a = agent()
    a.hello()
    h, peer = connected(a, listener())
    lh = a.ok("socket", "inet", "stream")[0]
    a.ok("bind", lh, stack.own["inet"], 0)
    a.ok("listen", lh, 4)
    port = int(a.ok("getsockname", lh)[3])
    parked = a.request("recv", h, 10, 0)
    assert a.call("bye") == ["0", "-"]
    assert a.reply(parked).split(" ")[2:] == ["-1", "ECANCELED"]
    assert peer.recv(10) == b"", "the agent's end of the connection is still open after bye"
    with stack.inside(), pytest.raises(ConnectionRefusedError):
        socket.create_connection((stack.own["inet"], port), timeout=REPLY_BOUND_S).close()
    # the same stream goes on: a new session, its handles from 1 again
    a.hello()
    assert a.ok("socket", "inet", "stream")[0] == "1"
    assert a.end() == 0


def test_the_end_of_the_stream_ends_the_session_and_the_agent(agent, listener, stack):
    a = agent()
    a.hello()
    h, peer = connected(a, listener())
    assert a.end() == 0
    assert peer.recv(10) == b""


# ---- speed ---------------------------------------------------------------------------------


def test_a_request_round_trip_over_the_pipe(agent, stack):
    a = agent()
    a.hello()
    h = a.ok("socket", "inet", "stream")[0]
    times = []
    for i in range(3000):
        t0 = time.perf_counter()
        a.send_line(f"{i + 10} getsockname {h}")
        a.read_line()
        times.append(time.perf_counter() - t0)
    times = sorted(times[500:])  # after warm-up
    median, p99 = statistics.median(times) * 1e6, times[int(len(times) * 0.99)] * 1e6
    print(f"\n{stack.name} agent round trip over a pipe: median {median:.0f} us, p99 {p99:.0f} us "
          f"({len(times)} requests)")
    # the target is 200 us (issue 13); the bound allows for a loaded machine
    assert median <= 1000, f"median round trip {median:.0f} us"
    assert a.end() == 0


# ---- other streams ---------------------------------------------------------------------------


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_tcp_stream_serves_one_session_after_another(stack):
    """--tcp: the agent listens on its own stack (lwIP's, at 10.0.0.2 across the tap)."""
    port = free_port()
    with stack.inside():
        proc = subprocess.Popen([*map(str, stack.argv), "--tcp", str(port)], stdin=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
    try:
        for session in range(2):
            deadline = time.monotonic() + REPLY_BOUND_S
            while True:
                try:
                    with stack.inside():
                        c = socket.create_connection((stack.own["inet"], port), timeout=REPLY_BOUND_S)
                    break
                except ConnectionRefusedError:
                    assert time.monotonic() < deadline, "the agent never listened on --tcp"
                    time.sleep(0.01)
            f = c.makefile("rwb", buffering=0)
            f.write(b"1 hello 1\n")
            assert f.readline().startswith(b"1 = 1 - sockconf-agent ")
            f.write(b"2 socket inet stream\n")
            assert f.readline() == b"2 = 1 -\n", "a session's handles begin at 1"
            if session == 0:
                f.write(b"3 bye\n")
                assert f.readline() == b"3 = 0 -\n"
                assert f.readline() == b""  # the agent ends the connection
            c.close()
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()


def test_serial_stream_on_a_pty():
    master, slave = pty.openpty()
    tty.setraw(master)
    proc = subprocess.Popen([str(AGENT), "--serial", os.ttyname(slave) + ",115200"],
                            stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        os.write(master, b"1 hello 1\r\n")
        got = b""
        deadline = time.monotonic() + REPLY_BOUND_S
        while not got.endswith(b"\n"):
            sel = selectors.DefaultSelector()
            sel.register(master, selectors.EVENT_READ)
            assert sel.select(max(0, deadline - time.monotonic())), f"no reply on the pty: {got!r}"
            sel.close()
            got += os.read(master, 4096)
        assert got.startswith(b"1 = 1 - sockconf-agent "), got
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()
        os.close(master)
        os.close(slave)


# ---- the Winsock agent under Wine -------------------------------------------------------------

AGENT_EXE = Path(os.environ.get("SOCKCONF_AGENT_EXE")
                 or BUILD.parent / "x86_64-w64-mingw32" / "agent" / "sockconf-agent.exe")
WINE_TEMPLATE = BUILD.parent / "x86_64-w64-mingw32" / "wine-prefix"  # runner/wine_posix.c makes it


@pytest.fixture
def wine_stack(tmp_path):
    """A Stack running the Windows agent under Wine in a prefix of its own (the
    runner's template cloned, as runner/wine_posix.c does; made with wineboot
    where there is none), its wineserver killed and waited for at the end."""
    if not (shutil.which("wine") and shutil.which("wineserver")):
        pytest.skip("wine is not installed (Debian: apt-get install wine wine64)")
    if not AGENT_EXE.is_file():
        pytest.skip(f"no Windows agent at {AGENT_EXE} (make agent-windows, or SOCKCONF_AGENT_EXE=FILE)")
    prefix = tmp_path / "prefix"
    env = {"WINEPREFIX": str(prefix), "TMPDIR": str(tmp_path), "WINEARCH": "win64", "WINEDEBUG": "-all",
           "WINEDLLOVERRIDES": "mscoree,mshtml=;winemenubuilder.exe=d"}
    full_env = {k: v for k, v in os.environ.items() if k != "DISPLAY"} | env
    if WINE_TEMPLATE.is_dir():
        subprocess.run(["cp", "-al", str(WINE_TEMPLATE), str(prefix)], check=True, timeout=60)
    else:
        subprocess.run(["wineboot", "--init"], env=full_env, check=True, timeout=120,
                       capture_output=True)
    saved = dict(os.environ)
    os.environ.pop("DISPLAY", None)
    os.environ.update(env)  # Popen in Agent takes the process's environment
    try:
        yield Stack("winsock", ["wine", AGENT_EXE], None, POSIX.peer, POSIX.own)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        subprocess.run(["wineserver", "-k"], env=full_env, timeout=60)
        subprocess.run(["wineserver", "-w"], env=full_env, timeout=60)


def test_the_winsock_agent_speaks_the_protocol_under_wine(wine_stack, listener):
    a = Agent(stack=wine_stack)
    try:
        r = a.call("hello", 1, bound=60)  # Wine's first process starts its services
        assert r[:3] == ["1", "-", "sockconf-agent"], r
        fields = dict(w.split("=", 1) for w in r[3:])
        assert (fields["stack"], fields["version"]) == ("winsock", "2.2"), fields
        assert fields["os"].startswith("windows-") and "wine" in fields, fields
        lst = listener()
        h, peer = connected(a, lst)
        assert a.ok("getpeername", h)[2:] == ["127.0.0.1", str(lst.getsockname()[1])]
        rid = a.request("recv", h, 100, 0)       # parked on the blocking socket
        assert a.nothing_within(0.05)
        peer.sendall(b"win")
        assert a.reply(rid).split(" ")[2:] == ["3", "-", b"win".hex()]
        assert a.ok("send", h, 0, b"ok".hex())[0] == "2" and peer.recv(10) == b"ok"
        a.ok("nonblock", h, 1)
        assert a.call("recv", h, 10, 0) == ["-1", "EAGAIN"]   # WSAEWOULDBLOCK, by its name
        a.ok("close", h)
        # a closed SOCKET goes to Winsock as it was: WSAENOTSOCK, as Microsoft documents
        assert a.call("recv", h, 10, 0) == ["-1", "ENOTSOCK"]
        assert a.call("bye") == ["0", "-"]
        assert peer.recv(10) == b""
        assert a.end(bound=30) == 0
    finally:
        a.kill()
