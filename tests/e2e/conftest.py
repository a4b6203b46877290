"""Shared fixtures for the end-to-end tests of the runner (sockconf).

The tests run the built runner as a user would.  `make e2e` sets
SOCKCONF_BUILD to the absolute build directory; the runner is
$SOCKCONF_BUILD/sockconf and the real cases are $SOCKCONF_BUILD/cases.

Most tests run the runner on a temporary cases directory of fake "cases":
small /bin/sh scripts that print what lib/case_main.c prints (or, on
purpose, something else).  The runner treats every regular file in the
cases directory as a case whose id is the file name.
"""

import os
import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _build_dir():
    env = os.environ.get("SOCKCONF_BUILD")
    if env:
        return Path(env)
    try:  # run by hand (pytest-3 tests/e2e): the Makefile's default build dir
        triple = subprocess.run(["cc", "-dumpmachine"], capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        triple = "unknown"
    return REPO / "build" / triple


BUILD = _build_dir()
RUNNER = BUILD / "sockconf"

# A bound on any one runner invocation: a runner that hangs fails the test
# instead of hanging the suite.
RUN_BOUND_S = 30


# ---- paths ------------------------------------------------------------------


@pytest.fixture(scope="session")
def runner():
    if not (RUNNER.is_file() and os.access(RUNNER, os.X_OK)):
        pytest.fail(f"no runner at {RUNNER}: run `make` (or `make e2e`) first")
    return RUNNER


@pytest.fixture(scope="session")
def real_cases_dir():
    d = BUILD / "cases"
    if not d.is_dir():
        pytest.fail(f"no cases directory at {d}: run `make` first")
    return d


@pytest.fixture(scope="session")
def real_divergences_dir():
    return REPO / "cases" / "divergences"


@pytest.fixture
def empty_divergences(tmp_path):
    """A divergences directory with no records: fake runs must not read the
    source tree's records, which name real cases."""
    d = tmp_path / "divergences-none"
    d.mkdir()
    return d


# ---- running the runner -----------------------------------------------------


class Run:
    """The outcome of one runner invocation."""

    def __init__(self, argv, proc, seconds):
        self.argv = argv
        self.status = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.seconds = seconds

    def __repr__(self):  # shown by pytest when an assertion fails
        return (f"<sockconf {' '.join(map(str, self.argv[1:]))}: exit {self.status} "
                f"in {self.seconds:.2f}s>\n--- stdout\n{self.out}--- stderr\n{self.err}")


@pytest.fixture
def sockconf(runner, tmp_path):
    """sockconf(*args, env=None) -> Run.  Runs in tmp_path (so the default
    --out results/ never lands in the source tree) with TMPDIR set to a
    private directory, so a test can check that the runner's scratch files
    are gone afterwards (see `scratch_root`)."""
    scratch = tmp_path / "tmpdir"
    scratch.mkdir(exist_ok=True)

    def run(*args, env=None, bound=RUN_BOUND_S):
        argv = [str(runner)] + [str(a) for a in args]
        full_env = dict(os.environ, TMPDIR=str(scratch))
        full_env.update(env or {})
        t0 = time.monotonic()
        proc = subprocess.run(argv, cwd=tmp_path, env=full_env, capture_output=True, text=True,
                              timeout=bound)
        return Run(argv, proc, time.monotonic() - t0)

    return run


@pytest.fixture
def scratch_root(tmp_path):
    """The TMPDIR the `sockconf` fixture gives the runner."""
    d = tmp_path / "tmpdir"
    d.mkdir(exist_ok=True)
    return d


# ---- fake cases ---------------------------------------------------------------


def case_text(case_id, claim="a fake claim", points=None, plan=None, extra=""):
    """What lib/case_main.c prints: metadata, plan, one point per family.
    points: list of TAP point lines (with any YAML lines after them)."""
    if points is None:
        points = ["ok 1 - inet", "ok 2 - inet6", "ok 3 - unix"]
    if plan is None:
        plan = sum(1 for p in points if re.match(r"(not )?ok ", p))
    lines = [f"# id: {case_id}", f"# claim: {claim}", f"1..{plan}"] + points
    return "\n".join(lines) + "\n" + extra


class FakeCases:
    """A temporary cases directory.  Each add_* writes one program."""

    def __init__(self, root):
        self.dir = root
        self.dir.mkdir(parents=True, exist_ok=True)

    def path(self, name):
        return self.dir / name

    def add_script(self, name, body, mode=0o755):
        """A /bin/sh case running `body`."""
        p = self.dir / name
        p.write_text("#!/bin/sh\n" + body)
        p.chmod(mode)
        return p

    def add(self, name, stdout=None, status=0, claim="a fake claim", before="", after="",
            mode=0o755):
        """A case printing `stdout` (default: a well-behaved, passing case),
        answering --describe with its metadata as a real case does, running
        `before` first and `after` last (shell), then exiting `status`."""
        if stdout is None:
            stdout = case_text(name, claim)
        describe = f"# id: {name}\n# claim: {claim}\n"
        body = (f'if [ "$1" = --describe ]; then\n'
                f"cat <<'SOCKCONF_EOF'\n{describe}SOCKCONF_EOF\nexit 0\nfi\n"
                f"{before}\n"
                f"cat <<'SOCKCONF_EOF'\n{stdout}SOCKCONF_EOF\n"
                f"{after}\n"
                f"exit {status}\n")
        return self.add_script(name, body, mode)

    def add_failing(self, name, got="5", family_index=1, claim="a fake claim"):
        """A case whose one family fails with YAML diagnostics, as case_main.c
        prints them (got: "<got>"), exiting 1."""
        fams = ["inet", "inet6", "unix"]
        points = []
        for i, fam in enumerate(fams, 1):
            if i == family_index:
                points += [f"not ok {i} - {fam}", "  ---",
                           '  check: "recv(c.local, buf, sizeof buf, 0) == 0"',
                           '  syscall: "recv"', '  expected: "== 0"', f'  got: "{got}"',
                           f'  at: "{name}.c:20"', "  ..."]
            else:
                points.append(f"ok {i} - {fam}")
        return self.add(name, case_text(name, claim, points), status=1, claim=claim)


@pytest.fixture
def fake_cases(tmp_path):
    """fake_cases() -> FakeCases in a fresh directory under tmp_path."""
    def make(name="cases"):
        return FakeCases(tmp_path / name)

    return make


# ---- reading the runner's TAP -----------------------------------------------------


_UNESCAPE = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def yaml_unquote(v):
    """The inverse of lib/tap.c's tap_yaml_quote."""
    if not (v.startswith('"') and v.endswith('"')):
        return v
    s, out, i = v[1:-1], [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            n = s[i + 1]
            if n == "x":
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append(_UNESCAPE[n])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


class CaseReport:
    def __init__(self):
        self.line = None       # the top-level "ok N - id ..." line
        self.subtest = []      # the indented lines of its "# Subtest:" block, less comments
        self.comments = []     # the subtest's comment lines: "# claim: ...", "# cite: ..."
        self.yaml = {}         # the top-level YAML, unquoted (first value of a key)
        self.yaml_lines = []   # the top-level YAML, as printed


def parse_run(text):
    """Split the runner's TAP into its parts.

    Returns (head, plan, cases, tail): head is the version line and the
    header comments (after the plan, or before it in older files), plan the
    "1..N" line, cases an ordered dict id -> CaseReport, tail the top-level
    comment lines after the last case."""
    lines = text.splitlines()
    head, plan, cases, tail = [], None, {}, []
    pending_sub, cur, in_yaml, in_head = None, None, False, True
    for line in lines:
        if in_head:
            if plan is None and re.fullmatch(r"1\.\.\d+", line):
                plan = line
                continue
            if plan is None or (line.startswith("# ") and not line.startswith("# Subtest: ")):
                head.append(line)
                continue
            in_head = False
        if in_yaml:
            if line == "  ...":
                in_yaml = False
                continue
            cur.yaml_lines.append(line)
            m = re.fullmatch(r"  (\w+): (.*)", line)
            if m:
                cur.yaml.setdefault(m.group(1), yaml_unquote(m.group(2)))
            continue
        m = re.match(r"# Subtest: (.*)", line)
        if m:
            pending_sub = CaseReport()
            continue
        if line.startswith("    "):
            assert pending_sub is not None, f"indented line outside a subtest: {line!r}"
            if line.startswith("    # "):  # the case's claim and cites
                pending_sub.comments.append(line[4:])
            else:
                pending_sub.subtest.append(line[4:])
            continue
        m = re.match(r"(?:not )?ok \d+ - (\S+)", line)
        if m:
            cur = pending_sub or CaseReport()
            pending_sub = None
            cur.line = line
            cases[m.group(1)] = cur
            tail = []
            continue
        if line == "  ---" and cur is not None:
            in_yaml = True
            continue
        tail.append(line)
    return head, plan, cases, tail


# ---- processes --------------------------------------------------------------------


def process_gone(pid):
    """True when pid no longer runs (absent, or a zombie nobody reaped yet:
    an orphan's reaper is outside the test's control)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    state = stat.rsplit(")", 1)[1].split()[0]
    return state in ("Z", "X")


def wait_for(condition, bound_s=5.0, step_s=0.01):
    """Poll condition() until true or bound_s passes; returns its last value."""
    deadline = time.monotonic() + bound_s
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step_s)


def read_pid(path):
    """The pid a fake case wrote to path, once it is complete (ends in newline)."""
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return None
    return int(text) if text.endswith("\n") and text.strip().isdigit() else None


def kill_if_running(pid):
    """Test cleanup: never leave a fake case's process behind, whatever failed."""
    if pid and not process_gone(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def pidfiles_to_clean():
    """A list of pid files; at teardown, whatever the test found, any process
    they name that still runs is killed (after the test's own checks)."""
    files = []
    yield files
    for f in files:
        kill_if_running(read_pid(f))


def sh_quote(s):
    return shlex.quote(str(s))


# the groups: cases, conform, diverge, no longer diverge, skipped, do not conform,
# results (how many follow their own documents is not a group: the numbers stay)
SUMMARY = re.compile(r"sockconf: (\d+) cases? in [\d.]+ s: (\d+) conform, "
                     r"\d+ follow their own documents, (\d+) diverge as recorded, "
                     r"(?:(\d+) no longer diverge, )?(?:\d+ documented records no longer hold, )?"
                     r"(\d+) skipped, (\d+) (?:do not conform|DO NOT CONFORM)"
                     r"(?:; results: (.*))?")


def closing_lines(err):
    """A run's stderr: its summary line (a match of SUMMARY) and the lines
    after it.  Fails when a line is not the runner's own."""
    lines = err.splitlines()
    assert all(l.startswith("sockconf: ") for l in lines), err
    found = [i for i, l in enumerate(lines) if SUMMARY.fullmatch(l)]
    assert found, f"no summary line in: {err}"
    return SUMMARY.fullmatch(lines[found[-1]]), lines[found[-1] + 1:]


# ---- skipped tests are named at the end of make check --------------------------

_skipped = []


def pytest_runtest_logreport(report):
    """Under make check (CHECK_SKIPS set), each skipped test is recorded with its
    reason, so the check's last lines name it (tests/check-summary.sh)."""
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped.append(f"e2e {report.nodeid}: {reason.removeprefix('Skipped: ')}")


def pytest_sessionfinish(session, exitstatus):
    skips_file = os.environ.get("CHECK_SKIPS")
    if not skips_file or not _skipped:
        return
    with open(skips_file, "a") as f:
        f.writelines(line + "\n" for line in _skipped)
    # A skip for want of a package fails a full check (make check PARTIAL=1
    # accepts it); a limit of this host ("host: ...", which no install lifts)
    # is named at the end of make check and does not fail it.
    missing = [line for line in _skipped if ": host: " not in line]
    if missing and os.environ.get("PARTIAL", "0") != "1" and session.exitstatus == 0:
        session.exitstatus = 1
        print(f"\ne2e: {len(missing)} tests skipped; make check runs every test "
              "(make check PARTIAL=1 accepts a partial check)")
