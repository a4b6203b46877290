"""The results file is complete or absent: never half written, no temp file
left behind, nothing of the run outlives an interrupt."""

import os
import signal
import subprocess
import time

import pytest

from conftest import RUN_BOUND_S, process_gone, read_pid, sh_quote, wait_for

LABEL = "fake-1.0-native"


def listing(d):
    return sorted(p.name for p in d.iterdir())


@pytest.fixture
def one_case(fake_cases, tmp_path):
    fc = fake_cases()
    ran = tmp_path / "ran"
    fc.add("a.case", before=f"touch '{ran}'")
    return fc, ran


def test_results_file_is_written_under_the_label(sockconf, one_case, empty_divergences, tmp_path):
    fc, ran = one_case
    out_dir = tmp_path / "deep" / "er" / "results"  # created as needed
    r = sockconf("run", "--out", out_dir, "--label", LABEL, "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 0, r
    assert listing(out_dir) == [f"{LABEL}.tap"]
    assert (out_dir / f"{LABEL}.tap").read_text() == r.out
    assert r.out.endswith("# 1 conform, 0 follow their own documents, 0 diverge as recorded, 0 "
                          "recorded divergences no longer diverge, 0 documented records no longer "
                          "hold, 0 skipped, 0 do not conform\n"), r


def test_results_file_of_a_second_run_replaces_the_first(sockconf, one_case, empty_divergences,
                                                         tmp_path):
    fc, ran = one_case
    out_dir = tmp_path / "results"
    out_dir.mkdir()
    (out_dir / f"{LABEL}.tap").write_text("an older run\n")
    (out_dir / "other-label.tap").write_text("another platform's results\n")
    r = sockconf("run", "--out", out_dir, "--label", LABEL, "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 0, r
    assert listing(out_dir) == [f"{LABEL}.tap", "other-label.tap"]
    assert (out_dir / f"{LABEL}.tap").read_text() == r.out
    assert (out_dir / "other-label.tap").read_text() == "another platform's results\n"


def test_default_out_is_results_in_the_working_directory(sockconf, one_case, empty_divergences,
                                                         tmp_path):
    fc, ran = one_case
    r = sockconf("run", "--label", LABEL, "--cases", fc.dir, "--divergences", empty_divergences)
    assert r.status == 0, r
    assert (tmp_path / "results" / f"{LABEL}.tap").read_text() == r.out


@pytest.mark.parametrize("where", ["under_a_regular_file", "is_a_regular_file"])
def test_unwritable_out_exits_2_and_writes_nothing(sockconf, one_case, empty_divergences, tmp_path,
                                                   where):
    fc, ran = one_case
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file\n")
    out = blocker / "results" if where == "under_a_regular_file" else blocker
    before = listing(tmp_path)
    r = sockconf("run", "--out", out, "--label", LABEL, "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 2, r
    assert r.out == "", r
    why = "create" if where == "under_a_regular_file" else "write in"
    assert r.err == f"sockconf: cannot {why} the results directory {out}\n", r
    assert not ran.exists(), "cases ran although no results could be written"
    assert listing(tmp_path) == before
    assert blocker.read_text() == "a regular file\n"


def test_results_path_taken_by_a_directory_exits_2_leaving_no_temp_file(
        sockconf, one_case, empty_divergences, tmp_path):
    """The last step, the rename, fails: the run's TAP was printed, but the
    results directory holds what it held, and no temp file."""
    fc, ran = one_case
    out_dir = tmp_path / "results"
    (out_dir / f"{LABEL}.tap").mkdir(parents=True)
    r = sockconf("run", "--out", out_dir, "--label", LABEL, "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 2, r
    assert r.err.startswith(f"sockconf: could not write {out_dir}/{LABEL}.tap: "), r
    assert listing(out_dir) == [f"{LABEL}.tap"]
    assert listing(out_dir / f"{LABEL}.tap") == []


@pytest.mark.parametrize("signo", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_leaves_no_results_no_temp_file_and_no_case_running(
        runner, fake_cases, empty_divergences, tmp_path, pidfiles_to_clean, signo):
    fc = fake_cases()
    pidfile, childfile = tmp_path / "hang.pid", tmp_path / "child.pid"
    pidfiles_to_clean += [pidfile, childfile]
    fc.add("a.quick")
    fc.add("b.hangs", "# id: b.hangs\n# claim: a fake claim\n1..3\n",
           after=(f"sleep 1000 &\necho $! > {sh_quote(childfile)}\n"
                  f"echo $$ > {sh_quote(pidfile)}\nexec sleep 1000"))
    out_dir = tmp_path / "results"
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    argv = [str(runner), "run", "-j", "2", "--timeout", "60", "--out", str(out_dir), "--label",
            LABEL, "--cases", str(fc.dir), "--divergences", str(empty_divergences)]
    proc = subprocess.Popen(argv, cwd=tmp_path, env=dict(os.environ, TMPDIR=str(scratch)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid = child = None
    try:
        pid = wait_for(lambda: read_pid(pidfile), 10.0)
        child = wait_for(lambda: read_pid(childfile), 10.0)
        assert pid and child, "the hanging case did not start"
        # a run is under way: its temp file exists (so its removal is what we test)
        temps = listing(out_dir)
        assert len(temps) == 1 and temps[0].startswith(f".{LABEL}.tap.tmp."), temps
        # ... and holds a part of the run: the quick case's result
        assert wait_for(lambda: "\nok 1 - a.quick\n" in (out_dir / temps[0]).read_text(), 10.0)
        t0 = time.monotonic()
        proc.send_signal(signo)
        out, err = proc.communicate(timeout=RUN_BOUND_S)
        elapsed = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    name = "SIGINT" if signo == signal.SIGINT else "SIGTERM"
    assert proc.returncode == 128 + signo, (proc.returncode, out, err)
    assert elapsed < 5.0, f"the runner took {elapsed:.2f} s to stop"
    assert out.splitlines()[-1] == f"Bail out! interrupted by {name}", out
    assert "ok 1 - a.quick" in out.splitlines(), out
    assert listing(out_dir) == [], "a results or temp file was left behind"
    assert listing(scratch) == [], "the runner's scratch directory was left behind"
    assert wait_for(lambda: process_gone(pid), 5.0), f"the hanging case {pid} still runs"
    assert wait_for(lambda: process_gone(child), 5.0), f"the hanging case's child {child} still runs"


def test_reader_gone_leaves_no_temp_file_no_scratch_and_no_case_running(
        runner, fake_cases, empty_divergences, tmp_path, pidfiles_to_clean):
    """`sockconf run | head -1`: the runner's stdout closes mid-run.  Whether
    it finishes the run or stops, the results directory must hold a complete
    results file or nothing, and nothing of the run may outlive it."""
    fc = fake_cases()
    reader_gone, pidfile = tmp_path / "reader.gone", tmp_path / "hang.pid"
    pidfiles_to_clean.append(pidfile)
    fc.add("a.first")
    # b.second finishes only once the reader has gone: its result is written to a closed pipe
    fc.add("b.second", before=(
        f"n=0\nwhile [ ! -e {sh_quote(reader_gone)} ] && [ $n -lt 500 ]; do sleep 0.01; "
        "n=$((n+1)); done"))
    fc.add("c.hangs", "# id: c.hangs\n# claim: a fake claim\n1..3\n",
           after=f"echo $$ > {sh_quote(pidfile)}\nexec sleep 1000")
    out_dir = tmp_path / "results"
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    argv = [str(runner), "run", "-j", "2", "--timeout", "2", "--out", str(out_dir), "--label",
            LABEL, "--cases", str(fc.dir), "--divergences", str(empty_divergences)]
    proc = subprocess.Popen(argv, cwd=tmp_path, env=dict(os.environ, TMPDIR=str(scratch)),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout.readline() == "TAP version 13\n"
        pid = wait_for(lambda: read_pid(pidfile), 10.0)  # a.first is done, c.hangs runs
        assert pid, "the hanging case did not start"
        proc.stdout.close()
        reader_gone.touch()
        proc.wait(timeout=RUN_BOUND_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    left = listing(out_dir)
    assert left in ([], [f"{LABEL}.tap"]), f"exit {proc.returncode}, left behind: {left}"
    if left:
        assert (out_dir / left[0]).read_text().endswith(" do not conform\n"), "an incomplete file"
    assert listing(scratch) == [], f"exit {proc.returncode}: the runner's scratch directory was left"
    assert wait_for(lambda: process_gone(pid), 5.0), \
        f"exit {proc.returncode}: the hanging case {pid} still runs after the runner ended"


def test_interrupted_list_exits_128_plus_signal(runner, fake_cases, tmp_path, pidfiles_to_clean):
    """--help: "130/143 interrupted".  A case whose --describe hangs, and ^C."""
    fc = fake_cases()
    pidfile = tmp_path / "describe.pid"
    pidfiles_to_clean.append(pidfile)
    fc.add_script("a.slow_describe", f"echo $$ > {sh_quote(pidfile)}\nexec sleep 1000\n")
    fc.add("b.fine")
    proc = subprocess.Popen([str(runner), "list", "--cases", str(fc.dir)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pid = wait_for(lambda: read_pid(pidfile), 10.0)
        assert pid, "the case's --describe did not start"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=RUN_BOUND_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert wait_for(lambda: process_gone(pid), 5.0), f"the --describe process {pid} still runs"
