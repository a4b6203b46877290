"""make install, and an installed sockconf that finds its data from anywhere.

`make install DESTDIR=... PREFIX=/usr` stages the runner, the case programs,
the divergence records and the man page; the staged runner, run from another
directory with no --cases or --divergences, finds the installed layout
relative to its own directory (runner/paths.c), and still does once the tree
is moved.  The man page renders without warnings and documents every option
of `sockconf --help`.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD, REPO, RUN_BOUND_S

CASE_IDS = sorted(p.stem for p in (REPO / "cases").glob("*.c"))
RECORD_FILES = sorted(p.name for p in (REPO / "cases" / "divergences").glob("*.txt"))
PAGE_SOURCE = REPO / "runner" / "sockconf.1"


def make_install(destdir):
    """make -C <repo> install into destdir, PREFIX=/usr, from the e2e build."""
    proc = subprocess.run(["make", "-C", str(REPO), "--no-print-directory", "install",
                           f"DESTDIR={destdir}", "PREFIX=/usr", f"BUILD={BUILD}"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"make install failed:\n{proc.stdout}\n{proc.stderr}"
    return destdir / "usr"


def sockconf_at(runner, *args, cwd):
    return subprocess.run([str(runner)] + [str(a) for a in args], cwd=cwd, capture_output=True,
                          text=True, timeout=RUN_BOUND_S)


@pytest.fixture(scope="module")
def prefix(runner, tmp_path_factory):
    """An installed tree: <tmp>/stage/usr."""
    return make_install(tmp_path_factory.mktemp("install") / "stage")


def test_install_puts_each_part_where_the_layout_says(prefix):
    assert os.access(prefix / "bin" / "sockconf", os.X_OK)
    cases = prefix / "libexec" / "sockconf" / "cases"
    assert sorted(p.name for p in cases.iterdir()) == CASE_IDS
    assert all(os.access(p, os.X_OK) for p in cases.iterdir())
    divs = prefix / "share" / "sockconf" / "divergences"
    assert sorted(p.name for p in divs.iterdir()) == RECORD_FILES
    page = prefix / "share" / "man" / "man1" / "sockconf.1"
    assert page.read_bytes() == PAGE_SOURCE.read_bytes()
    assert not any(os.access(p, os.X_OK) for p in list(divs.iterdir()) + [page])


def test_installed_runner_lists_every_case_from_another_directory(prefix, tmp_path):
    r = sockconf_at(prefix / "bin" / "sockconf", "list", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert [line.split()[0] for line in r.stdout.splitlines()] == CASE_IDS
    assert "(cannot run" not in r.stdout and r.stderr == ""


def test_installed_runner_runs_and_applies_the_installed_records(prefix, tmp_path):
    r = sockconf_at(prefix / "bin" / "sockconf", "run", "fin.recv_zero", "shutrd.data_dropped",
                    "--no-out", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^ok \d+ - fin\.recv_zero$", r.stdout, re.M)
    if r.stdout.count("# os: Linux"):  # a record in linux.txt covers shutrd.data_dropped
        assert 'recorded: "linux.txt:' in r.stdout
    assert not (tmp_path / "results").exists()


def test_a_moved_installation_still_finds_its_data(tmp_path):
    staged = make_install(tmp_path / "stage")
    moved = tmp_path / "elsewhere" / "deeper"
    moved.parent.mkdir()
    shutil.move(str(staged.parent), str(moved))
    assert not staged.exists()
    runner = moved / "usr" / "bin" / "sockconf"
    r = sockconf_at(runner, "list", cwd=tmp_path)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == len(CASE_IDS), r.stderr
    r = sockconf_at(runner, "run", "fin.recv_zero", "--no-out", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_uninstall_removes_what_install_put(tmp_path):
    staged = make_install(tmp_path / "stage")
    proc = subprocess.run(["make", "-C", str(REPO), "--no-print-directory", "uninstall",
                           f"DESTDIR={tmp_path / 'stage'}", "PREFIX=/usr", f"BUILD={BUILD}"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert [p for p in staged.rglob("*") if p.is_file()] == []


# ---- a runner with neither layout ---------------------------------------------------


@pytest.fixture
def lone_runner(runner, tmp_path):
    """The runner copied alone into <tmp>/alone/bin: no cases, no records near it."""
    d = tmp_path / "alone" / "bin"
    d.mkdir(parents=True)
    shutil.copy2(runner, d / "sockconf")
    return d / "sockconf"


def test_a_runner_with_neither_layout_exits_2_naming_where_it_looked(lone_runner, tmp_path):
    r = sockconf_at(lone_runner, "list", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    bindir = lone_runner.parent
    assert lines[0].startswith(
        "sockconf: cannot find the case programs and divergence records: tried ")
    for relative in ("cases", "../../cases/divergences", "../libexec/sockconf/cases",
                     "../share/sockconf/divergences"):
        assert f"{bindir}/{relative}" in lines[0]
    assert "(build tree)" in lines[0] and "(installed)" in lines[0]
    assert "--cases DIR" in lines[0] and "--divergences DIR" in lines[0]


def test_a_runner_told_its_cases_looks_only_for_the_records(lone_runner, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    r = sockconf_at(lone_runner, "run", "--cases", cases, cwd=tmp_path)
    assert r.returncode == 2
    line, = r.stderr.splitlines()
    assert line.startswith("sockconf: cannot find the divergence records: tried ")
    assert "/cases (" not in line and "libexec" not in line


def test_matrix_needs_neither_layout(lone_runner, fake_cases, empty_divergences, tmp_path):
    """matrix reads results files; the case programs only add the claims they lack."""
    fc = fake_cases()
    fc.add("fake.conforms")
    results = tmp_path / "results"
    r = sockconf_at(lone_runner, "run", "--cases", fc.dir, "--divergences", empty_divergences,
                    "--out", results, "--label", "fake-1.0-native", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = sockconf_at(lone_runner, "matrix", "--results", results, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "fake.conforms" in (results / "MATRIX.md").read_text()


# ---- the man page -----------------------------------------------------------------------


def test_installed_man_page_renders_without_warnings(prefix):
    if not shutil.which("man"):
        pytest.skip("man is not installed (Debian: apt-get install man-db)")
    page = prefix / "share" / "man" / "man1" / "sockconf.1"
    env = dict(os.environ, MANPAGER="cat", PAGER="cat", MANWIDTH="80", LC_ALL="C.UTF-8")
    proc = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    text = proc.stdout
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "ENVIRONMENT",
                    "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"):
        assert re.search(rf"^{section}$", text, re.M), f"no {section} section"
    assert "prove(1)" in text
    if shutil.which("groff"):  # the strictest of the two: every warning on
        proc = subprocess.run(["groff", "-man", "-ww", "-z", str(page)], capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_man_page_passes_mandoc_lint(prefix):
    """mandoc is what the BSDs' man(1) renders with."""
    if not shutil.which("mandoc"):
        pytest.skip("mandoc is not installed (Debian: apt-get install mandoc)")
    page = prefix / "share" / "man" / "man1" / "sockconf.1"
    proc = subprocess.run(["mandoc", "-T", "lint", "-W", "all", str(page)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout + proc.stderr == "", proc.stdout + proc.stderr


def page_section(name):
    """The source lines of one .SH section of the man page, \\- read as -."""
    text = PAGE_SOURCE.read_text().replace("\\-", "-")
    m = re.search(rf"^\.SH \"?{name}\"?\n(.*?)(?=^\.SH )", text, re.M | re.S)
    assert m, f"the man page has no {name} section"
    return m.group(1)


def item_tags(section):
    """The tag line after each .TP: what the section lists."""
    lines = section.splitlines()
    return [lines[i + 1] for i, line in enumerate(lines[:-1]) if line == ".TP"]


def help_options(runner):
    proc = subprocess.run([str(runner), "--help"], capture_output=True, text=True,
                          timeout=RUN_BOUND_S)
    assert proc.returncode == 0
    options = set()
    for line in proc.stdout.splitlines():
        m = re.match(r"  (-\w)?(?:, )?(--[\w-]+)?", line)
        if m:
            options.update(o for o in m.groups() if o)
    assert {"-j", "--jobs", "--timeout", "--help"} <= options, proc.stdout
    return sorted(options)


def test_every_option_of_help_is_an_item_of_the_man_page(runner):
    """The page and options_usage (runner/options.c) cannot drift apart."""
    tags = item_tags(page_section("OPTIONS"))
    missing = [o for o in help_options(runner)
               if not any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", t) for t in tags)]
    assert missing == [], f"in `sockconf --help` but not in runner/sockconf.1's OPTIONS: {missing}"


def test_every_command_and_exit_status_is_in_the_man_page():
    assert [t.split()[1] for t in item_tags(page_section("COMMANDS"))] == \
        ["list", "run", "matrix", "diff"]
    statuses = " ".join(item_tags(page_section("EXIT STATUS")))
    assert all(s in statuses for s in ("0", "1", "2", "130", "143"))


def test_every_variable_the_cases_read_is_in_the_man_page():
    read = set()
    for src in (REPO / "lib").glob("*.c"):
        read |= set(re.findall(r'(?:getenv|env_ms)\("(\w+)"', src.read_text()))
    assert "SOCKCONF_WAIT_MS" in read
    documented = {t.split()[1] for t in item_tags(page_section("ENVIRONMENT"))}
    assert read <= documented, f"undocumented: {sorted(read - documented)}"


def test_plain_make_builds_the_runner_and_every_case():
    """`make` with no goal builds what the Makefile's header says: `make -n`
    plans the runner's link and every case's (a first rule that is not
    `all` once made plain `make` refresh one flags file and stop)."""
    proc = subprocess.run(["make", "-C", str(REPO), "--no-print-directory", "-n", "BUILD=build/plain-make-probe"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "-o build/plain-make-probe/sockconf " in proc.stdout
    for case in CASE_IDS:
        assert f"-o build/plain-make-probe/cases/{case} " in proc.stdout, case
    shutil.rmtree(REPO / "build" / "plain-make-probe", ignore_errors=True)
