"""Targets other than this machine's kernel (--target gvisor, uml, qemu).

gVisor, UML and QEMU run end to end here when their tools are installed
(Debian: runsc; user-mode-linux and busybox-static; qemu-system-x86), and are
skipped with the reason otherwise.  QEMU fetches its kernel with apt-get
download the first time (kept in the build directory); where that cannot
be done, its test is skipped with the runner's reason.

A guest that panics or hangs is provoked with a stand-in for the UML kernel
(SOCKCONF_UML_KERNEL): the real kernel with init= pointed at /bin/false (a
real panic) or at an endless loop (a real hang).
"""

import os
import re
import shutil
import signal
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import closing_lines, parse_run, process_gone

GVISOR = shutil.which("runsc")
UML = shutil.which("linux") and shutil.which("busybox")
QEMU = shutil.which("qemu-system-x86_64") and shutil.which("busybox")

needs_gvisor = pytest.mark.skipif(not GVISOR, reason="runsc is not installed (Debian: apt-get install runsc)")
_uml_missing = pytest.mark.skipif(not UML, reason="user-mode Linux or busybox is not installed "
                                  "(Debian: apt-get install user-mode-linux busybox-static)")


@pytest.fixture(scope="session")
def uml_cannot_run(tmp_path_factory):
    """Why the UML kernel cannot run a process on this host, or None: Debian
    12's UML 6.1 fails to set a process's FP registers on CPUs whose XSAVE
    area outgrows it (AMX), and its init dies at once."""
    d = tmp_path_factory.mktemp("uml-probe")
    try:
        out = subprocess.run(["linux", "mem=64M", "root=/dev/root", "rootfstype=hostfs", "rootflags=/",
                              "ro", "init=/bin/true", f"uml_dir={d}", f"umid=probe-{os.getpid()}",
                              "con=null", "con0=null,fd:1", "ssl=null"],
                             capture_output=True, text=True, timeout=60).stdout
    except subprocess.TimeoutExpired:
        return None
    if "ptrace set fp regs failed" in out:
        return ("user-mode Linux cannot run a process on this CPU (the guest's init dies: "
                "'ptrace set fp regs failed', UML 6.1 and a large XSAVE area such as AMX's)")
    return None


@pytest.fixture
def uml_host(uml_cannot_run):
    """Skips, as a limit of this host that no package lifts, where UML cannot run."""
    if uml_cannot_run:
        pytest.skip("host: " + uml_cannot_run)


def needs_uml(test):
    return _uml_missing(pytest.mark.usefixtures("uml_host")(test))
needs_qemu = pytest.mark.skipif(not QEMU, reason="QEMU or busybox is not installed "
                                "(Debian: apt-get install qemu-system-x86 busybox-static)")

# A whole real run inside a guest or a sandbox, with the bound of a generous
# machine: gVisor's linger cases wait out their linger time.
TARGET_BOUND_S = 120


def header_of(out):
    head = parse_run(out)[0]
    return dict(m.groups() for m in (re.fullmatch(r"# (\w+): (.*)", l) for l in head) if m)


def processes_mentioning(text):
    """Pids of live processes whose command line contains text."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmd and not process_gone(int(d.name)):
            found.append(int(d.name))
    return found


def gvisor_dirs():
    return set(Path("/tmp").glob("sockconf-gvisor.*"))


# ---- the command line ---------------------------------------------------------------


def test_unknown_target_exits_2_and_names_the_known_ones(sockconf, fake_cases, empty_divergences,
                                                        tmp_path):
    fc = fake_cases()
    ran = tmp_path / "ran"
    fc.add("a.case", before=f"touch '{ran}'")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "bogus")
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err.splitlines()[0] == \
        "sockconf: --target bogus: no such target (native, gvisor, lwip, lwip-linux, uml, qemu, wine)", r
    assert not ran.exists()


@pytest.mark.parametrize("value", ["", "Uml", "a/b", "uml-1"])
def test_as_target_takes_a_plain_word(sockconf, value):
    r = sockconf("run", "--as-target", value)
    assert r.status == 2, r
    assert r.err.splitlines()[0] == f"sockconf: bad value '{value}' for --as-target", r


def test_as_target_only_describes_a_run_on_this_machine(sockconf):
    r = sockconf("run", "--target", "gvisor", "--as-target", "uml")
    assert r.status == 2, r
    assert r.err.splitlines()[0] == \
        "sockconf: --as-target names a run on this machine: not with --target gvisor", r


def test_as_target_labels_a_native_run(sockconf, fake_cases, empty_divergences, tmp_path):
    """What the runner inside a guest is given: the header and the label
    name the target, the run itself is this machine's."""
    fc = fake_cases()
    fc.add("a.case")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--as-target", "uml",
                 "--out", tmp_path / "res")
    assert r.status == 0, r
    h = header_of(r.out)
    uname = os.uname()
    release = re.match(r"[\d.]*\d", uname.release).group(0)
    assert h["target"] == "uml"
    assert h["kernel"] == uname.release and h["stack"] == "kernel"
    assert h["label"] == f"{uname.sysname.lower()}-{release}-uml-kernel-{uname.machine}"
    assert [p.name for p in (tmp_path / "res").iterdir()] == [h["label"] + ".tap"]


# ---- gVisor: the whole run in one runsc sandbox -----------------------------------------------


WHERE_CASE = r'''if [ "$1" = --describe ]; then printf '# id: where\n# claim: c\n'; exit 0; fi
printf '# id: where\n# claim: says where it runs\n1..1\nnot ok 1 - inet\n  ---\n'
printf '  got: "%s %s"\n  ...\n' "$(uname -r)" "$SOCKCONF_TIMEOUT_MS"
exit 1
'''


@needs_gvisor
def test_gvisor_runs_the_cases_in_the_sandbox_with_the_runners_environment(
        sockconf, fake_cases, empty_divergences, scratch_root):
    fc = fake_cases()
    fc.add_script("where", WHERE_CASE)
    before = gvisor_dirs()
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", "gvisor", "--timeout", "2.5")
    assert r.status == 1, r
    h = header_of(r.out)
    rep = parse_run(r.out)[2]["where"]
    got = [l for l in rep.subtest if l.strip().startswith("got: ")]
    # gVisor's uname, not this machine's; SOCKCONF_TIMEOUT_MS reached the case
    assert got == [f'  got: "{h["kernel"].split()[0]} 2500"'], r
    assert h["kernel"].split()[0] != os.uname().release
    assert list(scratch_root.iterdir()) == [] and gvisor_dirs() == before


@needs_gvisor
def test_gvisor_case_killed_at_its_timeout_leaves_no_sandbox(sockconf, fake_cases, empty_divergences):
    fc = fake_cases()
    fc.add("sleeper", before="sleep 60")
    before = gvisor_dirs()
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", "gvisor", "--timeout", "1")
    assert r.status == 1, r
    assert "hang: no result within 1.0 s; killed" in r.out, r
    assert gvisor_dirs() == before  # the sandbox's bundle went with the run
    assert processes_mentioning("sockconf-gvisor.") == []


@needs_gvisor
def test_gvisor_real_suite_is_green_and_labelled_by_runsc(sockconf, real_cases_dir,
                                                         real_divergences_dir, tmp_path):
    version = subprocess.run(["runsc", "--version"], capture_output=True, text=True).stdout
    date = re.search(r"\d{8}", version).group(0)
    r = sockconf("run", "--target", "gvisor", "--out", tmp_path / "res", "--cases", real_cases_dir,
                 "--divergences", real_divergences_dir, bound=TARGET_BOUND_S)
    assert r.status == 0, r
    h = header_of(r.out)
    assert h["label"] == f"gvisor-{date}-netstack-{os.uname().machine}" and h["target"] == "gvisor"
    assert h["stack"] == "netstack"
    assert h["kernel"].endswith(f"(gVisor runsc {date})")
    assert (tmp_path / "res" / f"{h['label']}.tap").read_text() == r.out
    assert "# TODO diverges as recorded" in r.out  # gVisor's own records apply, both kinds
    assert "# TODO conforms to its own documents" in r.out


def test_gvisor_sandbox_that_cannot_start_is_one_clear_line(sockconf, fake_cases, empty_divergences,
                                                           tmp_path, scratch_root):
    """A runsc that cannot start a sandbox (a stand-in on PATH): exit 2, and
    what runsc said."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "runsc").write_text(
        '#!/bin/sh\ncase "$*" in *--version*) echo "runsc version 0.0~20221219.0"; exit 0;; esac\n'
        'echo "creating container: cannot create sandbox: permission denied" >&2\nexit 128\n')
    (bin_dir / "runsc").chmod(0o755)
    fc = fake_cases()
    fc.add("a.case")
    before = gvisor_dirs()
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", "gvisor", env={"PATH": f"{bin_dir}:{os.environ['PATH']}"})
    assert r.status == 2, r
    assert r.err == ("sockconf: --target gvisor: the sandbox ended (exit 128) without a verdict; "
                     "runsc said: creating container: cannot create sandbox: permission denied\n"), r
    assert list(scratch_root.iterdir()) == [] and gvisor_dirs() == before


@needs_gvisor
def test_gvisor_runs_the_whole_run_in_one_sandbox_that_keeps_its_files(
        sockconf, fake_cases, empty_divergences, tmp_path):
    """The second case sees what the first wrote in the sandbox's /tmp (one
    sandbox for both), and none of it reaches this machine's /tmp."""
    marker = f"/tmp/sockconf-one-sandbox-{os.getpid()}-{tmp_path.name}"
    fc = fake_cases()
    fc.add("a.writes", before=f"touch {marker}")
    fc.add("b.reads", status=0, before=f"[ -e {marker} ] || exit 7")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", "gvisor", "-j", "1")
    assert r.status == 0, r
    cases = parse_run(r.out)[2]
    assert cases["b.reads"].line == "ok 2 - b.reads", r
    assert not os.path.exists(marker)


@needs_gvisor
def test_gvisor_writes_the_junit_report_and_keeps_the_case_times(
        sockconf, fake_cases, empty_divergences, tmp_path):
    """--junit FILE and the case times (the next run's schedule): the runner
    inside writes them in the sandbox; the host writes them here."""
    fc = fake_cases()
    fc.add("a.passes")
    fc.add("b.fails", status=1, stdout="# id: b.fails\n# claim: c\n1..1\nnot ok 1 - inet\n")
    junit = tmp_path / "reports" / "junit.xml"
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", "gvisor", "--junit", junit)
    assert r.status == 1, r
    label = header_of(r.out)["label"]
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("name") == label, junit.read_text()
    failed = [c.get("classname") for c in root.iter("testcase") if c.find("failure") is not None]
    assert failed == ["b.fails"], junit.read_text()
    times = (Path(fc.dir) / ".times" / label).read_text()
    assert re.search(r"^a\.passes \d+(\.\d+)?$", times, re.M), times
    assert [p.name for p in junit.parent.iterdir()] == ["junit.xml"]  # no temporary left


@needs_gvisor
def test_gvisor_unwritable_junit_stops_the_run_before_a_sandbox(sockconf, fake_cases,
                                                                empty_divergences, tmp_path):
    fc = fake_cases()
    ran = tmp_path / "ran"
    fc.add("a.case", before=f"touch '{ran}'")
    blocker = tmp_path / "file"
    blocker.write_text("")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", "gvisor", "--junit", blocker / "junit.xml")
    assert r.status == 2, r
    assert f"sockconf: cannot write the JUnit report {blocker / 'junit.xml'}: " in r.err, r
    assert not ran.exists()


@needs_gvisor
def test_gvisor_watchdog_reports_a_blocked_call_inside_the_sandbox(sockconf, runner, tmp_path,
                                                                   empty_divergences):
    from test_watchdog import build_case
    cases = build_case(tmp_path, Path(runner).parent)
    r = sockconf("run", "--no-out", "--timeout", "1", "--target", "gvisor", "--cases", cases,
                 "--divergences", empty_divergences)
    assert r.status == 1, r
    case = parse_run(r.out)[2]["w.blocks"]
    assert case.line == "not ok 1 - w.blocks", r
    assert 'message: "watchdog: no progress within 900 ms"' in r.out, r


@needs_gvisor
def test_gvisor_case_that_crashes_is_reported_and_the_run_goes_on(sockconf, fake_cases,
                                                                  empty_divergences):
    fc = fake_cases()
    fc.add("a.crashes", before="kill -SEGV $$")
    fc.add("b.fine")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", "gvisor")
    assert r.status == 1, r
    cases = parse_run(r.out)[2]
    assert "crashed: killed by SIGSEGV (11)" in "\n".join(cases["a.crashes"].yaml_lines), r
    assert cases["b.fine"].line == "ok 2 - b.fine", r


@needs_gvisor
def test_gvisor_sigint_stops_the_run_and_leaves_no_sandbox(runner, fake_cases, empty_divergences,
                                                           tmp_path):
    fc = fake_cases()
    fc.add("a.quick")
    fc.add("b.sleeper", before="sleep 60")
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    before = gvisor_dirs()
    proc = subprocess.Popen([str(runner), "--cases", str(fc.dir), "--divergences",
                             str(empty_divergences), "run", "--no-out", "--target", "gvisor",
                             "-j", "1"],
                            cwd=tmp_path, env=dict(os.environ, TMPDIR=str(scratch)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # the first case is through: the sleeper runs inside the sandbox
        for line in proc.stdout:
            if line.startswith("ok 1 - a.quick"):
                break
        assert processes_mentioning("sockconf-gvisor."), "no sandbox to leave behind"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGINT, err
    assert "Bail out! interrupted by SIGINT" in out, (out, err)
    assert gvisor_dirs() == before
    assert processes_mentioning("sockconf-gvisor.") == []
    assert list(scratch.iterdir()) == []


# ---- UML: the whole run in a user-mode Linux guest ---------------------------------------


@pytest.fixture
def uml_stand_in(tmp_path):
    """make(init_body) -> a SOCKCONF_UML_KERNEL that boots the real kernel with
    init= replaced: a shell script with that body, or a given path."""
    def make(init):
        if not init.startswith("/"):
            script = tmp_path / "stand-in-init"
            script.write_text("#!/bin/sh\n" + init)
            script.chmod(0o755)
            init = str(script)
        kernel = tmp_path / "stand-in-linux"
        kernel.write_text(f'#!/bin/sh\nexec linux "$@" init={init}\n')
        kernel.chmod(0o755)
        return str(kernel)
    return make


@needs_uml
def test_uml_real_suite_is_green_labelled_by_the_guest_and_written_whole(
        sockconf, real_cases_dir, real_divergences_dir, tmp_path, scratch_root):
    out_dir = tmp_path / "res"
    r = sockconf("run", "--target", "uml", "--out", out_dir, "--cases", real_cases_dir,
                 "--divergences", real_divergences_dir, bound=TARGET_BOUND_S)
    assert r.status == 0, r
    summary, _ = closing_lines(r.err)  # the guest runner's, passed on
    assert summary.group(6) == "0", r
    h = header_of(r.out)
    assert h["target"] == "uml" and h["stack"] == "kernel"
    assert re.fullmatch(r"linux-6\.\d+\.\d+-uml-kernel-\w+", h["label"]), h
    assert h["kernel"] != os.uname().release  # the guest's uname
    _, plan, cases, _ = parse_run(r.out)
    assert plan == f"1..{len(cases)}" and cases
    assert [p.name for p in out_dir.iterdir()] == [h["label"] + ".tap"]
    assert (out_dir / (h["label"] + ".tap")).read_text() == r.out
    # inet6 runs: the guest loaded IPv6
    assert any(l.startswith("ok 2 - inet6") for c in cases.values() for l in c.subtest)
    assert list(scratch_root.iterdir()) == []
    assert processes_mentioning(str(scratch_root)) == []


@needs_uml
def test_uml_passes_the_guest_runners_verdict_and_options_through(
        sockconf, fake_cases, empty_divergences, tmp_path):
    """A failing case inside the guest: exit 1, what it saw (the guest's
    uname, the --timeout given to the host) in the TAP; filters apply."""
    fc = fake_cases()
    fc.add_script("where", WHERE_CASE)
    fc.add("not.selected", status=3)
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "uml",
                 "--timeout", "2.5", "--no-out", "where", bound=TARGET_BOUND_S)
    assert r.status == 1, r
    _, plan, cases, _ = parse_run(r.out)
    assert plan == "1..1" and list(cases) == ["where"]
    got = [l for l in cases["where"].subtest if l.strip().startswith("got: ")]
    assert re.fullmatch(r'  got: "6\.\d+\.\d+ 2500"', got[0]), got


@needs_uml
def test_uml_kernel_panic_is_an_error_not_a_verdict(sockconf, fake_cases, empty_divergences,
                                                    uml_stand_in, tmp_path, scratch_root):
    fc = fake_cases()
    fc.add("a.case")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "uml",
                 "--out", tmp_path / "res", env={"SOCKCONF_UML_KERNEL": uml_stand_in("/bin/false")})
    assert r.status == 2, r
    assert r.out == "", r
    assert "sockconf: --target uml: the guest ended" in r.err, r
    assert "the guest kernel panicked: Kernel panic - not syncing: Attempted to kill init!" in r.err, r
    assert not (tmp_path / "res").exists() or list((tmp_path / "res").iterdir()) == []
    assert list(scratch_root.iterdir()) == []


@_uml_missing  # a stand-in kernel: the host's own UML need not run
def test_guest_kernel_oops_is_named_with_the_panic(sockconf, fake_cases, empty_divergences,
                                                   tmp_path, scratch_root):
    """A guest kernel that oopses in an interrupt and panics: the error names
    the panic, the oops's headline and the function it was in, so a panic
    of the guest is told from one of the suite (exit 2, no results file)."""
    fc = fake_cases()
    fc.add("a.case")
    kernel = tmp_path / "oopsing-linux"
    kernel.write_text("#!/bin/sh\n"
                      "echo '[    2.100000] BUG: kernel NULL pointer dereference, address: 0000000000000008'\n"
                      "echo '[    2.100100] #PF: supervisor read access in kernel mode'\n"
                      "echo '[    2.100200] RIP: 0010:netem_dequeue+0x2a/0x3f0 [sch_netem]'\n"
                      "echo '[    2.100300] Kernel panic - not syncing: Fatal exception in interrupt'\n")
    kernel.chmod(0o755)
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "uml",
                 "--out", tmp_path / "res", env={"SOCKCONF_UML_KERNEL": str(kernel)})
    assert r.status == 2, r
    assert ("the guest kernel panicked: Kernel panic - not syncing: Fatal exception in interrupt; "
            "BUG: kernel NULL pointer dereference, address: 0000000000000008; "
            "RIP: 0010:netem_dequeue+0x2a/0x3f0 [sch_netem]") in r.err, r
    assert not (tmp_path / "res").exists() or list((tmp_path / "res").iterdir()) == []
    assert list(scratch_root.iterdir()) == []


@needs_uml
def test_uml_guest_that_hangs_is_killed_at_the_bound(sockconf, fake_cases, empty_divergences,
                                                     uml_stand_in, scratch_root):
    fc = fake_cases()
    fc.add("a.case")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "uml",
                 "--no-out", env={"SOCKCONF_UML_KERNEL": uml_stand_in("while :; do :; done\n"),
                                  "SOCKCONF_GUEST_TIMEOUT": "3"})
    assert r.status == 2, r
    assert re.search(r"sockconf: --target uml: the guest (said nothing for|gave no verdict within) 3 s "
                     r"and was killed", r.err), r
    assert 3 <= r.seconds < 15, r
    assert list(scratch_root.iterdir()) == []
    assert processes_mentioning(str(scratch_root)) == []


@_uml_missing
def test_uml_on_a_host_it_cannot_run_is_one_clear_line(sockconf, fake_cases, empty_divergences,
                                                       uml_cannot_run, tmp_path):
    """Where UML's init dies at once, the run is exit 2 naming the cause and
    the way out, not a panic to decipher."""
    if not uml_cannot_run:
        pytest.skip("host: UML runs processes here, so its cannot-run message cannot be shown "
                    "(the other UML tests run instead)")
    fc = fake_cases()
    fc.add("a.case")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "uml",
                 "--out", tmp_path / "res")
    assert r.status == 2, r
    assert r.err.startswith("sockconf: --target uml: the guest ended (signal 6) without a verdict; "
                            "this user-mode Linux kernel cannot run a process on this CPU"), r
    assert r.err.rstrip().endswith("use --target qemu"), r
    assert not (tmp_path / "res").exists() or not list((tmp_path / "res").iterdir())


@_uml_missing
def test_uml_missing_kernel_is_one_clear_line(sockconf, fake_cases, empty_divergences, tmp_path):
    fc = fake_cases()
    fc.add("a.case")
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--target", "uml",
                 env={"SOCKCONF_UML_KERNEL": str(tmp_path / "no-such-linux")})
    assert r.status == 2, r
    assert r.err == f"sockconf: --target uml: SOCKCONF_UML_KERNEL={tmp_path}/no-such-linux is not executable\n", r


# A case that says how the runner ran it: its arguments (--family F when split).
ARGS_CASE = r'''if [ "$1" = --describe ]; then printf '# id: args\n# claim: c\n'; exit 0; fi
printf '# id: args\n# claim: says how it was run\n1..1\nnot ok 1 - %s\n  ---\n' "${2:-inet}"
printf '  got: "args:%s"\n  ...\n' "$*"
exit 1
'''


@pytest.mark.parametrize("target", [pytest.param("uml", marks=_uml_missing),
                                    pytest.param("qemu", marks=needs_qemu)])
def test_a_guest_schedules_by_the_last_runs_times_and_gives_its_own_back(
        request, sockconf, fake_cases, empty_divergences, target):
    """The guest's runner cannot keep its case times (its view of them goes
    with the guest), so the host keeps them as .times/guest-TARGET and hands
    them in: a case that took long last time runs a process per family."""
    if target == "uml":
        request.getfixturevalue("uml_host")
    fc = fake_cases()
    fc.add_script("args", ARGS_CASE)
    kept = Path(fc.dir) / ".times" / f"guest-{target}"
    kept.parent.mkdir()
    kept.write_text("args 9999\n")  # long: split by family
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "--target", target, bound=TARGET_BOUND_S)
    assert r.status == 1, r
    got = sorted(l.strip() for l in r.out.splitlines() if l.strip().startswith("got: "))
    assert got == ['got: "args:--family inet"', 'got: "args:--family inet6"',
                   'got: "args:--family unix"'], r.out
    ms = re.search(r"^args (\d+(\.\d+)?)$", kept.read_text(), re.M)
    assert ms and float(ms.group(1)) < 9999, kept.read_text()  # this run's, back from the guest


# ---- QEMU: the whole run in an emulated machine ---------------------------------------------


@needs_qemu
def test_qemu_real_suite_is_green_labelled_by_the_guest_and_written_whole(
        sockconf, real_cases_dir, real_divergences_dir, tmp_path, scratch_root):
    out_dir = tmp_path / "res"
    r = sockconf("run", "--target", "qemu", "--out", out_dir, "--cases", real_cases_dir,
                 "--divergences", real_divergences_dir, bound=TARGET_BOUND_S + 600)
    if r.status == 2 and "could not fetch" in r.err:
        pytest.skip(r.err.strip())
    assert r.status == 0, r
    h = header_of(r.out)
    assert h["target"] == "qemu" and h["stack"] == "kernel"
    assert re.fullmatch(r"linux-\d+\.\d+\.\d+-qemu-kernel-\w+", h["label"]), h
    assert h["kernel"] != os.uname().release  # the guest's uname
    assert (out_dir / (h["label"] + ".tap")).read_text() == r.out
    # the shared libraries came along: libpcap watches the guest's wire
    assert "built without libpcap" not in r.out and "cannot execute" not in r.out
    assert list(scratch_root.iterdir()) == []
    assert processes_mentioning(str(scratch_root)) == []
