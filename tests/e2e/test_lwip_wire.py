"""Wire evidence where the case's end lives on lwIP (issue 11, part 4).

On lwIP's own loopback (SOCKCONF_LWIP_NETIF=loop) nothing leaves the
process, so no capture sees it: lib/lwip_wire.c defines ip_input() in the
case program, liblwip.so's netif_poll() calls it through its PLT, and each
packet of either end goes to the wire layer before lwIP's own ip_input().
The proof: the case program exports ip_input, liblwip.so calls it through
its PLT, and fin.on_wire on lwIP sees the looped-back handshake (the local
end's SYN first) and the FIN, for both families.  Over a tap (lwIP against
the kernel) the wire is the tap device, captured as loopback is.
"""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD

CASE = BUILD / "cases" / "fin.on_wire"
HANDSHAKE = "local>peer [S] seq -1 len 0; peer>local [S.] seq -1 len 0; local>peer [.] seq 0 len 0"


def lwip_env(**more):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCKCONF_")}
    env.update(SOCKCONF_STACK="lwip", **more)
    return env


def tool(name):
    path = shutil.which(name)
    if not path:
        pytest.skip(f"{name} is not installed (Debian: apt-get install binutils)")
    return path


@pytest.fixture(scope="module")
def lwip_stack():
    """The case, in a build with the lwIP stack."""
    if not CASE.is_file():
        pytest.fail(f"no case at {CASE}: run `make` first")
    r = subprocess.run([str(CASE), "--stack"], env=lwip_env(), capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        pytest.skip(f"this build has no lwIP stack: {r.stderr.strip()}")
    return CASE


@pytest.fixture(scope="module")
def lwip_case(lwip_stack):
    """The same, with lib/lwip_wire.c's observer linked in."""
    defined = subprocess.run([tool("nm"), "-D", "--defined-only", str(CASE)], capture_output=True,
                             text=True, check=True).stdout
    if not re.search(r" T ip_input$", defined, re.M):
        pytest.skip("the case program defines no ip_input: lib/stack_lwip.c's table does not name "
                    "its observer yet (.observe = sc_lwip_observe), so lib/lwip_wire.c is not linked")
    return CASE


def families(stdout):
    """{family: (status line, wire note)} from a case's TAP."""
    seen, current = {}, None
    for line in stdout.splitlines():
        m = re.match(r"(ok|not ok) \d+ - (\w+)(.*)", line)
        if m:
            current = m.group(2)
            seen[current] = [line, ""]
        elif current and line.startswith("  wire: "):
            seen[current][1] = line[len("  wire: "):].strip('"')
    return seen


def assert_seen_on_wire(r):
    assert r.returncode == 0, r.stdout + r.stderr
    got = families(r.stdout)
    assert "partial" not in r.stdout, r.stdout
    for family in ("inet", "inet6"):
        status, wire = got[family]
        assert status.startswith("ok") and "SKIP" not in status, r.stdout
        assert wire.startswith(HANDSHAKE), r.stdout  # the SYN, looped back, was seen first
        assert "peer>local [F.]" in wire and "[R" not in wire, r.stdout


def test_case_program_exports_ip_input(lwip_case):
    """Only an exported definition takes liblwip.so's calls (the Makefile's --export-dynamic-symbol)."""
    dyn = subprocess.run([tool("nm"), "-D", "--defined-only", str(lwip_case)], capture_output=True,
                         text=True, check=True).stdout
    assert re.search(r" T ip_input$", dyn, re.M), dyn


def test_liblwip_calls_ip_input_through_its_plt(lwip_case):
    """If netif_poll() called ip_input directly, the program's would never see a packet."""
    ldd = subprocess.run(["ldd", str(lwip_case)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"liblwip\S* => (\S+)", ldd)
    assert m, ldd
    code = subprocess.run([tool("objdump"), "-d", m.group(1)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"call\s+\S+ <ip_input@plt>", code), f"{m.group(1)}: no call through ip_input@plt"


def test_looped_back_syn_is_seen(lwip_case):
    r = subprocess.run([str(lwip_case)], env=lwip_env(SOCKCONF_LWIP_NETIF="loop"), capture_output=True,
                       text=True, timeout=60)
    assert_seen_on_wire(r)


@pytest.fixture
def tap_namespace():
    if os.geteuid() != 0 or not shutil.which("ip"):
        pytest.skip("a tap in a network namespace needs root and ip (Debian: iproute2)")
    ns = f"sc-lwip-wire-{os.getpid()}"
    setup = ("ip link set lo up && ip tuntap add dev sctap0 mode tap && ip link set sctap0 mtu 1280 up && "
             "ip addr add 10.0.0.2/24 dev sctap0 && ip -6 addr add fd00::2/64 dev sctap0 nodad")
    subprocess.run(["ip", "netns", "add", ns], check=True, timeout=30)
    try:
        r = subprocess.run(["ip", "netns", "exec", ns, "sh", "-c", setup], capture_output=True, text=True,
                           timeout=30)
        if r.returncode != 0:
            pytest.skip(f"no tap device in a network namespace here: {r.stderr.strip()}")
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", ns], timeout=30)


def test_segments_across_a_tap_are_seen(lwip_stack, tap_namespace):
    """The case's end on lwIP, the peer on the kernel: the capture is on the tap (wire_device)."""
    env = lwip_env(SOCKCONF_PEER_STACK="kernel", SOCKCONF_LWIP_NETIF="tap:sctap0",
                   SOCKCONF_LWIP_ADDR4="10.0.0.1/24", SOCKCONF_LWIP_ADDR6="fd00::1",
                   SOCKCONF_KERNEL_ADDR4="10.0.0.2", SOCKCONF_KERNEL_ADDR6="fd00::2")
    r = subprocess.run(["ip", "netns", "exec", tap_namespace, str(lwip_stack)], env=env, capture_output=True,
                       text=True, timeout=60)
    assert_seen_on_wire(r)
