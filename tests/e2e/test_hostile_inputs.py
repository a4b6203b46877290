"""Hostile inputs the runner must not be fooled by (issue 10, "The runner"):
entries of the cases directory that are no program, divergence records
that conflict or match every platform, oversized or escape-laden record
files, labels that would inject TAP lines, and a case-level SKIP that
hides its families' reason.  Each gets a clear message and its exit status:
1 for a run with a broken case, 2 for input the runner refuses."""

import os
import time

import pytest

from conftest import case_text, parse_run
from test_divergences import record

LABEL = "fake-1.0-native"


@pytest.fixture
def divs(tmp_path):
    d = tmp_path / "divergences"
    d.mkdir()
    return d


def run(sockconf, fc, divs, *more):
    return sockconf("run", "--no-out", "--label", LABEL, "--cases", fc.dir, "--divergences", divs,
                    *more)


# ---- 1. every entry of the cases directory is a case, or reported as a broken one --------


def test_entries_that_are_no_program_are_broken_cases(sockconf, fake_cases, divs):
    """Before: a dangling symlink, a symlink loop and a directory were passed
    over, and a run planned fewer cases and exited 0.  Like a file without its
    execute bit, each is now a case that cannot run: counted, "not ok", exit 1."""
    fc = fake_cases()
    fc.add("a.good")
    os.symlink(fc.dir / "no-such-program", fc.path("b.dangling"))
    os.symlink("c.loop", fc.path("c.loop"))
    fc.path("d.directory").mkdir()
    fc.add("z.good")
    r = run(sockconf, fc, divs)
    assert r.status == 1, r
    head, plan, cases, tail = parse_run(r.out)
    assert plan == "1..5", r
    assert [c.line for c in cases.values()] == [
        "ok 1 - a.good", "not ok 2 - b.dangling", "not ok 3 - c.loop", "not ok 4 - d.directory",
        "ok 5 - z.good"], r
    assert cases["b.dangling"].yaml["message"] == f"cannot run {fc.dir}/b.dangling: a dangling symlink", r
    assert cases["c.loop"].yaml["message"] == f"cannot run {fc.dir}/c.loop: a symlink loop", r
    assert cases["d.directory"].yaml["message"] == \
        f"cannot run {fc.dir}/d.directory: a directory, not a program", r


def test_list_names_entries_that_cannot_run(sockconf, fake_cases):
    fc = fake_cases()
    fc.add("a.good")
    os.symlink(fc.dir / "gone", fc.path("b.dangling"))
    fc.path("d.directory").mkdir()
    r = sockconf("list", "--cases", fc.dir)
    assert r.status == 0, r
    assert r.out.splitlines()[1:] == [f"{'b.dangling':<36} (cannot run: a dangling symlink)",
                                      f"{'d.directory':<36} (cannot run: a directory, not a program)"], r


def test_a_symlink_to_a_case_is_a_case(sockconf, fake_cases, tmp_path, divs):
    elsewhere = fake_cases("elsewhere")
    elsewhere.add("a.linked")
    fc = fake_cases()
    os.symlink(elsewhere.path("a.linked"), fc.path("a.linked"))
    r = run(sockconf, fc, divs)
    assert r.status == 0, r
    assert parse_run(r.out)[2]["a.linked"].line == "ok 1 - a.linked", r


# ---- 2. records that can match the same failure are an error, whatever the order ----------


@pytest.fixture
def failing(fake_cases):
    fc = fake_cases()
    fc.add_failing("b.fails", got="5", family_index=1)
    return fc


def test_conflicting_records_stop_the_run_naming_both(sockconf, failing, divs):
    """Before: the first record in directory order won, so the same files gave
    exit 1 on one file system and 0 on another.  Now: exit 2, both file:line."""
    (divs / "b.txt").write_text("# other\n\n" + record("b.fails", on="fake-*", got="5"))
    (divs / "a.txt").write_text(record("b.fails", on="fake-*", got="6"))
    r = run(sockconf, failing, divs)
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err == ("sockconf: b.txt:3: the record for b.fails conflicts with a.txt:1's: both can "
                     "match one label (on: fake-*, on: fake-*) and family; make their on: or "
                     "family: lines exclusive\n"), r


def test_overlapping_globs_conflict(sockconf, failing, divs):
    """Not only identical globs: fake-1* and *-native both match fake-1.0-native."""
    (divs / "a.txt").write_text(record("b.fails", on="fake-1*", family="inet inet6") + "\n" +
                                record("b.fails", on="*-native", family="inet"))
    r = run(sockconf, failing, divs)
    assert r.status == 2, r
    assert "a.txt:9: the record for b.fails conflicts with a.txt:1's" in r.err, r


def test_records_for_other_families_or_platforms_do_not_conflict(sockconf, failing, divs):
    (divs / "a.txt").write_text(record("b.fails", on="fake-*", family="inet") + "\n" +
                                record("b.fails", on="fake-*", family="inet6 unix", got="7") + "\n" +
                                record("b.fails", on="other-*", family="inet", got="8"))
    r = run(sockconf, failing, divs)
    assert r.status == 0, r
    assert parse_run(r.out)[2]["b.fails"].line == "not ok 1 - b.fails # TODO diverges as recorded", r


# ---- 3. a label is one line and fits ----------------------------------------------------------


@pytest.mark.parametrize("label, message", [
    ("fake\nok 99 - injected", "sockconf: bad value for --label: the label has a control "
                               "character (\\x0a) at character 5"),
    ("fake\x1b[2J", "sockconf: bad value for --label: the label has a control character "
                    "(\\x1b) at character 5"),
    ("x" * 300, "sockconf: bad value for --label: the label is 300 characters long; at most 159 fit"),
])
def test_label_with_control_characters_or_too_long_exits_2(sockconf, fake_cases, divs, tmp_path,
                                                           label, message):
    """Before: a newline injected TAP lines into results/<label>.tap, and 300
    characters were cut to 159 without a word.  Now: one line, exit 2, nothing run."""
    fc = fake_cases()
    fc.add("a.good", before=f"touch '{tmp_path}/ran'")
    r = sockconf("run", "--out", tmp_path / "results", "--label", label, "--cases", fc.dir,
                 "--divergences", divs)
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err.splitlines()[0] == message, r
    assert len(r.err.splitlines()) == 2 and r.err.splitlines()[1].startswith("usage: "), r
    assert not (tmp_path / "ran").exists() and not (tmp_path / "results").exists(), r


def test_longest_label_is_kept_whole(sockconf, fake_cases, divs, tmp_path):
    fc = fake_cases()
    fc.add("a.good")
    label = "l" * 159
    r = sockconf("run", "--out", tmp_path / "results", "--label", label, "--cases", fc.dir,
                 "--divergences", divs)
    assert r.status == 0, r
    assert f"# label: {label}\n" in (tmp_path / "results" / f"{label}.tap").read_text(), r


# ---- 5. a record file is shown escaped, and read only when it is of a record file's size --------


def test_escape_sequences_in_a_bad_record_file_are_shown_escaped(sockconf, failing, divs):
    (divs / "a.txt").write_text("b.fails\n    on: fake-*\n    \x1b]0;owned\x07\x1b[2Jcolour: red\n")
    r = run(sockconf, failing, divs)
    assert r.status == 2, r
    assert "\x1b" not in r.err and "\x07" not in r.err, r
    assert r.err == ("sockconf: a.txt:3: unknown key '\\x1b]0;owned\\x07\\x1b[2Jcolour' "
                     "(on, family, kind, got, when, why, source)\n"), r


def test_a_huge_record_file_is_refused_before_it_is_read(sockconf, failing, divs):
    """Before: a 1 GB file was read whole, then rejected.  Now: its size is
    looked at first (a sparse file here: nothing of it is on disk)."""
    huge = divs / "huge.txt"
    with open(huge, "wb") as f:
        f.truncate(1 << 30)
    t0 = time.monotonic()
    r = run(sockconf, failing, divs)
    assert r.status == 2, r
    assert r.err == (f"sockconf: {huge}: 1073741824 bytes; a divergence file is at most 1 MiB "
                     "(1048576 bytes)\n"), r
    assert time.monotonic() - t0 < 5, r


# ---- 6. a skipped case says why -------------------------------------------------------------


CAPTURE = "packet capture is not permitted here (needs CAP_NET_RAW)"


def test_skip_gives_the_reason_the_families_share(sockconf, fake_cases, divs):
    """Before: "# SKIP no family applies here", where the cause was a missing
    capture permission."""
    fc = fake_cases()
    fc.add("a.wire", case_text("a.wire", points=[f"ok 1 - inet # SKIP {CAPTURE}",
                                                 f"ok 2 - inet6 # SKIP {CAPTURE}"]))
    r = run(sockconf, fc, divs)
    assert r.status == 0, r
    assert parse_run(r.out)[2]["a.wire"].line == f"ok 1 - a.wire # SKIP {CAPTURE}", r


def test_skip_gives_each_reason_with_its_families(sockconf, fake_cases, divs):
    fc = fake_cases()
    fc.add("a.wire", case_text("a.wire", points=[f"ok 1 - inet # SKIP {CAPTURE}",
                                                 f"ok 2 - inet6 # SKIP {CAPTURE}",
                                                 "ok 3 - unix # SKIP AF_UNIX sockets put nothing on a wire"]))
    r = run(sockconf, fc, divs)
    assert r.status == 0, r
    assert parse_run(r.out)[2]["a.wire"].line == (
        f"ok 1 - a.wire # SKIP inet, inet6: {CAPTURE}; unix: AF_UNIX sockets put nothing on a wire"), r


# ---- 7. a record is one platform's ------------------------------------------------------------


@pytest.mark.parametrize("on", ["*", "**", "?*"])
def test_record_on_every_platform_is_refused(sockconf, failing, divs, on):
    (divs / "a.txt").write_text(record("b.fails", on=on))
    r = run(sockconf, failing, divs)
    assert r.status == 2, r
    assert r.err == (f"sockconf: a.txt:1: divergence b.fails: 'on: {on}' matches every platform; "
                     "a record is one platform's (on: linux-*, gvisor-*, ...)\n"), r


def test_a_guest_run_refuses_entries_it_could_not_carry(sockconf, fake_cases, divs):
    """A guest is given the directory's files: a dangling symlink would vanish
    from its run, so the host stops first (exit 2, before any guest boots)."""
    fc = fake_cases()
    fc.add("a.good")
    os.symlink(fc.dir / "gone", fc.path("b.dangling"))
    r = sockconf("run", "--no-out", "--target", "qemu", "--cases", fc.dir, "--divergences", divs)
    assert r.status == 2, r
    assert r.err == (f"sockconf: --target qemu: {fc.dir}/b.dangling is a dangling symlink; "
                     "a guest runs files only\n"), r
