"""SOCKCONF_PRELOAD: a broken stack (tests/mutants/mutants.c) inside the QEMU guest.

The library is copied into the guest's initramfs and becomes the LD_PRELOAD
of the guest's runner and cases, with SOCKCONF_MUTANT passed through: so a
mutant that hides shutdown()'s errors makes shuterr.einval fail in the guest
as it does natively (make mutants-link runs the whole table this way).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD

REPO = Path(__file__).resolve().parents[2]
QEMU = shutil.which("qemu-system-x86_64") and shutil.which("busybox")
needs_qemu = pytest.mark.skipif(not (QEMU and shutil.which("cc")),
                                reason="QEMU, busybox or cc is not installed (Debian: apt-get "
                                "install qemu-system-x86 busybox-static gcc)")
GUEST_BOUND_S = 300


@needs_qemu
def test_an_unreadable_preload_exits_2_with_one_line(sockconf, tmp_path, empty_divergences):
    missing = tmp_path / "no-such.so"
    r = sockconf("run", "--target", "qemu", "--no-out", "--cases", BUILD / "cases",
                 "--divergences", empty_divergences, "shuterr.einval",
                 env={"SOCKCONF_PRELOAD": str(missing)}, bound=GUEST_BOUND_S)
    if r.status == 2 and "kernel" in r.err and "PRELOAD" not in r.err:
        pytest.skip(r.err.strip())  # no guest kernel to be had here
    assert r.status == 2, r
    lines = r.err.splitlines()
    # the one line, after the guest kernel's one-time fetch where this run was the first
    assert lines[-1] == f"sockconf: --target qemu: SOCKCONF_PRELOAD={missing} cannot be read", r
    assert all(l.startswith("sockconf: --target qemu: fetching ") for l in lines[:-1]), r


@needs_qemu
def test_a_mutant_preloaded_into_the_guest_kills_its_case(sockconf, tmp_path, empty_divergences):
    lib = tmp_path / "mutants.so"
    subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", lib, REPO / "tests/mutants/mutants.c",
                    "-ldl"], check=True)
    r = sockconf("run", "--target", "qemu", "--no-out", "--cases", BUILD / "cases",
                 "--divergences", empty_divergences, "shuterr.einval",
                 env={"SOCKCONF_PRELOAD": str(lib), "SOCKCONF_MUTANT": "shutdown_errors_hidden"},
                 bound=GUEST_BOUND_S)
    if r.status == 2 and "PRELOAD" not in r.err:
        pytest.skip(r.err.strip())  # the guest cannot boot here
    assert r.status == 1, r
    assert "\nnot ok 1 - shuterr.einval" in r.out, r
