"""Selecting cases: by id, by group, by glob; `list`."""

import pytest

from conftest import parse_run

IDS = ["fin.recv_zero", "fin.states", "rst.linger0", "rst.so_error", "rstx.other", "shutwr.twice"]


@pytest.fixture
def catalog(fake_cases, tmp_path):
    """Fake cases that each leave a marker when they run, so a test sees
    which ones ran, not only which ones were reported."""
    fc = fake_cases()
    ran = tmp_path / "ran"
    ran.mkdir()
    for cid in IDS:
        fc.add(cid, claim=f"claim of {cid}", before=f"touch '{ran}/{cid}'")
    return fc, ran


def run_ids(sockconf, fc, divs, *filters):
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", divs, *filters)
    return r, list(parse_run(r.out)[2]) if r.status == 0 else None


def test_filter_by_id_runs_that_case_only(sockconf, catalog, empty_divergences):
    fc, ran = catalog
    r, ids = run_ids(sockconf, fc, empty_divergences, "rst.so_error")
    assert r.status == 0, r
    assert ids == ["rst.so_error"], r
    assert parse_run(r.out)[1] == "1..1", r
    assert "ok 1 - rst.so_error\n" in r.out, r
    assert sorted(p.name for p in ran.iterdir()) == ["rst.so_error"]


def test_filter_by_group_runs_the_group_only(sockconf, catalog, empty_divergences):
    fc, ran = catalog
    r, ids = run_ids(sockconf, fc, empty_divergences, "rst")
    assert r.status == 0, r
    assert ids == ["rst.linger0", "rst.so_error"], r  # not rstx.other
    assert parse_run(r.out)[1] == "1..2", r
    assert sorted(p.name for p in ran.iterdir()) == ["rst.linger0", "rst.so_error"]


def test_filter_by_glob_and_several_filters(sockconf, catalog, empty_divergences):
    fc, ran = catalog
    r, ids = run_ids(sockconf, fc, empty_divergences, "*.s*", "fin.recv_zero")
    assert r.status == 0, r
    assert ids == ["fin.recv_zero", "fin.states", "rst.so_error"], r
    assert [l for l in r.out.splitlines() if l.startswith("ok ")] == \
        ["ok 1 - fin.recv_zero", "ok 2 - fin.states", "ok 3 - rst.so_error"], r


@pytest.mark.parametrize("bad", ["nosuchcase", "rs", "fin.recv", "rst.*x"])
def test_filter_selecting_nothing_exits_2_naming_it(sockconf, catalog, empty_divergences, bad):
    fc, ran = catalog
    r = sockconf("run", "--no-out", "--cases", fc.dir, "--divergences", empty_divergences,
                 "fin", bad)
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err == f"sockconf: no case matches '{bad}' (see: sockconf list)\n", r
    assert list(ran.iterdir()) == [], "a case ran although the command line was wrong"


def test_list_prints_every_id_with_its_claim(sockconf, catalog):
    fc, ran = catalog
    fc.add("zz.not_executable", mode=0o644)
    r = sockconf("list", "--cases", fc.dir)
    assert r.status == 0, r
    assert r.err == "", r
    assert r.out.splitlines() == [f"{cid:<36} claim of {cid}" for cid in IDS] + \
        [f"{'zz.not_executable':<36} (cannot run: not an executable file)"], r
    assert list(ran.iterdir()) == [], "list ran a case instead of asking for its description"


def test_list_with_filter(sockconf, catalog):
    fc, ran = catalog
    r = sockconf("list", "--cases", fc.dir, "fin")
    assert r.status == 0, r
    assert r.out.splitlines() == [f"{cid:<36} claim of {cid}" for cid in IDS[:2]], r


def test_hidden_files_are_not_cases(sockconf, catalog, empty_divergences):
    """A directory is listed, as a case that cannot run (test_hostile_inputs.py)."""
    fc, ran = catalog
    fc.add(".hidden", status=1)
    r = sockconf("list", "--cases", fc.dir)
    assert r.status == 0, r
    assert [l.split()[0] for l in r.out.splitlines()] == IDS, r
