"""The Makefile's libpcap probe answers what the machine has.

A fresh machine has no libpcap headers; the probe once said yes whatever was
installed (make passed a quoted \\# to the shell) and `make run` died on
lib/wire_pcap.c.  Here libpcap's headers are hidden in a private mount
namespace (an empty directory bound over them) and one wire case is built:
it must fall back to lib/wire_none.c and skip its wire checks, naming the
package to install.
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

HEADERS = [Path("/usr/include/pcap"), Path("/usr/include/pcap.h")]
CASE = "fin.on_wire"


def build_one_case(build, hide):
    """Builds one wire case into build/, with each path in hide covered by an
    empty directory or an empty file, in a mount namespace of its own."""
    binds = "".join(f"mount --bind {build / ('empty' if h.is_dir() else 'empty.h')} {h} && " for h in hide)
    make = f"make --no-print-directory -C {REPO} BUILD={build} CFLAGS=-O0 {build}/cases/{CASE}"
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", binds + make],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def hidden_build(tmp_path):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("hiding libpcap's headers needs root and unshare (a private mount namespace)")
    present = [h for h in HEADERS if h.exists()]
    if not present:
        pytest.skip("libpcap's headers are not installed: nothing to hide (Debian: libpcap-dev)")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty.h").write_text("")
    return tmp_path, present


def test_probe_falls_back_to_wire_none_without_headers(hidden_build):
    build, present = hidden_build
    r = build_one_case(build, present)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "wire_none.c" in r.stdout and "wire_pcap.c" not in r.stdout, r.stdout
    case = subprocess.run([str(build / "cases" / CASE)], capture_output=True, text=True, timeout=30)
    assert case.returncode == 0, case.stdout + case.stderr
    assert "# SKIP built without libpcap" in case.stdout and "libpcap-dev" in case.stdout, case.stdout


def test_probe_finds_the_headers_when_present(hidden_build):
    """The same build with nothing hidden uses libpcap: the probe is not stuck at no."""
    build, _ = hidden_build
    r = build_one_case(build, [])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "wire_pcap.c" in r.stdout, r.stdout
