"""Bad command lines exit 2 with one message and a usage line on stderr,
and run nothing."""

import pytest

USAGE = "usage: sockconf [options] list|run [FILTER...] | matrix | diff A B  (sockconf --help)"

BAD = {
    # name: (arguments, the message line)
    "unknown_option": (["run", "--frobnicate"], "sockconf: unknown option --frobnicate"),
    "jobs_zero": (["run", "-j", "0"], "sockconf: bad value '0' for -j"),
    "jobs_zero_attached": (["run", "-j0"], "sockconf: bad value '0' for -j0"),
    "jobs_not_a_number": (["run", "-j", "abc"], "sockconf: bad value 'abc' for -j"),
    "jobs_long_negative": (["run", "--jobs=-3"], "sockconf: bad value '-3' for --jobs=-3"),
    "timeout_negative": (["run", "--timeout", "-1"], "sockconf: bad value '-1' for --timeout"),
    "timeout_zero": (["run", "--timeout", "0"], "sockconf: bad value '0' for --timeout"),
    "timeout_not_a_number": (["run", "--timeout", "5s"], "sockconf: bad value '5s' for --timeout"),
    "timeout_no_value": (["run", "--timeout"], "sockconf: bad value '' for --timeout"),
    "repeat_zero": (["run", "--repeat", "0"], "sockconf: bad value '0' for --repeat"),
    "out_empty": (["run", "--out="], "sockconf: bad value '' for --out="),
    "label_with_slash": (["run", "--label", "a/b"], "sockconf: bad value 'a/b' for --label: the label has '/' at character 2 "
                         "(a label is a file name: none of / \\ : * ? \" < > | or space)"),
    "unknown_command": (["frobnicate"], "sockconf: unknown command frobnicate (expected run, list, matrix or diff)"),
    "no_command": ([], "sockconf: no command given (run or list)"),
    "only_options": (["-j", "2"], "sockconf: no command given (run or list)"),
    "target_bogus": (["run", "--target", "bogus"],
                     "sockconf: --target bogus: no such target (native, gvisor, lwip, lwip-linux, uml, qemu, wine)"),
}


@pytest.fixture
def marker_cases(fake_cases, tmp_path):
    fc = fake_cases()
    ran = tmp_path / "ran"
    fc.add("a.case", before=f"touch '{ran}'")
    return fc, ran


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_command_line_exits_2_with_usage(sockconf, marker_cases, empty_divergences, name):
    fc, ran = marker_cases
    args, message = BAD[name]
    # --cases/--divergences first: a well-formed run of them would pass
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, *args)
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err.splitlines() == [message, USAGE], r
    assert not ran.exists(), "a case ran although the command line was wrong"


def test_good_command_line_runs(sockconf, marker_cases, empty_divergences):
    """The counterpart of the bad lines: the same setup, well formed, runs and passes."""
    fc, ran = marker_cases
    r = sockconf("--cases", fc.dir, "--divergences", empty_divergences, "run", "--no-out",
                 "-j", "1", "--timeout", "2.5", "--target", "native", "--repeat", "2")
    assert r.status == 0, r
    assert ran.exists()
    assert "# repeat: 2 rounds, 0 verdict changes\n" in r.out, r


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["help"], ["run", "--help"]])
def test_help_prints_usage_to_stdout_and_exits_0(sockconf, args):
    r = sockconf(*args)
    assert r.status == 0, r
    assert r.out.startswith("usage: sockconf [options] list [FILTER...]\n"), r
    assert "--timeout SECONDS" in r.out and "exit status:" in r.out, r
    assert r.err == "", r


def test_missing_cases_directory_exits_2(sockconf, tmp_path, empty_divergences):
    r = sockconf("run", "--no-out", "--cases", tmp_path / "nowhere", "--divergences",
                 empty_divergences)
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err.startswith(f"sockconf: cannot read the cases directory {tmp_path}/nowhere"), r


def test_empty_cases_directory_exits_2(sockconf, fake_cases, empty_divergences):
    fc = fake_cases()
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences)
    assert r.status == 2, r
    assert r.err == f"sockconf: no cases in {fc.dir} (run make first?)\n", r
