"""The runner lends its cases a capture (runner/capture_pool_posix.c).

Opening and closing a packet capture costs the kernel an RCU grace period
each (~15 ms), so on Linux the runner keeps packet sockets on the loopback
for the run and lends one to each case it runs here (no target's wrapper or
setup) as descriptor 3, SOCKCONF_WIRE_FD=3.  While no case has it, its
filter takes nothing in.  A case that watches the loopback adopts it
(lib/wire_pcap.c) and sets its own filter on it; one whose descriptor is
not such a socket says why (SOCKCONF_WIRE_TRACE) and opens a capture of
its own, with the same evidence.
"""
import ctypes
import json
import os
import re
import socket
import struct
import subprocess
import sys

import pytest

from conftest import parse_run

ETH_P_ALL, ETH_P_IP = 0x0003, 0x0800
SO_ATTACH_FILTER, SO_RCVBUFFORCE = 26, 33
SOL_PACKET, PACKET_STATISTICS = 263, 6
ADOPTED = "the runner's packet socket (descriptor 3)"
OWN = "libpcap on lo"
RUNNER_NEEDS = 4 << 20  # the receive buffer the pool needs (RCVBUF_NEEDED)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="packet sockets to lend are Linux's (AF_PACKET)")


def attach(sock, ret):
    """A one-instruction classic BPF filter: keep `ret` bytes of each packet (0: none)."""
    insn = ctypes.create_string_buffer(struct.pack("HBBI", 0x06, 0, 0, ret))  # BPF_RET|BPF_K
    prog = struct.pack("HL", 1, ctypes.addressof(insn))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, prog)


def lendable_socket():
    """A socket as the runner's pool makes one, or pytest.skip with why there is none."""
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    except PermissionError:
        pytest.skip("no CAP_NET_RAW: no packet socket to lend (each case captures on its own, or not)")
    attach(s, 0)
    s.bind(("lo", ETH_P_ALL))
    try:
        s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    except PermissionError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    if s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) < RUNNER_NEEDS:
        s.close()
        pytest.skip("net.core.rmem_max is below what a lent socket needs, and no CAP_NET_ADMIN")
    s.setblocking(False)
    return s


# A fake case's probe of its descriptor 3: what it is, and whether it takes
# anything in while idle (a datagram to the loopback's discard port: the
# packet leaving is handed to packet sockets before sendto returns).
PROBE = r'''
import json, os, socket, sys, time
facts = {"env": os.environ.get("SOCKCONF_WIRE_FD"), "id": sys.argv[2]}
try:
    s = socket.socket(fileno=3)
    name = s.getsockname()
    facts.update(family=int(s.family), type=int(s.type), ifname=name[0], proto=name[1],
                 inode=os.fstat(3).st_ino)
    s.setblocking(False)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"x", ("127.0.0.1", 9))
    try:
        s.recv(2048)
        facts["idle"] = "took a packet in"
    except BlockingIOError:
        facts["idle"] = "took nothing in"
    s.detach()
except OSError as e:
    facts["error"] = e.strerror
with open(os.path.join(sys.argv[1], sys.argv[2] + ".json"), "w") as f:
    json.dump(facts, f)
# all the cases at once (a barrier, bounded): those running together each hold a socket
want, deadline = int(sys.argv[3]), time.monotonic() + 10
while len([n for n in os.listdir(sys.argv[1]) if n.endswith(".json")]) < want and time.monotonic() < deadline:
    time.sleep(0.005)
'''


def probing_cases(fake_cases, tmp_path, name, n, together):
    """n fake cases (in tmp_path/name) that each record their descriptor 3 in
    tmp_path/name-facts; each waits until `together` have."""
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    facts = tmp_path / f"{name}-facts"
    facts.mkdir()
    cases = fake_cases(name)
    for i in range(n):
        cases.add(f"probe.c{i}", before=f"{sys.executable} {probe} {facts} probe.c{i} {together}")
    return cases, facts


def read_facts(facts):
    return {p.stem: json.loads(p.read_text()) for p in facts.glob("*.json")}


def test_the_calibration_an_idle_socket_without_the_filter_takes_the_probe_packet_in():
    """What makes the probe's "took nothing in" mean the filter (not a packet still on its way)."""
    s = lendable_socket()
    attach(s, 0xFFFF)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"x", ("127.0.0.1", 9))
    assert s.recv(2048), "the datagram's leaving copy was not queued before sendto returned"
    s.close()


def test_a_case_run_here_is_lent_a_packet_socket_on_the_loopback_that_takes_nothing_in(
        sockconf, fake_cases, tmp_path, empty_divergences):
    lendable_socket().close()
    cases, facts = probing_cases(fake_cases, tmp_path, "cases", 1, 1)
    r = sockconf("run", "--no-out", "--cases", cases.dir, "--divergences", empty_divergences)
    assert r.status == 0, r
    f = read_facts(facts)["probe.c0"]
    assert "error" not in f, f
    assert f["env"] == "3"
    assert (f["family"], f["type"], f["ifname"], f["proto"]) == \
        (socket.AF_PACKET, socket.SOCK_RAW, "lo", ETH_P_ALL), f
    assert f["idle"] == "took nothing in", f


def test_cases_at_once_hold_sockets_of_their_own_and_later_cases_reuse_them(
        sockconf, fake_cases, tmp_path, empty_divergences):
    lendable_socket().close()
    cases, facts = probing_cases(fake_cases, tmp_path, "together", 3, 3)
    r = sockconf("run", "--no-out", "-j", "3", "--cases", cases.dir, "--divergences", empty_divergences)
    assert r.status == 0, r
    together = read_facts(facts)
    assert len({f["inode"] for f in together.values()}) == 3, together

    cases, facts = probing_cases(fake_cases, tmp_path, "in_turn", 3, 1)
    r = sockconf("run", "--no-out", "-j", "1", "--cases", cases.dir, "--divergences", empty_divergences)
    assert r.status == 0, r
    in_turn = read_facts(facts)
    assert len({f["inode"] for f in in_turn.values()}) == 1, in_turn


def test_without_cap_net_raw_nothing_is_lent_and_the_variable_says_none(
        runner, fake_cases, tmp_path, empty_divergences):
    from test_wire_partial import run_runner, without_net_raw
    prefix = without_net_raw()
    if prefix is None:
        pytest.skip("cannot drop CAP_NET_RAW here (Debian: apt-get install util-linux for setpriv)")
    cases, facts = probing_cases(fake_cases, tmp_path, "cases", 1, 1)
    r = run_runner(runner, ["run", "--no-out", "--cases", cases.dir, "--divergences", empty_divergences],
                   prefix, env={"SOCKCONF_WIRE_FD": "3"}, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    f = read_facts(facts)["probe.c0"]
    assert f["env"] == "", f  # the runner's own value does not reach the case
    assert f["error"] == "Bad file descriptor", f


CAPTURING = ["fin.on_wire", "rst.linger0_on_wire", "shutrd.nothing_on_wire", "fin.graceful_sequence_no_rst",
             "rst.close_with_unread_data_on_wire", "shutwr.fin_on_wire_after_data"]


def test_capturing_cases_run_together_adopt_the_lent_sockets_and_conform(
        sockconf, real_cases_dir, real_divergences_dir, tmp_path):
    """Six capturing cases four at a time, each on a lent socket of the
    loopback that all of them cross: each keeps its own connection's
    segments (a wire check counts them), none reports a drop."""
    lendable_socket().close()
    trace = tmp_path / "trace"
    r = sockconf("run", "--no-out", "-j", "4", "--cases", real_cases_dir, "--divergences",
                 real_divergences_dir, *CAPTURING, env={"SOCKCONF_WIRE_TRACE": str(trace)})
    assert r.status == 0, r
    lines = trace.read_text().splitlines()
    assert len(lines) == len(CAPTURING) and all(re.fullmatch(r"pid \d+: " + re.escape(ADOPTED), l) for l in lines), lines
    _, _, cases, _ = parse_run(r.out)
    for c in CAPTURING:
        assert cases[c].line.startswith("ok "), (c, cases[c].subtest)


FIN_ON_WIRE = ('  wire: "local>peer [S] seq -1 len 0; peer>local [S.] seq -1 len 0; '
               'local>peer [.] seq 0 len 0; peer>local [F.] seq 0 len 0"')


# Puts argv[1] (a descriptor, or "-": none) at descriptor 3 and executes argv[2:].
AT_FD3 = r"""
import os, sys
fd = sys.argv[1]
if fd == "-":
    try:
        os.close(3)
    except OSError:
        pass
else:
    os.dup2(int(fd), 3)
    os.close(int(fd))
os.execv(sys.argv[2], sys.argv[2:])
"""


def run_case_with_fd3(case, tmp_path, value, fd3=None):
    """The case run by hand with SOCKCONF_WIRE_FD=value and fd3 (or nothing) as its descriptor 3
    (put there in the child: this process's own descriptor 3 stays as it is)."""
    trace = tmp_path / "trace"
    p = subprocess.run([sys.executable, "-c", AT_FD3, "-" if fd3 is None else str(fd3), str(case)],
                       pass_fds=() if fd3 is None else (fd3,), capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, SOCKCONF_WIRE_FD=value, SOCKCONF_WIRE_TRACE=str(trace)))
    assert trace.exists(), (p.returncode, p.stdout, p.stderr)
    return p, trace.read_text().splitlines()


def test_a_case_adopts_a_lent_socket_and_reads_away_what_an_earlier_case_left(real_cases_dir, tmp_path):
    s = lendable_socket()
    attach(s, 0xFFFF)  # as a case's filter lets packets in: some are left queued
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(50):
        u.sendto(b"left over", ("127.0.0.1", 9))
    attach(s, 0)  # given back to the pool
    p, trace = run_case_with_fd3(real_cases_dir / "fin.on_wire", tmp_path, "3", s.fileno())
    assert p.returncode == 0, p.stdout + p.stderr
    assert [re.sub(r"^pid \d+: ", "", l) for l in trace] == [ADOPTED], trace
    assert p.stdout.count(FIN_ON_WIRE) == 2, p.stdout  # inet and inet6: its own connection, all of it
    after = []
    while True:  # what the case's own filter let in after its last look, if anything
        try:
            after.append(s.recv(2048))
        except BlockingIOError:
            break
    assert not [f for f in after if b"left over" in f], "the earlier case's packets were not read away"
    s.close()


def unfit(kind):
    """A descriptor for descriptor 3 that is not a lendable socket, and why the case refuses it."""
    if kind == "a pipe":
        r, w = os.pipe()
        os.close(w)
        return r, "descriptor 3: Socket operation on non-socket"
    if kind == "a UDP socket":
        return socket.socket(socket.AF_INET, socket.SOCK_DGRAM).detach(), \
            "descriptor 3 is not a raw packet socket"
    if kind == "a packet socket for IPv4 alone":
        try:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        except PermissionError:
            pytest.skip("no CAP_NET_RAW: no packet socket to make")
        s.bind(("lo", ETH_P_IP))
        return s.detach(), "descriptor 3 is not bound to the loopback for every protocol"
    raise AssertionError(kind)


@pytest.mark.parametrize("value,kind,why", [
    ("x", None, "SOCKCONF_WIRE_FD=x is not a descriptor number"),
    ("1000", None, "descriptor 1000: Bad file descriptor"),
    # nothing at 3: the case's first socket (the family's listener) takes that number
    ("3", None, "descriptor 3 is not a raw packet socket"),
    ("3", "a pipe", None),
    ("3", "a UDP socket", None),
    ("3", "a packet socket for IPv4 alone", None),
])
def test_a_case_whose_lent_descriptor_is_unfit_captures_on_its_own_with_the_same_evidence(
        real_cases_dir, tmp_path, value, kind, why):
    lendable_socket().close()  # where the case can capture at all
    fd = None
    if kind:
        fd, why = unfit(kind)
    try:
        p, trace = run_case_with_fd3(real_cases_dir / "fin.on_wire", tmp_path, value, fd)
    finally:
        if fd is not None:
            os.close(fd)
    assert p.returncode == 0, p.stdout + p.stderr
    assert [re.sub(r"^pid \d+: ", "", l) for l in trace] == [f"{OWN} (the runner's socket refused: {why})"], trace
    assert p.stdout.count(FIN_ON_WIRE) == 2, p.stdout
    assert not re.search(r"^not ok", p.stdout, re.M)
