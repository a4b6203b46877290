"""A runner on a hostile machine (issue 10, "The runner"): signals other than
^C, a runner killed with SIGKILL, cases that leave their process group, a
full TMPDIR, the process limit reached, a case that floods its output, and a
stdout that is closed or full.  Each ends with a clear message, the right
exit status, nothing half-written and no process left behind."""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (RUN_BOUND_S, parse_run, process_gone, read_pid, sh_quote, wait_for)

LABEL = "fake-1.0-native"
CAP = 1 << 20  # what the runner keeps of a case's output (runner/verdict.h)


def listing(d):
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def start_runner(runner, tmp_path, *args, stdout=subprocess.PIPE):
    scratch = tmp_path / "tmpdir"
    scratch.mkdir(exist_ok=True)
    argv = [str(runner)] + [str(a) for a in args]
    return subprocess.Popen(argv, cwd=tmp_path, env=dict(os.environ, TMPDIR=str(scratch)),
                            stdout=stdout, stderr=subprocess.PIPE, text=True)


def hanging_case(fc, name, pidfile, childfile):
    """A case that starts a child (a holder) and then hangs."""
    fc.add(name, f"# id: {name}\n# claim: a fake claim\n1..3\n",
           after=(f"sleep 1000 &\necho $! > {sh_quote(childfile)}\n"
                  f"echo $$ > {sh_quote(pidfile)}\nexec sleep 1000"))


def dead_pid():
    """A process id that no process has now (one that has just been reaped)."""
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


# ---- 1. SIGHUP and SIGQUIT stop a run as SIGINT and SIGTERM do --------------------------


@pytest.mark.parametrize("signo", [signal.SIGHUP, signal.SIGQUIT], ids=["SIGHUP", "SIGQUIT"])
def test_hangup_and_quit_leave_nothing(runner, fake_cases, empty_divergences, tmp_path,
                                       pidfiles_to_clean, signo):
    fc = fake_cases()
    pidfile, childfile = tmp_path / "hang.pid", tmp_path / "child.pid"
    pidfiles_to_clean += [pidfile, childfile]
    fc.add("a.quick")
    hanging_case(fc, "b.hangs", pidfile, childfile)
    out_dir = tmp_path / "results"
    proc = start_runner(runner, tmp_path, "run", "-j", "2", "--timeout", "60", "--out", out_dir,
                        "--label", LABEL, "--cases", fc.dir, "--divergences", empty_divergences)
    try:
        pid = wait_for(lambda: read_pid(pidfile), 10.0)
        child = wait_for(lambda: read_pid(childfile), 10.0)
        assert pid and child, "the hanging case did not start"
        temps = listing(out_dir)
        assert len(temps) == 1 and temps[0].startswith(f".{LABEL}.tap.tmp."), temps
        assert wait_for(lambda: "\nok 1 - a.quick\n" in (out_dir / temps[0]).read_text(), 10.0)
        proc.send_signal(signo)
        out, err = proc.communicate(timeout=RUN_BOUND_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signo, (proc.returncode, out, err)
    assert out.splitlines()[-1] == f"Bail out! interrupted by {signal.Signals(signo).name}", out
    assert listing(out_dir) == [], "a results or temp file was left behind"
    assert listing(tmp_path / "tmpdir") == [], "the runner's scratch directory was left behind"
    assert wait_for(lambda: process_gone(pid), 5.0), f"the hanging case {pid} still runs"
    assert wait_for(lambda: process_gone(child), 5.0), f"its child {child} still runs"


def test_a_stale_temporary_results_file_is_removed(sockconf, fake_cases, empty_divergences,
                                                    tmp_path):
    """A run killed with SIGKILL cannot remove its .LABEL.tap.tmp.PID: the next run does,
    once PID is gone, and says so; a live run's file is left alone."""
    fc = fake_cases()
    fc.add("a.case")
    out_dir = tmp_path / "results"
    out_dir.mkdir()
    stale = out_dir / f".{LABEL}.tap.tmp.{dead_pid()}"
    stale.write_text("TAP version 13\n1..52\nok 1 - half\n")
    live = out_dir / f".{LABEL}.tap.tmp.{os.getpid()}"  # this test's process: alive
    live.write_text("TAP version 13\n")
    other = out_dir / f".other-label.tap.tmp.{dead_pid()}"  # not this label's
    other.write_text("TAP version 13\n")
    r = sockconf("run", "--out", out_dir, "--label", LABEL, "--cases", fc.dir, "--divergences",
                 empty_divergences)
    assert r.status == 0, r
    assert not stale.exists(), r
    assert f"sockconf: removed {stale}, left by run {stale.name.rsplit('.', 1)[1]}, which is gone" \
        in r.err.splitlines(), r
    assert live.exists() and other.exists(), r
    assert sorted(listing(out_dir)) == sorted([f"{LABEL}.tap", live.name, other.name]), r


# ---- 2. the runner owns its cases' lifetimes, even when it is killed ------------------------


def test_a_runner_killed_with_sigkill_takes_its_cases_with_it(runner, fake_cases,
                                                               empty_divergences, tmp_path,
                                                               pidfiles_to_clean):
    """The case (parent-death signal), its holder child and a process that left
    the group with setsid() (the guardian) all die with the runner."""
    fc = fake_cases()
    pidfile, childfile, escapee, escaper = (tmp_path / "hang.pid", tmp_path / "child.pid",
                                            tmp_path / "escapee.pid", tmp_path / "escaper.pid")
    pidfiles_to_clean += [pidfile, childfile, escapee, escaper]
    fc.add("a.escapes", "# id: a.escapes\n# claim: a fake claim\n1..3\n",
           after=(f"setsid sh -c 'echo $$ > {sh_quote(escapee)}; exec sleep 1000' &\n"
                  f"echo $$ > {sh_quote(escaper)}\nexec sleep 1000"))
    hanging_case(fc, "b.hangs", pidfile, childfile)
    out_dir = tmp_path / "results"
    proc = start_runner(runner, tmp_path, "run", "-j", "2", "--timeout", "60", "--out", out_dir,
                        "--label", LABEL, "--cases", fc.dir, "--divergences", empty_divergences)
    try:
        pids = [wait_for(lambda f=f: read_pid(f), 10.0)
                for f in (pidfile, childfile, escapee, escaper)]
        assert all(pids), f"the cases did not start: {pids}"
        proc.kill()
        proc.communicate(timeout=RUN_BOUND_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    for what, pid in zip(("the hanging case", "its holder child", "the setsid() escapee",
                          "the case that started it"), pids):
        assert wait_for(lambda p=pid: process_gone(p), 5.0), f"{what} {pid} outlived the runner"


def test_a_case_that_leaves_a_process_running_is_not_ok(sockconf, fake_cases, empty_divergences,
                                                        tmp_path, pidfiles_to_clean):
    """A case whose points all pass, but which left a process outside its group
    (setsid()) running when it ended: not ok, and the process is killed."""
    fc = fake_cases()
    escapee = tmp_path / "escapee.pid"
    pidfiles_to_clean.append(escapee)
    fc.add("a.fine")
    fc.add("b.escapes", before=(
        f"setsid sh -c 'echo $$ > {sh_quote(escapee)}; exec sleep 1000' &\n"
        f"while [ ! -s {sh_quote(escapee)} ]; do sleep 0.01; done"))
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences)
    pid = read_pid(escapee)
    assert pid, r
    assert r.status == 1, r
    _, _, cases, _ = parse_run(r.out)
    assert cases["a.fine"].line == "ok 1 - a.fine", r
    assert cases["b.escapes"].line.startswith("not ok 2 - b.escapes"), r
    assert cases["b.escapes"].yaml.get("message") == \
        f"left a process running: {pid} (setsid); killed", r
    assert wait_for(lambda: process_gone(pid), 5.0), f"the escapee {pid} still runs"


# ---- 3. a full TMPDIR is the machine's error ----------------------------------------------


def in_private_tmpfs(runner_args, tmp_path, size="1m", fill=True):
    """Runs the runner with TMPDIR on a tmpfs of `size` (filled up first) mounted in a
    private mount namespace, so nothing of it is seen outside."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("host: needs root and unshare(1) to mount a small tmpfs privately")
    tmpdir = tmp_path / "small-tmp"
    tmpdir.mkdir()
    script = (f"mount -t tmpfs -o size={size} sockconf-test {sh_quote(tmpdir)} || exit 99\n"
              + (f"head -c 4000000 /dev/zero > {sh_quote(tmpdir)}/fill 2>/dev/null\n" if fill else "")
              + 'exec "$@"\n')
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]
                       + [str(a) for a in runner_args], cwd=tmp_path,
                       env=dict(os.environ, TMPDIR=str(tmpdir)), capture_output=True, text=True,
                       timeout=RUN_BOUND_S)
    if p.returncode == 99:
        pytest.skip(f"host: cannot mount a tmpfs in a private mount namespace: {p.stderr.strip()}")
    return p


def test_a_full_tmpdir_is_an_environment_error(runner, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    for i in range(5):
        fc.add(f"a.case{i}")
    out_dir = tmp_path / "results"
    p = in_private_tmpfs([runner, "run", "--out", out_dir, "--label", LABEL, "--cases", fc.dir,
                          "--divergences", empty_divergences], tmp_path)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("sockconf: TMPDIR: cannot write the cases' output in "), p.stderr
    assert lines[0].endswith(": No space left on device"), p.stderr
    assert "do not conform" not in p.stdout + p.stderr
    assert listing(out_dir) == [], "a results or temp file was written"


def test_a_flood_does_not_fill_tmpdir(runner, fake_cases, empty_divergences, tmp_path):
    """A case printing without end, with TMPDIR on a 4 MB tmpfs: the case is cut
    off at 1 MiB (not ok), the file system never fills, the other case passes."""
    fc = fake_cases()
    fc.add("a.floods", "# id: a.floods\n# claim: a fake claim\n1..3\n",
           after="exec cat /dev/zero")
    fc.add("b.fine")
    p = in_private_tmpfs([runner, "run", "--no-out", "--cases", fc.dir, "--divergences",
                          empty_divergences], tmp_path, size="4m", fill=False)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    _, _, cases, _ = parse_run(p.stdout)
    assert cases["a.floods"].yaml.get("message") == \
        f"output over {CAP} bytes: killed (the runner keeps no more)", p.stdout
    assert cases["b.fine"].line == "ok 2 - b.fine", p.stdout


# ---- 4. the process limit ------------------------------------------------------------------


def pids_cgroup(tmp_path, limit):
    """A cgroup (v1 or v2) with pids.max = limit, or a skip."""
    for base in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if (base / "cgroup.procs").exists() and os.access(base, os.W_OK):
            d = base / f"sockconf-test-{os.getpid()}-{tmp_path.name}"
            try:
                d.mkdir()
                (d / "pids.max").write_text(f"{limit}\n")
            except OSError:
                if d.exists():
                    d.rmdir()
                continue
            return d
    pytest.skip("host: no writable cgroup with a pids controller")


def run_in_cgroup(cg, argv, tmp_path):
    """Runs argv with its pids counted in cgroup cg (the shell joins it, then execs)."""
    scratch = tmp_path / "tmpdir"
    scratch.mkdir(exist_ok=True)
    script = f'echo $$ > {sh_quote(cg / "cgroup.procs")} && exec "$@"'
    return subprocess.run(["sh", "-c", script, "sh"] + [str(a) for a in argv], cwd=tmp_path,
                          env=dict(os.environ, TMPDIR=str(scratch)), capture_output=True,
                          text=True, timeout=RUN_BOUND_S)


def test_no_process_left_to_start_a_case_is_an_environment_error(runner, fake_cases,
                                                                 empty_divergences, tmp_path):
    """pids.max 2: the runner and its guardian, and no room for a case.  The runner
    backs off for 2 s, then stops: exit 2, one line with the errno, no results."""
    fc = fake_cases()
    fc.add("a.case")
    fc.add("b.case")
    out_dir = tmp_path / "results"
    cg = pids_cgroup(tmp_path, 2)
    try:
        p = run_in_cgroup(cg, [runner, "run", "--out", out_dir, "--label", LABEL, "--cases",
                               fc.dir, "--divergences", empty_divergences], tmp_path)
    finally:
        for pid in (cg / "cgroup.procs").read_text().split():
            os.kill(int(pid), signal.SIGKILL)
        wait_for(lambda: not (cg / "cgroup.procs").read_text().strip(), 5.0)
        cg.rmdir()
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0] == ("sockconf: cannot start a.case: fork() failed: Resource temporarily "
                        "unavailable (EAGAIN) for 2.0 s: the machine's process limit is reached "
                        "(cgroup pids.max, or RLIMIT_NPROC)"), p.stderr
    assert listing(out_dir) == [], "a results or temp file was written"


def test_a_case_whose_fork_meets_the_process_limit_is_an_environment_error(
        sockconf, fake_cases, empty_divergences, tmp_path):
    """lib says "fork() failed: EAGAIN" (lib/holder.c): the run stops, exit 2, rather
    than counting the stack as not conforming."""
    fc = fake_cases()
    fc.add("a.fine")
    points = ["not ok 1 - inet", "  ---", '  message: "fork() failed: EAGAIN"', "  ...",
              "ok 2 - inet6", "ok 3 - unix"]
    fc.add("b.no_fork", "# id: b.no_fork\n# claim: a fake claim\n1..3\n" + "\n".join(points) + "\n",
           status=1)
    out_dir = tmp_path / "results"
    r = sockconf("run", "-j", "1", "--out", out_dir, "--label", LABEL, "--cases", fc.dir,
                 "--divergences", empty_divergences)
    assert r.status == 2, r
    assert r.err.splitlines() == [
        "sockconf: b.no_fork: fork() failed: EAGAIN: the machine's process limit is reached "
        "(cgroup pids.max, or RLIMIT_NPROC)"], r
    assert r.out.splitlines()[-1].startswith("Bail out! b.no_fork: fork() failed: EAGAIN"), r
    assert listing(out_dir) == [], r


# ---- 5. a case's output is bounded on disk ---------------------------------------------------


def test_a_flooding_case_is_killed_at_the_cap(sockconf, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    size_seen = tmp_path / "size"
    fc.add("a.floods", "# id: a.floods\n# claim: a fake claim\n1..3\n",
           after="exec head -c 500000000 /dev/zero")
    # a case that survives the limit (its writer is a child) is cut at the cap as well
    fc.add("b.floods_in_a_child", "# id: b.floods_in_a_child\n# claim: a fake claim\n1..3\n",
           after=(f"head -c 500000000 /dev/zero\n"
                  f"stat -L -c %s /proc/$$/fd/1 > {sh_quote(size_seen)}"))
    fc.add("c.fine")
    t0 = time.monotonic()
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences)
    assert r.status == 1, r
    assert time.monotonic() - t0 < 10, r
    _, _, cases, _ = parse_run(r.out)
    assert cases["a.floods"].yaml.get("message") == \
        f"output over {CAP} bytes: killed (the runner keeps no more)", r
    assert cases["b.floods_in_a_child"].yaml.get("message") == \
        "printed more output than the runner keeps", r
    assert int(size_seen.read_text()) <= CAP + 1, "the output file grew past the cap"
    assert cases["c.fine"].line == "ok 3 - c.fine", r


@pytest.mark.skipif(not shutil.which("runsc"),
                    reason="runsc is not installed (Debian: apt-get install runsc)")
def test_a_flooding_case_in_a_sandbox_is_killed_at_the_cap(sockconf, fake_cases,
                                                            empty_divergences):
    """Under --target gvisor the case runs inside runsc, which no file size limit
    may bound: the runner polls the output's size and kills the case past the cap."""
    fc = fake_cases()
    fc.add("a.floods", "# id: a.floods\n# claim: a fake claim\n1..3\n",
           after="exec cat /dev/zero")
    fc.add("b.fine")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", "gvisor", "--timeout", "20")
    assert r.status == 1, r
    _, _, cases, _ = parse_run(r.out)
    assert cases["a.floods"].yaml.get("message") == \
        f"output over {CAP} bytes: killed (the runner keeps no more)", r
    assert cases["b.fine"].line == "ok 2 - b.fine", r


# ---- 6. the TAP reaches stdout, or the run fails ---------------------------------------------


def test_no_out_with_stdout_closed_is_an_error(runner, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    fc.add("a.case")
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    p = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", str(runner), "run", "--no-out",
                        "--cases", str(fc.dir), "--divergences", str(empty_divergences)],
                       cwd=tmp_path, env=dict(os.environ, TMPDIR=str(scratch)),
                       capture_output=True, text=True, timeout=RUN_BOUND_S)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert p.stderr == "sockconf: cannot write the TAP to stdout: Bad file descriptor\n"
    assert listing(scratch) == []


def test_no_out_with_stdout_full_is_an_error(runner, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    fc.add("a.case")
    fc.add("b.case")
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    with open("/dev/full", "w") as full:
        p = subprocess.run([str(runner), "run", "--no-out", "--cases", str(fc.dir),
                            "--divergences", str(empty_divergences)], stdout=full,
                           stderr=subprocess.PIPE, cwd=tmp_path,
                           env=dict(os.environ, TMPDIR=str(scratch)), text=True,
                           timeout=RUN_BOUND_S)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "sockconf: cannot write the TAP to stdout: No space left on device" in \
        p.stderr.splitlines(), p.stderr
    assert listing(scratch) == []


def test_a_reader_gone_is_an_error_and_the_results_file_is_whole(runner, fake_cases,
                                                                 empty_divergences, tmp_path):
    """stdout is a pipe nobody reads (EPIPE; SIGPIPE stays ignored): the run
    finishes, its results file is whole, and the exit says the TAP was lost."""
    fc = fake_cases()
    fc.add("a.case")
    out_dir = tmp_path / "results"
    rd, wr = os.pipe()
    os.close(rd)
    try:
        scratch = tmp_path / "tmpdir"
        scratch.mkdir()
        p = subprocess.run([str(runner), "run", "--out", str(out_dir), "--label", LABEL,
                            "--cases", str(fc.dir), "--divergences", str(empty_divergences)],
                           stdout=wr, stderr=subprocess.PIPE, cwd=tmp_path,
                           env=dict(os.environ, TMPDIR=str(scratch)), text=True,
                           timeout=RUN_BOUND_S)
    finally:
        os.close(wr)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "sockconf: cannot write the TAP to stdout: Broken pipe" in p.stderr.splitlines(), p.stderr
    assert listing(out_dir) == [f"{LABEL}.tap"]
    assert (out_dir / f"{LABEL}.tap").read_text().endswith(" do not conform\n")
