"""The real runner on the real cases: the TAP a user gets, and the results file."""

import re
import subprocess

from conftest import closing_lines, REPO, parse_run

HEADER_KEYS = ["label", "target", "os", "kernel", "stack", "machine", "date"]


def real_case_ids(cases_dir):
    return sorted(p.name for p in cases_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def test_every_source_case_is_built(real_cases_dir):
    sources = sorted(p.stem for p in (REPO / "cases").glob("*.c"))
    assert sources, "no cases/*.c in the source tree"
    assert real_case_ids(real_cases_dir) == sources


def test_real_suite_run_prints_tap_and_writes_identical_results_file(
        sockconf, real_cases_dir, real_divergences_dir, tmp_path, scratch_root):
    out_dir = tmp_path / "results"
    r = sockconf("run", "--out", out_dir, "--cases", real_cases_dir,
                 "--divergences", real_divergences_dir)
    assert r.status == 0, r
    summary, rest = closing_lines(r.err)
    assert summary.group(6) == "0" and summary.group(7).startswith(str(out_dir)), r
    assert all("skipped" in l for l in rest), r  # the lines after it say why points skipped

    lines = r.out.splitlines()
    assert lines[0] == "TAP version 13", r
    # the plan on line 2: tappy takes a leading plan nowhere else (TAP 13 allows comments first)
    assert re.fullmatch(r"1\.\.\d+", lines[1]), r
    head, plan, cases, tail = parse_run(r.out)

    # header comments, in order, each once, after the plan and before the first case
    header = {}
    for line in head[1:]:
        assert line.startswith("# "), f"non-comment line in the header: {line!r}"
        m = re.fullmatch(r"# (\w+): (.*)", line)
        if m:
            assert m.group(1) not in header, f"header {m.group(1)} twice"
            header[m.group(1)] = m.group(2)
    for key in HEADER_KEYS:
        assert header.get(key), f"no '# {key}:' header line"
    assert header["target"] == "native"
    assert header["stack"] == "kernel"
    uname = subprocess.run(["uname", "-s", "-r", "-m"], capture_output=True, text=True,
                           check=True).stdout.split()
    assert [header["os"], header["kernel"], header["machine"]] == uname
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", header["date"]), header["date"]
    release = re.match(r"[\d.]*\d", uname[1]).group(0)
    assert header["label"] == f"{uname[0].lower()}-{release}-native-kernel-{uname[2]}"
    assert any(l.startswith("# sysctl net.ipv4.") for l in head), "no sysctl lines on Linux"

    # one top-level point per case, in id order, numbered 1..N, all passing or TODO
    ids = real_case_ids(real_cases_dir)
    assert plan == f"1..{len(ids)}"
    assert list(cases) == ids
    for n, (cid, rep) in enumerate(cases.items(), 1):
        # conforms, skips, follows its own documents or diverges as recorded ("not ok # TODO":
        # prove's known failure)
        assert re.fullmatch(rf"(ok {n} - {re.escape(cid)}( # (TODO|SKIP) .*)?"
                            rf"|not ok {n} - {re.escape(cid)} # TODO .*)", rep.line), rep.line
        # its subtest: a plan and inet, inet6, unix in that order
        assert rep.subtest[0] == "1..3", (cid, rep.subtest)
        points = [l for l in rep.subtest if re.match(r"(not )?ok ", l)]
        assert [re.match(r"(?:not )?ok (\d+) - (\w+)", p).groups() for p in points] == \
            [("1", "inet"), ("2", "inet6"), ("3", "unix")], (cid, rep.subtest)
    assert r.out.count("# Subtest: ") == len(ids)
    assert len(tail) == 1, tail
    m = re.fullmatch(r"# (\d+) conform, (\d+) follow their own documents, (\d+) diverge as "
                     r"recorded, 0 recorded divergences no longer diverge, 0 documented records no "
                     r"longer hold, (\d+) skipped, 0 do not conform", tail[0])
    assert m and sum(map(int, m.groups())) == len(ids), tail

    # the results file: exactly what was printed, under the label, nothing else left
    label = header["label"]
    assert sorted(p.name for p in out_dir.iterdir()) == [f"{label}.tap"]
    assert (out_dir / f"{label}.tap").read_text() == r.out
    assert list(scratch_root.iterdir()) == [], "the runner left scratch files behind"

    # prove reads the file as it is
    p = subprocess.run(["prove", "-e", "cat", str(out_dir / f"{label}.tap")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Result: PASS" in p.stdout
    assert f"Tests={len(ids)}," in p.stdout


def test_real_suite_list_names_every_case_with_its_claim(sockconf, real_cases_dir):
    r = sockconf("list", "--cases", real_cases_dir)
    assert r.status == 0, r
    ids = real_case_ids(real_cases_dir)
    lines = r.out.splitlines()
    assert [l.split()[0] for l in lines] == ids, r
    for cid, line in zip(ids, lines):
        claim = line[len(cid):].strip()
        assert claim and not claim.startswith("("), f"{cid}: no claim listed: {line!r}"
        described = subprocess.run([str(real_cases_dir / cid), "--describe"], capture_output=True,
                                   text=True, timeout=10).stdout
        assert f"# claim: {claim}\n" in described
