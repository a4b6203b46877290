"""Expectations are data: a recorded divergence is a TODO, an unrecorded or
differently-recorded one fails, a record that no longer diverges is
reported, and a malformed record file stops the run before it starts.  A
documented record (the platform's own reference gives the outcome) is a TODO
too, in its own words."""

import textwrap

import pytest

from conftest import parse_run

LABEL = "fake-1.0-native"


def record(cid, on="fake-*", family="inet", kind="divergence", got="5",
           why="the fake stack keeps the data", source="https://example.org/fake-stack", extra=""):
    lines = [cid, f"    on:     {on}"]
    if family is not None:
        lines.append(f"    family: {family}")
    if kind is not None:
        lines.append(f"    kind:   {kind}")
    if got is not None:
        lines.append(f"    got:    {got}")
    if why is not None:
        lines.append(f"    why:    {why}")
    if source is not None:
        lines.append(f"    source: {source}")
    return "\n".join(lines) + "\n" + extra


@pytest.fixture
def setup(fake_cases, tmp_path):
    """A good case, a failing case (inet gets 5) and a divergences dir."""
    fc = fake_cases()
    fc.add("a.good")
    fc.add_failing("b.fails", got="5", family_index=1)
    divs = tmp_path / "divergences"
    divs.mkdir()
    return fc, divs


def run(sockconf, fc, divs, *more):
    return sockconf("run", "--no-out", "--label", LABEL, "--cases", fc.dir, "--divergences", divs,
                    *more)


def test_recorded_divergence_is_todo_and_the_run_passes(sockconf, setup):
    fc, divs = setup
    (divs / "fake.txt").write_text("# a comment\n\n" + record("b.fails"))
    r = run(sockconf, fc, divs)
    assert r.status == 0, r
    head, plan, cases, tail = parse_run(r.out)
    assert "# label: fake-1.0-native" in head
    assert cases["a.good"].line == "ok 1 - a.good", r
    rep = cases["b.fails"]
    assert rep.line == "not ok 2 - b.fails # TODO diverges as recorded", r
    assert rep.subtest[1] == "not ok 1 - inet # TODO diverges as recorded: got 5", r
    yaml = rep.subtest[2:rep.subtest.index("  ...")]
    assert '  got: "5"' in yaml, r
    assert '  divergence: "the fake stack keeps the data"' in yaml, r
    assert yaml[yaml.index("  sources:") + 1] == '    - "https://example.org/fake-stack"', r
    assert not any(line.startswith("  source:") for line in yaml), r
    assert '  recorded: "fake.txt:3"' in yaml, r
    assert rep.subtest[-2:] == ["ok 2 - inet6", "ok 3 - unix"], r
    assert tail == ["# 1 conform, 0 follow their own documents, 1 diverge as recorded, 0 recorded "
                    "divergences no longer diverge, 0 documented records no longer hold, 0 skipped, "
                    "0 do not conform"], r


def test_record_without_got_matches_any_value(sockconf, setup):
    fc, divs = setup
    (divs / "fake.txt").write_text(record("b.fails", got=None, family=None))
    r = run(sockconf, fc, divs)
    assert r.status == 0, r
    assert parse_run(r.out)[2]["b.fails"].line == "not ok 2 - b.fails # TODO diverges as recorded"


def test_record_with_other_got_fails_not_as_recorded(sockconf, setup):
    fc, divs = setup
    (divs / "fake.txt").write_text(record("b.fails", got="7"))
    r = run(sockconf, fc, divs)
    assert r.status == 1, r
    rep = parse_run(r.out)[2]["b.fails"]
    assert rep.line == "not ok 2 - b.fails", r
    assert rep.subtest[1] == "not ok 1 - inet", r
    assert '  verdict: "diverges, but not as recorded: the record says got 7"' in rep.subtest, r
    assert "not as recorded" in r.out


def test_record_for_another_label_does_not_apply(sockconf, setup):
    fc, divs = setup
    (divs / "fake.txt").write_text(record("b.fails", on="other-*"))
    r = run(sockconf, fc, divs)
    assert r.status == 1, r
    rep = parse_run(r.out)[2]["b.fails"]
    assert rep.line == "not ok 2 - b.fails", r
    assert rep.subtest[1] == "not ok 1 - inet", r
    assert not any("divergence:" in l for l in rep.subtest), r


def test_record_for_another_family_does_not_apply(sockconf, setup):
    fc, divs = setup
    (divs / "fake.txt").write_text(record("b.fails", family="inet6 unix"))
    r = run(sockconf, fc, divs)
    assert r.status == 1, r
    rep = parse_run(r.out)[2]["b.fails"]
    assert rep.line == "not ok 2 - b.fails", r
    assert rep.subtest[1] == "not ok 1 - inet", r


def test_record_for_passing_case_reports_no_longer_diverges(sockconf, setup):
    fc, divs = setup
    (divs / "fake.txt").write_text(record("b.fails") + record("a.good", family="unix"))
    r = run(sockconf, fc, divs)
    assert r.status == 0, r
    rep = parse_run(r.out)[2]["a.good"]
    assert rep.line == "ok 1 - a.good # TODO recorded divergence no longer diverges", r
    assert rep.subtest[:3] == ["1..3", "ok 1 - inet", "ok 2 - inet6"], r
    assert rep.subtest[3] == "ok 3 - unix # TODO recorded divergence no longer diverges", r
    assert '  recorded: "fake.txt:8"' in rep.subtest, r
    assert r.out.splitlines()[-1] == ("# 0 conform, 0 follow their own documents, 1 diverge as "
                                      "recorded, 1 recorded divergences no longer diverge, 0 "
                                      "documented records no longer hold, 0 skipped, 0 do not "
                                      "conform"), r


# A label whose first word is a platform with documents of its own
LINUX_LABEL = "linux-0.1-fake"
MAN_PAGE = "https://man7.org/linux/man-pages/man2/shutdown.2.html"


def test_documented_record_conforms_to_its_own_documents(sockconf, setup):
    fc, divs = setup
    (divs / "fake.txt").write_text(record("b.fails", on="linux-*", kind="documented",
                                          why="shutdown(2) says so", source=MAN_PAGE))
    r = sockconf("run", "--no-out", "--label", LINUX_LABEL, "--cases", fc.dir, "--divergences",
                 divs)
    assert r.status == 0, r
    head, plan, cases, tail = parse_run(r.out)
    rep = cases["b.fails"]
    assert rep.line == "not ok 2 - b.fails # TODO conforms to its own documents", r
    assert rep.subtest[1] == "not ok 1 - inet # TODO conforms to its own documents: got 5", r
    yaml = rep.subtest[2:rep.subtest.index("  ...")]
    assert yaml[yaml.index('  kind: "documented"') + 1] == '  documented: "shutdown(2) says so"', r
    assert yaml[yaml.index("  sources:") + 1] == f'    - "{MAN_PAGE}"', r
    assert not any("diverge" in line for line in rep.subtest), r
    assert tail == ["# 1 conform, 1 follow their own documents, 0 diverge as recorded, 0 recorded "
                    "divergences no longer diverge, 0 documented records no longer hold, 0 skipped, "
                    "0 do not conform"], r
    assert "2 cases in " in r.err and ": 1 conform, 1 follow their own documents, 0 diverge as " \
        "recorded, 0 skipped, 0 do not conform" in r.err, r


def test_documented_record_that_no_longer_holds_says_so(sockconf, setup):
    fc, divs = setup
    (divs / "fake.txt").write_text(record("a.good", on="linux-*", kind="documented",
                                          family="unix", source=MAN_PAGE))
    r = sockconf("run", "--no-out", "--label", LINUX_LABEL, "--cases", fc.dir, "--divergences",
                 divs, "a.good")
    assert r.status == 0, r
    rep = parse_run(r.out)[2]["a.good"]
    assert rep.line == "ok 1 - a.good # TODO documented record no longer holds", r
    assert rep.subtest[3] == "ok 3 - unix # TODO documented record no longer holds", r
    assert r.out.splitlines()[-1] == ("# 0 conform, 0 follow their own documents, 0 diverge as "
                                      "recorded, 0 recorded divergences no longer diverge, 1 "
                                      "documented records no longer hold, 0 skipped, 0 do not "
                                      "conform"), r
    assert ": 0 conform, 0 follow their own documents, 0 diverge as recorded, 1 documented " \
        "records no longer hold, 0 skipped, 0 do not conform" in r.err, r


MALFORMED = {
    # name: (file text, the message after "sockconf: ")
    "unknown_key": (record("b.fails", extra="    colour: blue\n"),
                    "bad.txt:8: unknown key 'colour' (on, family, kind, got, when, why, source)"),
    "missing_kind": ("\n" + record("b.fails", kind=None),
                     "bad.txt:2: divergence b.fails has no 'kind:' line (documented or divergence)"),
    "unknown_kind": (record("b.fails", kind="bug"),
                     "bad.txt:4: unknown kind 'bug' (documented or divergence)"),
    "documented_without_its_document": (
        record("b.fails", on="linux-*", kind="documented"),
        "bad.txt:1: documented record b.fails cites none of linux's own documents (a source "
        "under https://man7.org/linux/man-pages/, ...)"),
    "documented_for_no_known_platform": (
        record("b.fails", kind="documented", source="https://man7.org/linux/man-pages/x"),
        "bad.txt:1: documented record b.fails: 'on: fake-*' names no platform whose documents "
        "are known (linux-*, gvisor-*, windows-*, freebsd-*, ...)"),
    "missing_why": ("\n" + record("b.fails", why=None),
                    "bad.txt:2: divergence b.fails has no 'why:' line"),
    "missing_on_in_first_of_two": (
        record("b.fails").replace("    on:     fake-*\n", "") + record("a.good"),
        "bad.txt:1: divergence b.fails has no 'on:' line"),
    "missing_source": (record("b.fails", source=None),
                       "bad.txt:1: divergence b.fails has no 'source:' line"),
    "no_such_case": (record("b.fails") + "# next\n" + record("no.such_case"),
                     "bad.txt:9: divergence for 'no.such_case', but there is no such case"),
    "unknown_family": (record("b.fails", family="inet ipx"),
                       "bad.txt:3: unknown family 'ipx' (inet, inet6 or unix)"),
    "indented_before_id": ("    on: fake-*\n", "bad.txt:1: an indented line before any case id"),
    "not_key_value": (record("b.fails", extra="    just words\n"),
                      "bad.txt:8: expected 'key: value', got 'just words'"),
    "empty_value": (record("b.fails", got=""), "bad.txt:5: 'got:' has no value"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_divergences_exit_2_naming_file_and_line(sockconf, setup, tmp_path, name):
    fc, divs = setup
    ran = tmp_path / "ran"
    fc.add("c.marker", before=f"touch '{ran}'")
    text, message = MALFORMED[name]
    (divs / "bad.txt").write_text(text)
    r = run(sockconf, fc, divs)
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err == f"sockconf: {message}\n", r
    assert not ran.exists(), "a case ran although the records are malformed"


def test_record_for_a_case_outside_the_filter_is_not_an_error(sockconf, setup):
    """The check is against every case, not the selection: a filtered run
    must not reject the records of cases it does not run."""
    fc, divs = setup
    (divs / "fake.txt").write_text(record("b.fails"))
    r = run(sockconf, fc, divs, "a.good")
    assert r.status == 0, r
    assert list(parse_run(r.out)[2]) == ["a.good"], r


def test_only_txt_files_are_records(sockconf, setup):
    fc, divs = setup
    (divs / "notes.md").write_text("this is not a record\n")
    (divs / "fake.txt").write_text(record("b.fails"))
    r = run(sockconf, fc, divs)
    assert r.status == 0, r


def test_real_divergences_parse_and_name_real_cases(sockconf, real_cases_dir,
                                                    real_divergences_dir):
    """The source tree's records are valid for the real cases: list does not
    read them, so select one case with run to make the runner load them."""
    files = sorted(p.name for p in real_divergences_dir.glob("*.txt"))
    assert files, "no divergence records in the source tree"
    r = sockconf("run", "--no-out", "--cases", real_cases_dir, "--divergences",
                 real_divergences_dir, "fin.recv_zero")
    assert r.status == 0, r
