"""--target wine: the Windows build's cases under Wine, from this runner.

Runs end to end where Wine is installed (Debian: apt-get install wine wine64)
and the Windows build of the cases is there (`make windows`, or
SOCKCONF_WINE_CASES=DIR); skipped with the reason otherwise.  The prefix
template is made once beside those cases (wineboot --init, ~10 s the first
time); each run clones it, starts one wineserver, and must leave nothing:
no process of its prefix, no directory in its TMPDIR, also when interrupted.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BUILD, REPO, parse_run

WINE = shutil.which("wine") and shutil.which("wineserver")
WINE_CASES = Path(os.environ.get("SOCKCONF_WINE_CASES") or BUILD.parent / "x86_64-w64-mingw32" / "cases")
DIVERGENCES = REPO / "cases" / "divergences"

pytestmark = [
    pytest.mark.skipif(not WINE, reason="wine is not installed (Debian: apt-get install wine wine64)"),
    pytest.mark.skipif(not WINE_CASES.is_dir(), reason=f"no Windows build of the cases in {WINE_CASES} "
                       "(make windows, or SOCKCONF_WINE_CASES=DIR)"),
]

# the first run may make the prefix template (wineboot --init) before its cases
BOUND_S = 180


def wine_args(*more):
    return ["run", "--target", "wine", "--cases", WINE_CASES, "--divergences", DIVERGENCES, *more]


def prefix_processes(root):
    """Processes whose WINEPREFIX lies under root: the run's wineserver, Wine's
    services and cases (every wine process carries its prefix)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes().split(b"\0")
            comm = (entry / "comm").read_text().strip()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if any(v.startswith(b"WINEPREFIX=" + str(root).encode()) for v in env):
            found.append(f"{entry.name} ({comm})")
    return found


def assert_nothing_left(tmpdir):
    assert prefix_processes(tmpdir) == [], "a wine process of the run outlived it"
    assert sorted(p.name for p in tmpdir.iterdir()) == [], "the run left files in its TMPDIR"


def test_wine_run_is_labelled_and_applies_windows_and_wine_records(sockconf, tmp_path):
    # send after SD_SEND: documented by Windows (windows.txt); a reset read as
    # end of file: Wine's own todo_wine (wine.txt); fin.recv_zero conforms
    r = sockconf(*wine_args("--out", tmp_path / "results", "shutwr.send_epipe",
                            "rst.linger0_econnreset", "fin.recv_zero"), bound=BOUND_S)
    assert r.status == 0, r
    assert re.search(r"^# label: wine-[0-9.]+-winsock-x86_64$", r.out, re.M), r
    assert "# target: wine\n" in r.out and "# stack: winsock\n" in r.out, r
    assert re.search(r"^# host: Linux ", r.out, re.M), r
    _, _, cases, _ = parse_run(r.out)
    verdicts = {case_id: c.line for case_id, c in cases.items()}
    assert "# TODO conforms to its own documents" in verdicts["shutwr.send_epipe"], r
    assert "# TODO diverges as recorded" in verdicts["rst.linger0_econnreset"], r
    assert verdicts["fin.recv_zero"].startswith("ok "), r
    results = list((tmp_path / "results").glob("wine-*-winsock-x86_64.partial.tap"))
    assert len(results) == 1, r
    assert_nothing_left(tmp_path / "tmpdir")


def test_wine_skip_reasons_name_no_debian_package(sockconf, tmp_path):
    # claims that rest on the wire alone skip in the Windows build, which has
    # no capture at all: its reason must not send a Windows user to apt-get
    r = sockconf(*wine_args("--no-out", "fin.on_wire", "shutwr.fin_after_queued_data"), bound=BOUND_S)
    assert r.status == 0, r
    skips = [line for line in r.out.splitlines() if "# SKIP" in line]
    assert skips, r
    assert not [line for line in skips if "Debian" in line or "apt-get" in line], r
    assert "the Windows build has no packet capture" in r.out, r
    assert_nothing_left(tmp_path / "tmpdir")


def test_wine_refuses_cases_that_are_not_the_windows_build(sockconf, real_cases_dir, tmp_path):
    r = sockconf("run", "--target", "wine", "--cases", real_cases_dir, "--divergences", DIVERGENCES,
                 "--no-out", "fin.recv_zero", bound=BOUND_S)
    assert r.status == 2, r
    assert r.err.count("\n") == 1 and "--target wine:" in r.err, r
    assert_nothing_left(tmp_path / "tmpdir")


def test_wine_interrupted_run_leaves_no_wine_process(runner, tmp_path):
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    proc = subprocess.Popen([str(runner), *map(str, wine_args("--no-out"))], cwd=tmp_path,
                            env=dict(os.environ, TMPDIR=str(tmpdir)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + BOUND_S
        # a case has finished: the server and Wine's services are up, cases are running
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line or re.match(r"^(not )?ok 1 ", line):
                break
        assert prefix_processes(tmpdir), "no wine process of the run was seen running"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGINT, err
    assert "Bail out! interrupted by SIGINT" in out, out
    assert_nothing_left(tmpdir)
