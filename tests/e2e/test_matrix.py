"""sockconf matrix and sockconf diff: behaviour x platform from a directory of
results files (MATRIX.md and a static index.html), and the differences between
two runs, with the exit status CI can act on.

Most tests write results files by hand, for exact control of every family's
verdict; one runs the real runner twice under two labels and reads what it
wrote.  The last renders index.html in headless Chromium (skipped when it is
not installed)."""

import html
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

# ---- writing a run's TAP by hand, as runner/report.c writes it ----------------


def q(s):
    """YAML double-quoted, as lib/tap.c's tap_yaml_quote writes it."""
    out = []
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def fam(name, kind="pass", got=None, reason=None, expected="== 0", why=None):
    """One family: kind is pass, skip, diverges, documented (a documented record),
    fails, fixed (no longer diverges) or unheld (a documented record no longer holds)."""
    return dict(name=name, kind=kind, got=got, reason=reason, expected=expected, why=why)


def case(cid, families, claim=None, message=None):
    return dict(id=cid, families=families, claim=claim, message=message)


def run_text(label, cases, target="native", kernel="6.18.44-fc-v509"):
    lines = ["TAP version 13", f"1..{len(cases)}", "# sockconf: socket teardown conformance",
             f"# label: {label}", f"# target: {target}", "# os: Linux", f"# kernel: {kernel}",
             "# stack: kernel", "# machine: x86_64", "# date: 2026-11-22T03:00:00Z",
             "# sysctl net.ipv4.tcp_fin_timeout = 60"]
    for n, c in enumerate(cases, 1):
        kinds = [f["kind"] for f in c["families"]]
        if c["families"]:
            lines += [f"# Subtest: {c['id']}", f"    1..{len(c['families'])}"]
        for k, f in enumerate(c["families"], 1):
            diag = [f"check: {q('recv(c.local, buf, sizeof buf, 0) == 0')}",
                    f"expected: {q(f['expected'])}", f"got: {q(f['got'] or '')}"]
            kind = "documented" if f["kind"] in ("documented", "unheld") else "divergence"
            record = [f"kind: {q(kind)}",
                      f"{kind}: {q(f['why'] or 'the platform keeps the data')}",
                      "sources:", f"  - {q('https://example.org/source')}",
                      f"recorded: {q('plat.txt:3')}"]
            if f["kind"] == "pass":
                lines.append(f"    ok {k} - {f['name']}")
            elif f["kind"] == "skip":
                lines.append(f"    ok {k} - {f['name']} # SKIP {f['reason']}")
            elif f["kind"] == "fixed":
                lines.append(f"    ok {k} - {f['name']} # TODO recorded divergence no longer "
                             "diverges")
                lines += ["      ---"] + ["      " + d for d in record] + ["      ..."]
            elif f["kind"] == "unheld":
                lines.append(f"    ok {k} - {f['name']} # TODO documented record no longer holds")
                lines += ["      ---"] + ["      " + d for d in record] + ["      ..."]
            elif f["kind"] in ("diverges", "documented"):
                one = f["got"].replace("\n", " ").replace("#", " ")
                words = ("diverges as recorded" if f["kind"] == "diverges"
                         else "conforms to its own documents")
                lines.append(f"    not ok {k} - {f['name']} # TODO {words}: got {one}")
                lines += ["      ---"] + ["      " + d for d in diag + record] + ["      ..."]
            else:
                lines.append(f"    not ok {k} - {f['name']}")
                lines += ["      ---"] + ["      " + d for d in diag] + ["      ..."]
        if "fails" in kinds or c["message"]:
            point, directive = "not ok", ""
        elif "diverges" in kinds:
            point, directive = "not ok", " # TODO diverges as recorded"
        elif "documented" in kinds:
            point, directive = "not ok", " # TODO conforms to its own documents"
        elif "fixed" in kinds:
            point, directive = "ok", " # TODO recorded divergence no longer diverges"
        elif "unheld" in kinds:
            point, directive = "ok", " # TODO documented record no longer holds"
        elif kinds and all(k == "skip" for k in kinds):
            point, directive = "ok", " # SKIP no family applies here"
        else:
            point, directive = "ok", ""
        lines.append(f"{point} {n} - {c['id']}{directive}")
        if point == "not ok" or directive:
            lines.append("  ---")
            if c["message"]:
                lines.append(f"  message: {q(c['message'])}")
            if c["claim"]:
                lines.append(f"  claim: {q(c['claim'])}")
            lines += ["  cites:", f"    - {q('RFC 9293 §3.6: a quote <https://www.rfc-editor.org/rfc/rfc9293#section-3.6>')}"]
            lines += [f"  exit: {q('1')}", f"  duration_ms: {q('1.5')}", "  ..."]
    lines.append("# a tally")
    return "\n".join(lines) + "\n"


ALL = ("inet", "inet6", "unix")


def conforming(cid, claim=None):
    return case(cid, [fam(n) for n in ALL], claim=claim)


# Two platforms: one conforms on inet and diverges on inet6 where the other
# diverges on both; a failure; a skip; a case only one of them ran.
PLAT_A = "linux-6.18.44-native"
PLAT_B = "linux-6.1.176-uml"


def plat_a_cases():
    return [
        conforming("t.conforms"),
        case("t.family_detail", [fam("inet"), fam("inet6", "diverges", got="5"),
                                 fam("unix", "skip", reason="AF_UNIX has no such thing")],
             claim="Data after SHUT_RD is dropped"),
        case("t.fails", [fam("inet", "fails", got="7"), fam("inet6"), fam("unix")],
             claim="It fails here"),
        case("t.skipped", [fam(n, "skip", reason="Windows only") for n in ALL]),
        conforming("t.only_in_a"),
    ]


def plat_b_cases():
    return [
        conforming("t.conforms"),
        case("t.family_detail", [fam("inet", "diverges", got="5"),
                                 fam("inet6", "diverges", got="5"),
                                 fam("unix", "skip", reason="AF_UNIX has no such thing")],
             claim="Data after SHUT_RD is dropped"),
        case("t.fails", [fam("inet"), fam("inet6"), fam("unix")]),
        case("t.skipped", [fam(n, "skip", reason="Windows only") for n in ALL]),
    ]


@pytest.fixture
def results(tmp_path):
    d = tmp_path / "results"
    d.mkdir()
    (d / f"{PLAT_A}.tap").write_text(run_text(PLAT_A, plat_a_cases()))
    (d / f"{PLAT_B}.tap").write_text(run_text(PLAT_B, plat_b_cases(), target="uml",
                                              kernel="6.1.176"))
    return d


@pytest.fixture
def no_cases(tmp_path):
    """A cases directory with no programs: claims come only from the files."""
    d = tmp_path / "no-cases"
    d.mkdir()
    return d


def matrix_rows(md):
    """MATRIX.md's behaviour table: id -> list of cells after the id (the
    whole table where the text holds both it and the differences-only one)."""
    if "## Every behaviour" in md:
        md = md[md.index("## Every behaviour"):]
    rows = {}
    for line in md.splitlines():
        m = re.match(r"\| `([^`]+)` \| (.*) \|$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in re.split(r"(?<!\\)\|", m.group(2))]
    return rows


def listing(d):
    return sorted(p.name for p in d.iterdir())


# ---- matrix ---------------------------------------------------------------------------


def test_matrix_writes_markdown_and_html_beside_the_results(sockconf, results, no_cases):
    r = sockconf("matrix", "--results", results, "--cases", no_cases)
    assert r.status == 0, r
    assert r.err == "", r
    assert r.out == (f"sockconf: 5 behaviours on 2 platforms: wrote {results}/MATRIX.md and "
                     f"{results}/index.html\n"), r
    assert listing(results) == ["MATRIX.md", "index.html", f"{PLAT_B}.tap", f"{PLAT_A}.tap"]


def test_matrix_markdown_has_a_column_per_platform_and_a_row_per_behaviour(sockconf, results,
                                                                            no_cases):
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    md = (results / "MATRIX.md").read_text()
    # columns sorted by label; the platform table says what each one is
    assert f"| behaviour | claim | {PLAT_B} | {PLAT_A} |\n|---|---|---|---|\n" in md
    assert ("| platform | target | os | kernel | stack | machine | date | conforms | documented | "
            "diverges | fails | skipped | not run |") in md
    assert (f"| {PLAT_B} | uml | Linux | 6.1.176 | kernel | x86_64 | 2026-11-22T03:00:00Z | "
            "2 | 0 | 1 | 0 | 1 | 1 |") in md
    assert (f"| {PLAT_A} | native | Linux | 6.18.44-fc-v509 | kernel | x86_64 | "
            "2026-11-22T03:00:00Z | 2 | 0 | 1 | 1 | 1 | 0 |") in md
    rows = matrix_rows(md)
    assert list(rows) == sorted(rows)
    assert rows == {
        "t.conforms": ["", "conforms", "conforms"],
        "t.family_detail": ["Data after SHUT_RD is dropped",
                            "diverges (inet, inet6: got 5; unix: skipped)",
                            "diverges (inet6: got 5; inet: conforms; unix: skipped)"],
        "t.fails": ["It fails here", "conforms",
                    "fails (inet: got 7, expected == 0; inet6, unix: conforms)"],
        "t.skipped": ["", "skipped (Windows only)", "skipped (Windows only)"],
        "t.only_in_a": ["", "not run", "conforms"],
    }


def test_matrix_is_the_same_when_made_again(sockconf, results, no_cases):
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    first = ((results / "MATRIX.md").read_bytes(), (results / "index.html").read_bytes())
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    assert ((results / "MATRIX.md").read_bytes(), (results / "index.html").read_bytes()) == first


class Cells(HTMLParser):
    """index.html's table: header texts, and per row id the cells' class and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headers, self.rows = [], {}
        self.row = None
        self.cell = None
        self.in_th = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "id" in a:
            self.row = a["id"]
            self.rows[self.row] = []
        elif tag == "td" and self.row:
            self.cell = {"class": a.get("class", ""), "text": "", "title": a.get("title")}
            self.rows[self.row].append(self.cell)
        elif tag == "th" and a.get("scope") == "col":
            self.in_th = []

    def handle_endtag(self, tag):
        if tag == "th" and self.in_th is not None:
            self.headers.append(" ".join("".join(self.in_th).split()))
            self.in_th = None
        elif tag == "td":
            self.cell = None
        elif tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.in_th is not None:
            self.in_th.append(data + " ")
        if self.cell is not None:
            self.cell["text"] += data


def read_cells(path):
    p = Cells()
    p.feed(path.read_text())
    return p


def test_matrix_html_cells_carry_status_and_diagnostics(sockconf, results, no_cases):
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    page = read_cells(results / "index.html")
    assert page.headers[0] == "behaviour"
    assert page.headers[1].startswith(f"{PLAT_B} Linux 6.1.176 uml · kernel · x86_64 "), page.headers
    assert page.headers[2].startswith(f"{PLAT_A} Linux 6.18.44-fc-v509 native · kernel"), page.headers
    assert "2 conform · 0 documented · 1 diverge · 1 fail · 1 skipped · 0 not run" in page.headers[2]
    assert "2 conform · 0 documented · 1 diverge · 0 fail · 1 skipped · 1 not run" in page.headers[1]
    detail = page.rows["t.family_detail"]
    assert [c["class"] for c in detail] == ["cell diverges", "cell diverges"]
    a = detail[1]
    assert a["text"].startswith("diverges (inet6: got 5; inet: conforms; unix: skipped)")
    # expanding the cell shows each family's YAML: check, expected, got, the record
    for piece in ["inet conforms", "inet6 diverges as recorded: got 5",
                  "checkrecv(c.local, buf, sizeof buf, 0) == 0", "expected== 0", "got5",
                  "kinddivergence", "divergencethe platform keeps the data",
                  "sourceshttps://example.org/source",
                  "recordedplat.txt:3", "unix skipped: AF_UNIX has no such thing"]:
        assert piece in a["text"], (piece, a["text"])
    # hovering shows the families' outcomes and values
    assert a["title"] == ("inet: conforms\n"
                          "inet6: diverges as recorded\n"
                          "  check: recv(c.local, buf, sizeof buf, 0) == 0\n"
                          "  expected: == 0\n  got: 5\n"
                          "unix: AF_UNIX has no such thing"), a["title"]
    assert [c["class"] for c in page.rows["t.fails"]] == ["cell conforms", "cell fails"]
    assert page.rows["t.fails"][0]["text"] == "conforms"  # nothing to expand
    assert [c["class"] for c in page.rows["t.only_in_a"]] == ["cell notrun", "cell conforms"]
    assert page.rows["t.only_in_a"][0]["text"] == "not run"
    assert [c["class"] for c in page.rows["t.skipped"]] == ["cell skipped"] * 2
    # sources become links; the details element needs no script
    h = (results / "index.html").read_text()
    assert '<a href="https://www.rfc-editor.org/rfc/rfc9293#section-3.6">RFC 9293 §3.6</a>' in h
    assert '<a href="https://example.org/source">https://example.org/source</a>' in h
    assert h.count("<details>") >= 6


def test_matrix_html_is_self_contained(sockconf, results, no_cases):
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    h = (results / "index.html").read_text()
    assert h.startswith("<!DOCTYPE html>\n")
    assert "<style>" in h
    for forbidden in ["<script", "<link", " src=", "@import", "url(", "<iframe", "<img"]:
        assert forbidden not in h.lower(), forbidden
    assert ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">") in h


def test_matrix_escapes_what_the_files_say(sockconf, tmp_path, no_cases):
    d = tmp_path / "results"
    d.mkdir()
    nasty = '<script>alert("x")</script> & | `code` *em* \'q\''
    (d / "evil-1.0-native.tap").write_text(run_text("evil-1.0-native", [
        case("t.nasty", [fam("inet", "diverges", got=nasty, why=nasty),
                         fam("inet6", "skip", reason=nasty)], claim=nasty),
    ]))
    r = sockconf("matrix", "--results", d, "--cases", no_cases)
    assert r.status == 0, r
    h = (d / "index.html").read_text()
    assert "<script" not in h
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; | `code` *em* &#39;q&#39;" in h
    md = (d / "MATRIX.md").read_text()
    row = [line for line in md.splitlines() if line.startswith("| `t.nasty`")][0]
    escaped = r'\<script\>alert("x")\</script\> & \| \`code\` \*em\* ' + "'q'"
    assert row == (f"| `t.nasty` | {escaped} | diverges (inet: got {escaped}; "
                   "inet6: skipped) |"), row


def test_matrix_takes_claims_the_files_lack_from_the_case_programs(sockconf, results,
                                                                   fake_cases):
    fc = fake_cases()
    fc.add("t.conforms", claim="A claim only the program knows")
    assert sockconf("matrix", "--results", results, "--cases", fc.dir).status == 0
    rows = matrix_rows((results / "MATRIX.md").read_text())
    assert rows["t.conforms"][0] == "A claim only the program knows"
    assert rows["t.fails"][0] == "It fails here"  # the file's own claim is kept


def test_results_files_carry_the_claims_of_passing_cases(sockconf, fake_cases, tmp_path):
    """A run writes each case's claim and cites into its subtest, so a matrix
    made where the case programs are not (another machine's results) still
    has every claim and source."""
    fc = fake_cases()
    fc.add("x.good", claim="it works")
    out = tmp_path / "results"
    (tmp_path / "none").mkdir()
    r = sockconf("run", "--out", out, "--label", "plat-a-1.0-native", "--cases", fc.dir,
                 "--divergences", tmp_path / "none")
    assert r.status == 0, r
    assert "    # claim: it works\n" in r.out, r
    empty = tmp_path / "no-cases"
    empty.mkdir()
    r = sockconf("matrix", "--results", out, "--cases", empty)
    assert r.status == 0, r
    assert matrix_rows((out / "MATRIX.md").read_text())["x.good"][0] == "it works"


def test_matrix_of_two_real_runs(sockconf, fake_cases, tmp_path):
    """The runner's own results files, under two labels: a record makes one a
    divergence and leaves the other a failure."""
    fc = fake_cases()
    fc.add("x.good", claim="it works")
    fc.add_failing("x.data", got="5", family_index=1, claim="data is dropped")
    divs = tmp_path / "divergences"
    divs.mkdir()
    (divs / "plat-a.txt").write_text("x.data\n    on:     plat-a-*\n    family: inet\n"
                                     "    kind:   divergence\n"
                                     "    got:    5\n    why:    plat-a keeps the data\n"
                                     "    source: https://example.org/plat-a\n")
    out = tmp_path / "results"
    for label, status in [("plat-a-1.0-native", 0), ("plat-b-1.0-native", 1)]:
        r = sockconf("run", "--out", out, "--label", label, "--cases", fc.dir, "--divergences",
                     divs)
        assert r.status == status, r
    r = sockconf("matrix", "--results", out, "--cases", fc.dir)
    assert r.status == 0, r
    md = (out / "MATRIX.md").read_text()
    assert "| behaviour | claim | plat-a-1.0-native | plat-b-1.0-native |" in md
    rows = matrix_rows(md)
    assert rows == {
        "x.data": ["data is dropped", "diverges (inet: got 5; inet6, unix: conforms)",
                   "fails (inet: got 5, expected == 0; inet6, unix: conforms)"],
        "x.good": ["it works", "conforms", "conforms"],
    }
    page = read_cells(out / "index.html")
    a = page.rows["x.data"][0]["text"]
    assert "divergenceplat-a keeps the data" in a and "recordedplat-a.txt:1" in a, a

    r = sockconf("diff", out / "plat-a-1.0-native.tap", out / "plat-b-1.0-native.tap")
    assert r.status == 1, r
    assert r.out == 'x.data inet: diverges (got "5") -> fails (got "5")\n', r


def test_matrix_tells_documented_from_divergent(sockconf, tmp_path, no_cases):
    """A documented record's cell, legend entry, count and colour are its own;
    in a cell that diverges, a documented family says so."""
    d = tmp_path / "results"
    d.mkdir()
    (d / f"{PLAT_A}.tap").write_text(run_text(PLAT_A, [
        case("t.documented", [fam("inet", "documented", got="1", why="socket(7) says so"),
                              fam("inet6", "documented", got="1"), fam("unix")]),
        case("t.mixed", [fam("inet", "documented", got="5"), fam("inet6"),
                         fam("unix", "diverges", got="-1 EPIPE")]),
        case("t.unheld", [fam("inet", "unheld"), fam("inet6"), fam("unix")]),
    ]))
    r = sockconf("matrix", "--results", d, "--cases", no_cases)
    assert r.status == 0, r
    md = (d / "MATRIX.md").read_text()
    assert "**documented**: differs from the case's documents as the platform's own" in md
    assert (f"| {PLAT_A} | native | Linux | 6.18.44-fc-v509 | kernel | x86_64 | "
            "2026-11-22T03:00:00Z | 1 | 1 | 1 | 0 | 0 | 0 |") in md
    assert matrix_rows(md) == {
        "t.documented": ["", "documented (inet, inet6: got 1; unix: conforms)"],
        "t.mixed": ["", "diverges (inet: as documented, got 5; unix: got -1 EPIPE; inet6: conforms)"],
        "t.unheld": ["", "conforms (inet: documented record no longer holds)"],
    }
    page = read_cells(d / "index.html")
    assert "1 conform · 1 documented · 1 diverge · 0 fail · 0 skipped · 0 not run" in page.headers[1]
    assert [c["class"] for c in page.rows["t.documented"]] == ["cell documented"]
    assert [c["class"] for c in page.rows["t.mixed"]] == ["cell diverges"]
    cell = page.rows["t.documented"][0]
    for piece in ["inet conforms to its own documents: got 1", "kinddocumented",
                  "documentedsocket(7) says so"]:
        assert piece in cell["text"], (piece, cell["text"])
    assert cell["title"].startswith("inet: conforms to its own documents\n"), cell["title"]
    assert "inet: documented record no longer holds" in page.rows["t.unheld"][0]["title"]
    h = (d / "index.html").read_text()
    assert '<span class="documented">conforms to its own documents</span>' in h
    assert ".documented{background:" in h and '<div class="fam documented">' in h

    # the kind of a record is a difference between two runs
    b = write(tmp_path, "b.tap", PLAT_B, [
        case("t.documented", [fam("inet", "diverges", got="1"), fam("inet6", "documented", got="1"),
                              fam("unix")])])
    r = sockconf("diff", d / f"{PLAT_A}.tap", b)
    assert r.status == 1, r
    assert r.out.splitlines() == [
        't.documented inet: documented (got "1") -> diverges (got "1")',
        f"t.mixed: only in {d / f'{PLAT_A}.tap'} (diverges)",
        f"t.unheld: only in {d / f'{PLAT_A}.tap'} (conforms)",
    ], r


def test_matrix_default_results_directory(sockconf, tmp_path, no_cases):
    d = tmp_path / "results"  # the fixture runs sockconf in tmp_path
    d.mkdir()
    (d / "a-1-native.tap").write_text(run_text("a-1-native", [conforming("t.one")]))
    r = sockconf("matrix", "--cases", no_cases)
    assert r.status == 0, r
    assert (d / "MATRIX.md").is_file() and (d / "index.html").is_file()


def test_matrix_replaces_old_files_and_leaves_no_temporary_ones(sockconf, results, no_cases):
    (results / "MATRIX.md").write_text("stale\n")
    (results / "index.html").write_text("stale\n")
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    assert (results / "MATRIX.md").read_text().startswith("# sockconf: behaviour × platform\n")
    assert listing(results) == ["MATRIX.md", "index.html", f"{PLAT_B}.tap", f"{PLAT_A}.tap"]
    assert not [p for p in results.iterdir() if p.name.startswith(".")]


def test_matrix_labels_two_files_of_one_platform_apart(sockconf, results, no_cases):
    (results / "copy.tap").write_text(run_text(PLAT_A, plat_a_cases()))
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    md = (results / "MATRIX.md").read_text()
    assert (f"| behaviour | claim | {PLAT_B} | {PLAT_A} (copy.tap) | "
            f"{PLAT_A} ({PLAT_A}.tap) |") in md


@pytest.mark.parametrize("bad,line,why", [
    ("TAP version 13\n1..2\nok 1 - t.one\nok 3 - t.two\n", 4,
     'a case point number 3 where 2 was due: "ok 3 - t.two"'),
    ("TAP version 13\n1..1\nnot ok 1 - t.one\n  ---\n  got: \"5\n  ...\n", 5,
     'malformed quoted string in the YAML diagnostics: "  got: "5"'),
    ("TAP version 13\n1..2\nok 1 - t.one\n", 3,
     "planned 2 test points, found 1: the file is cut short"),
    ("garbage\n", 1, 'not a run\'s TAP: the first line must be "TAP version 13": "garbage"'),
])
def test_matrix_of_a_malformed_file_exits_2_naming_file_and_line(sockconf, results, no_cases,
                                                                 bad, line, why):
    (results / "MATRIX.md").write_text("the previous matrix\n")
    (results / "zz-broken.tap").write_text(bad)
    r = sockconf("matrix", "--results", results, "--cases", no_cases)
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err == f"sockconf: {results}/zz-broken.tap:{line}: {why}\n", r
    assert (results / "MATRIX.md").read_text() == "the previous matrix\n"
    assert not (results / "index.html").exists()


def test_matrix_of_nothing_exits_2(sockconf, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = sockconf("matrix", "--results", empty)
    assert r.status == 2, r
    assert r.err == (f"sockconf: {empty}: no results files (*.tap) to make a matrix of: run "
                     f"`sockconf run --out {empty}` first\n"), r
    r = sockconf("matrix", "--results", tmp_path / "absent")
    assert r.status == 2, r
    assert r.err == (f"sockconf: {tmp_path / 'absent'}: cannot read the results directory: "
                     "No such file or directory\n"), r


@pytest.mark.parametrize("args,message", [
    (["matrix", "extra"], "matrix takes no arguments (--results DIR names the directory)"),
    (["matrix", "--results"], "bad value '' for --results"),
    (["diff"], "diff takes two results files: sockconf diff A.tap B.tap"),
    (["diff", "a.tap"], "diff takes two results files: sockconf diff A.tap B.tap"),
    (["diff", "a.tap", "b.tap", "c.tap"], "diff takes two results files: sockconf diff A.tap B.tap"),
])
def test_usage_errors_exit_2(sockconf, args, message):
    r = sockconf(*args)
    assert r.status == 2, r
    assert r.err.startswith(f"sockconf: {message}\n"), r


def test_help_names_matrix_and_diff(sockconf):
    r = sockconf("--help")
    assert r.status == 0, r
    assert "       sockconf matrix [--results DIR]\n       sockconf diff A.tap B.tap\n" in r.out
    assert "  --results DIR " in r.out


# ---- diff ------------------------------------------------------------------------------


def write(tmp_path, name, label, cases):
    p = tmp_path / name
    p.write_text(run_text(label, cases))
    return p


def test_diff_of_identical_runs_exits_0_and_says_nothing(sockconf, results):
    a = results / f"{PLAT_A}.tap"
    r = sockconf("diff", a, a)
    assert (r.status, r.out, r.err) == (0, "", ""), r
    # labels, dates and durations are no difference
    b = results / "again.tap"
    b.write_text(a.read_text().replace("2026-11-22T03:00:00Z", "2027-01-01T00:00:00Z")
                 .replace('"1.5"', '"99.0"'))
    r = sockconf("diff", a, b)
    assert (r.status, r.out, r.err) == (0, "", ""), r


def test_diff_names_the_family_whose_verdict_changed(sockconf, tmp_path):
    a = write(tmp_path, "a.tap", "linux-6.18.44-native", [
        conforming("t.one"),
        case("t.two", [fam("inet"), fam("inet6", "diverges", got="5"), fam("unix")])])
    b = write(tmp_path, "b.tap", "linux-6.1.176-uml", [
        conforming("t.one"),
        case("t.two", [fam("inet"), fam("inet6"), fam("unix")])])
    r = sockconf("diff", a, b)
    assert r.status == 1, r
    assert r.out == 't.two inet6: diverges (got "5") -> conforms\n', r
    assert r.err == "", r


def test_diff_lists_every_kind_of_difference_in_a_stable_order(sockconf, tmp_path):
    a = write(tmp_path, "a.tap", "a", [
        case("t.b_got", [fam("inet", "diverges", got="5"), fam("inet6", "diverges", got="5")]),
        case("t.a_fails", [fam("inet"), fam("inet6")]),
        case("t.c_skip", [fam("inet", "skip", reason="no pcap"), fam("inet6")]),
        case("t.d_crash", [fam("inet")]),
        case("t.e_families", [fam("inet"), fam("unix")]),
        conforming("t.only_a"),
    ])
    b = write(tmp_path, "b.tap", "b", [
        conforming("t.only_b"),
        case("t.e_families", [fam("inet"), fam("inet6")]),
        case("t.d_crash", [fam("inet")], message="crashed: killed by SIGSEGV (11)"),
        case("t.c_skip", [fam("inet"), fam("inet6")]),
        case("t.b_got", [fam("inet", "diverges", got="5"), fam("inet6", "diverges", got="-1 EPIPE")]),
        case("t.a_fails", [fam("inet"), fam("inet6", "fails", got="7")]),
    ])
    r = sockconf("diff", a, b)
    assert r.status == 1, r
    assert r.out.splitlines() == [
        't.a_fails inet6: conforms -> fails (got "7")',
        't.b_got inet6: diverges (got "5") -> diverges (got "-1 EPIPE")',
        't.c_skip inet: skipped ("no pcap") -> conforms',
        't.d_crash: conforms -> fails ("crashed: killed by SIGSEGV (11)")',
        "t.e_families unix: conforms -> absent",
        "t.e_families inet6: absent -> conforms",
        f"t.only_a: only in {a} (conforms)",
        f"t.only_b: only in {b} (conforms)",
    ], r
    # the other way round: the same lines, each turned around
    r2 = sockconf("diff", b, a)
    assert r2.status == 1, r2
    assert len(r2.out.splitlines()) == 8
    assert 't.a_fails inet6: fails (got "7") -> conforms' in r2.out.splitlines()


def test_diff_of_a_malformed_file_exits_2(sockconf, tmp_path, results):
    bad = tmp_path / "bad.tap"
    bad.write_text("TAP version 13\n1..1\n# Subtest: t.one\n    1..1\n    ok 1 - inet\n"
                   "ok 1 - t.other\n")
    r = sockconf("diff", results / f"{PLAT_A}.tap", bad)
    assert r.status == 2, r
    assert r.out == "", r
    assert r.err == (f"sockconf: {bad}:6: the point for t.other follows the subtest of t.one: "
                     '"ok 1 - t.other"\n'), r
    r = sockconf("diff", tmp_path / "absent.tap", bad)
    assert r.status == 2, r
    assert r.err == f"sockconf: {tmp_path / 'absent.tap'}: cannot read: No such file or directory\n"


def test_matrix_shows_where_the_platforms_differ(sockconf, results, no_cases):
    """The differences-only view: the rows whose cells are not all the same."""
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    md = (results / "MATRIX.md").read_text()
    diff = md[md.index("## Where the platforms differ"):md.index("## Every behaviour")]
    assert "3 of 5 behaviours" in diff
    assert sorted(matrix_rows(diff)) == ["t.fails", "t.family_detail", "t.only_in_a"]
    assert len(matrix_rows(md)) == 5
    page = (results / "index.html").read_text()
    assert re.findall(r'<tr id="([^"]+)" class="differs">', page) == ["t.fails", "t.family_detail",
                                                                      "t.only_in_a"]
    assert re.findall(r'<tr id="([^"]+)" class="same">', page) == ["t.conforms", "t.skipped"]
    # the toggle: a checkbox before the table, and the rule that hides the same rows
    assert page.index('<input type="checkbox" id="differences">') < page.index('<table id="matrix">')
    assert "#differences:checked~table tr.same{display:none}" in page


def test_matrix_leaves_out_partial_runs(sockconf, results, no_cases):
    """A filtered run's file (LABEL.partial.tap) is no platform's whole picture."""
    (results / "other.partial.tap").write_text("this is not even TAP\n")
    r = sockconf("matrix", "--results", results, "--cases", no_cases)
    assert r.status == 0, r
    assert "5 behaviours on 2 platforms" in r.out


# ---- in a browser ------------------------------------------------------------------------


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def headless(tmp_path, *args):
    exe = chromium()
    if not exe:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    argv = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, HOME=str(tmp_path)))


def test_index_html_renders_in_chromium(sockconf, results, no_cases, tmp_path):
    assert sockconf("matrix", "--results", results, "--cases", no_cases).status == 0
    page = (results / "index.html").as_uri()
    r = headless(tmp_path, "--dump-dom", page)
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    assert '<table id="matrix">' in dom
    header = re.search(r"<thead>(.*?)</thead>", dom, re.S).group(1)
    assert f'<span class="label">{PLAT_A}</span>' in header
    assert f'<span class="label">{PLAT_B}</span>' in header
    row = re.search(r'<tr id="t.family_detail" class="differs">(.*?)</tr>', dom, re.S).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", row)).count("diverges (") == 2
    assert "<summary>diverges (inet6: got 5; inet: conforms; unix: skipped)</summary>" in row
    assert '<td class="cell notrun">not run</td>' in dom

    shot = tmp_path / "matrix.png"
    r = headless(tmp_path, "--window-size=1400,1100", f"--screenshot={shot}", page)
    assert r.returncode == 0, r.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20000, "the screenshot is (nearly) blank"
