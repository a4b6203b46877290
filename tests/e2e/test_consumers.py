"""A results file is read by every usual TAP consumer, as the runner writes it.

The real runner runs a few real cases once (recorded divergences with several
sources, skipped families, passes), and the file it writes is given to:
Debian 12's prove, tappy (python3-tap), npm's tap-parser in strict mode, and
a YAML loader that refuses a key given twice.  Each is strict where the
others are lenient: tappy takes a leading plan only on the line after the
version, tap-parser drops (or, strict, fails on) a YAML block it cannot
parse, and YAML forbids a repeated key, which lenient loaders resolve by
keeping one value.  The results files in results/ are checked the same way.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

SUBSET = ["fin.recv_zero", "rst.*", "shutrd.*", "linger.nonblocking"]
TAP_PARSER = REPO / "build" / "npm" / "node_modules" / "tap-parser"
TAP_PARSER_PIN = "tap-parser@17.0.0"  # as tests/packages.txt says
BOUND_S = 120

COMMITTED = sorted((REPO / "results").glob("*.tap"))


@pytest.fixture(scope="module")
def results_file(runner, real_cases_dir, real_divergences_dir, tmp_path_factory):
    """One real run of SUBSET, written as results/<label>.tap is."""
    out = tmp_path_factory.mktemp("consumers")
    scratch = out / "tmpdir"
    scratch.mkdir()
    proc = subprocess.run([str(runner), "run", "--out", str(out / "results"), "--cases",
                           str(real_cases_dir), "--divergences", str(real_divergences_dir),
                           *SUBSET],
                          cwd=out, env=dict(os.environ, TMPDIR=str(scratch)),
                          capture_output=True, text=True, timeout=BOUND_S)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = list((out / "results").glob("*.tap"))
    assert len(files) == 1, files
    return files[0]


class Shape:
    """What a results file holds, counted from its lines."""

    def __init__(self, text):
        lines = text.splitlines()
        self.top = [l for l in lines if re.match(r"(not )?ok \d+ - ", l)]
        self.families = [l for l in lines if re.match(r"    (not )?ok \d+ - ", l)]
        self.todo = [l for l in self.top if re.match(r"not ok .* # TODO ", l)]
        self.skip = [l for l in self.top if re.match(r"ok .* # SKIP ", l)]
        self.family_todo = [l for l in self.families if " # TODO " in l]
        self.family_skip = [l for l in self.families if " # SKIP " in l]
        self.family_pass = [l for l in self.families if re.fullmatch(r"    ok \d+ - \w+", l)]
        self.blocks = yaml_blocks(text)


def yaml_blocks(text):
    """Each YAML block as (indent, its lines less the indent, line number of ---)."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        m = re.fullmatch(r"( +)---", lines[i])
        if m:
            indent, start, body = m.group(1), i, []
            i += 1
            while lines[i] != indent + "...":
                assert lines[i].startswith(indent), f"line {i + 1} leaves the YAML block"
                body.append(lines[i][len(indent):])
                i += 1
            blocks.append((len(indent), "\n".join(body), start + 1))
        i += 1
    return blocks


@pytest.fixture(scope="module")
def shape(results_file):
    s = Shape(results_file.read_text())
    # the subset is worth reading: divergences with several sources, skips, passes
    assert s.todo and s.family_todo and s.family_skip and s.family_pass
    assert any("divergence:" in b and len(re.findall(r'^ *(?:- |source: )"https?://', b, re.M)) >= 2
               for _, b, _ in s.blocks)
    return s


# ---- the tools ------------------------------------------------------------------


def need(tool, install):
    path = shutil.which(tool)
    if not path:
        pytest.skip(f"{tool} is not installed ({install})")
    return path


def tappy_argv(path):
    tappy = shutil.which("tappy")
    if tappy:
        return [tappy, str(path)]
    probe = subprocess.run(["/usr/bin/python3", "-c", "import tap.main"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("tappy is not installed (Debian: apt-get install tappy python3-tap)")
    return ["/usr/bin/python3", "-c", "import sys; from tap.main import main; sys.exit(main())",
            str(path)]


# tap-parser's API: strict, every child parser (subtest) watched; what each point
# carried as parsed diagnostics, and every protocol error (result.failures[].tapError).
TAP_PARSER_SCRIPT = r"""
const fs = require('fs')
const { Parser } = require(process.argv[2])
const points = []
function watch(p, depth) {
  p.on('assert', a => points.push({ depth, name: a.name, ok: a.ok, todo: a.todo || false,
                                    skip: a.skip || false, diag: a.diag === undefined ? null : a.diag }))
  p.on('child', c => watch(c, depth + 1))
}
const parser = new Parser({ strict: true })
watch(parser, 0)
parser.on('complete', r => {
  process.stdout.write(JSON.stringify({
    ok: r.ok, count: r.count, todo: r.todo, skip: r.skip, plan: r.plan,
    tapErrors: r.failures.filter(f => f.tapError).map(f => f.tapError + ': ' + JSON.stringify(f.data || '')),
    points }))
})
parser.end(fs.readFileSync(process.argv[1]))
"""


def tap_parser(path):
    node = need("node", "Debian: apt-get install nodejs")
    if not (TAP_PARSER / "package.json").is_file():
        pytest.skip(f"tap-parser is not installed (npm install --prefix build/npm {TAP_PARSER_PIN})")
    proc = subprocess.run([node, "-e", TAP_PARSER_SCRIPT, str(path), str(TAP_PARSER)],
                          capture_output=True, text=True, timeout=BOUND_S)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def unique_key_loader():
    """PyYAML's SafeLoader, less its leniency: a key given twice in a mapping is an error."""
    yaml = pytest.importorskip("yaml", reason="python3-yaml is not installed "
                                              "(Debian: apt-get install python3-yaml)")

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"found the key {key!r} twice", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep)

    return yaml, UniqueKeyLoader


# ---- prove ----------------------------------------------------------------------


def prove_verdict(path):
    prove = need("prove", "Debian: apt-get install perl")
    proc = subprocess.run([prove, "-e", "cat", str(path)], capture_output=True, text=True,
                          timeout=BOUND_S)
    return proc


def test_prove_accepts_it(results_file, shape):
    proc = prove_verdict(results_file)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Result: PASS" in proc.stdout, proc.stdout
    assert "Parse errors" not in proc.stdout, proc.stdout


# ---- tappy ----------------------------------------------------------------------


def tappy_verdict(path):
    proc = subprocess.run(tappy_argv(path), capture_output=True, text=True, timeout=BOUND_S)
    return proc, proc.stdout + proc.stderr


def test_tappy_accepts_it_with_todo_and_skip_intact(results_file, shape):
    proc, out = tappy_verdict(results_file)
    assert proc.returncode == 0, out
    assert "A plan must appear" not in out and "Missing a plan" not in out, out
    # tappy reads the top level (subtests are lines it ignores): one test per case,
    # a TODO "not ok" an expected failure, a SKIP a skip
    assert f"Ran {len(shape.top)} tests" in out, out
    summary = re.search(r"^OK(?: \((.*)\))?$", out, re.M)
    assert summary, out
    counts = dict(re.findall(r"(\w[\w ]*)=(\d+)", summary.group(1) or ""))
    assert int(counts.get("expected failures", 0)) == len(shape.todo), out
    assert int(counts.get("skipped", 0)) == len(shape.skip), out


# ---- tap-parser -------------------------------------------------------------------


def test_tap_parser_strict_accepts_it_and_keeps_every_diagnostic(results_file, shape):
    r = tap_parser(results_file)
    assert r["tapErrors"] == [], r["tapErrors"]
    assert r["ok"] is True
    assert r["count"] == len(shape.top) == r["plan"]["end"]
    assert r["todo"] == len(shape.todo) and r["skip"] == len(shape.skip)
    top = [p for p in r["points"] if p["depth"] == 0]
    families = [p for p in r["points"] if p["depth"] == 1]
    assert len(top) == len(shape.top) and len(families) == len(shape.families)
    assert sum(1 for p in families if p["todo"]) == len(shape.family_todo)
    assert sum(1 for p in families if p["skip"]) == len(shape.family_skip)
    # every YAML block in the file arrives as a point's parsed diagnostics
    with_diag = [p for p in r["points"] if p["diag"] is not None]
    assert len(with_diag) == len(shape.blocks), (len(with_diag), len(shape.blocks))
    diverging = [p["diag"] for p in families if p["todo"] and not p["ok"]]
    assert diverging and all(isinstance(d["sources"], list) and d["sources"] for d in diverging)
    assert any(len(d["sources"]) >= 2 for d in diverging)
    assert all(isinstance(p["diag"]["cites"], list) for p in top if p["diag"])


# ---- YAML, strictly ----------------------------------------------------------------


def test_the_strict_loader_rejects_a_repeated_key():
    """Not vacuous: the loader the next test uses does refuse a key given twice,
    where PyYAML's own keeps the last value without a word."""
    yaml, strict = unique_key_loader()
    text = 'divergence: "d"\nsource: "https://a"\nsource: "https://b"\n'
    assert yaml.load(text, Loader=yaml.SafeLoader)["source"] == "https://b"
    with pytest.raises(yaml.constructor.ConstructorError, match="the key 'source' twice"):
        yaml.load(text, Loader=strict)
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml.load('outer:\n  got: "5"\n  got: "6"\n', Loader=strict)
    assert yaml.load('sources:\n  - "https://a"\n  - "https://b"\n', Loader=strict) == \
        {"sources": ["https://a", "https://b"]}


def strict_yaml_problems(text):
    yaml, strict = unique_key_loader()
    problems, loaded = [], []
    for indent, body, line in yaml_blocks(text):
        try:
            value = yaml.load(body, Loader=strict)
        except yaml.YAMLError as e:
            problems.append(f"line {line}: {e}")
            continue
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            problems.append(f"line {line}: not a mapping of string keys: {value!r}")
        loaded.append((indent, value))
    return problems, loaded


def test_every_yaml_block_parses_with_unique_keys(results_file, shape):
    problems, loaded = strict_yaml_problems(results_file.read_text())
    assert problems == []
    assert len(loaded) == len(shape.blocks)
    top = [v for indent, v in loaded if indent == 2]
    families = [v for indent, v in loaded if indent == 6]
    assert top and families  # the case's blocks and its families' (inside subtests)
    assert all(isinstance(v.get("cites", []), list) for v in top)
    recorded = [v for v in families if "recorded" in v]
    assert recorded and all(isinstance(v["sources"], list) for v in recorded)
    assert not any("source" in v for v in families)


# ---- the committed results files -----------------------------------------------------


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_results_file_is_read_by_every_consumer(path):
    text = path.read_text()
    shape = Shape(text)
    assert text.splitlines()[:2] == ["TAP version 13", f"1..{len(shape.top)}"]
    proc = prove_verdict(path)
    assert proc.returncode == 0 and "Result: PASS" in proc.stdout, proc.stdout
    proc, out = tappy_verdict(path)
    assert proc.returncode == 0, out
    r = tap_parser(path)
    assert r["tapErrors"] == [] and r["ok"] is True, r["tapErrors"]
    assert sum(1 for p in r["points"] if p["diag"] is not None) == len(shape.blocks)
    assert strict_yaml_problems(text)[0] == []


# ---- what a case prints cannot make the file unreadable ---------------------------

AWKWARD_ID = "x.awkward"
# a case that repeats a key, uses the runner's own keys, a YAML boolean as a key,
# and prints bytes that are no UTF-8 and characters YAML may not carry raw
AWKWARD_OUT = (r"# id: x.awkward\n# claim: caf\303\251 \377 claim\n"
               r"# cite: a \342\200\250 cite <https://example.org/c>\n1..3\n"
               r"not ok 1 - inet\n  ---\n  got: \"5\"\n  got: \"\377\302\205\342\200\250x\"\n"
               r"  divergence: \"mine\"\n  sources: \"mine too\"\n  kind: \"mine\"\n  yes: \"1\"\n"
               r"  at: \"x.awkward.c:1\"\n  ...\n"
               r"ok 2 - inet6 # SKIP why \302\205 not here\nok 3 - unix\n")
AWKWARD_RECORD = ("x.awkward\n    on:     fake-*\n    family: inet\n    kind:   divergence\n"
                  "    got:    5\n"
                  "    why:    the fake stack keeps it\n    source: https://example.org/a\n"
                  "    source: https://example.org/b\n")


def every_consumer_reads(path, expect_ok=True):
    """prove, tappy, tap-parser (strict) and the strict YAML loader parse the file
    without a protocol error; with expect_ok, each also finds the run green."""
    text = path.read_bytes().decode("utf-8")  # strict: one bad byte fails here
    shape = Shape(text)
    proc = prove_verdict(path)
    assert "Parse errors" not in proc.stdout, proc.stdout
    assert (proc.returncode == 0) == expect_ok, proc.stdout
    proc, out = tappy_verdict(path)
    assert "Traceback" not in out and "A plan must" not in out, out
    assert re.search(rf"^Ran {len(shape.top)} tests? ", out, re.M), out
    assert (proc.returncode == 0) == expect_ok, out
    r = tap_parser(path)
    assert r["tapErrors"] == [], r["tapErrors"]
    assert r["ok"] is expect_ok
    assert sum(1 for p in r["points"] if p["diag"] is not None) == len(shape.blocks)
    problems, loaded = strict_yaml_problems(text)
    assert problems == []
    return loaded, r


def test_awkward_case_output_still_makes_a_file_every_consumer_reads(sockconf, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    script = cases / AWKWARD_ID
    script.write_text(f'#!/bin/sh\nprintf "{AWKWARD_OUT}"\n'
                      f'[ "$1" = --describe ] && exit 0\nexit 1\n')
    script.chmod(0o755)
    divs = tmp_path / "divergences"
    divs.mkdir()
    (divs / "fake.txt").write_text(AWKWARD_RECORD)
    out = tmp_path / "results"
    r = sockconf("run", "--out", out, "--label", "fake-1.0-native", "--cases", cases,
                 "--divergences", divs)
    assert r.status == 0, r
    path, = out.glob("*.tap")
    loaded, parsed = every_consumer_reads(path)
    family = next(v for indent, v in loaded if indent == 6)
    # every value kept, under keys of its own; the record's after the case's
    assert list(family) == ["got", "got_2", "divergence_2", "sources_2", "kind_2", "_yes", "at",
                            "kind", "divergence", "sources", "recorded"], family
    assert family["kind"] == "divergence" and family["kind_2"] == "mine"
    assert family["got_2"] == "\u00ff\u0085\u2028x"  # the bad byte as U+00FF, the rest as printed
    assert family["sources"] == ["https://example.org/a", "https://example.org/b"]
    assert family["divergence_2"] == "mine"
    text = path.read_text()
    assert "    # claim: caf\u00e9 ? claim" in text.splitlines()
    assert "    ok 2 - inet6 # SKIP why ? not here" in text.splitlines()
    # and the runner reads back what it wrote
    assert sockconf("diff", path, path).status == 0
    assert sockconf("matrix", "--results", out, "--cases", cases).status == 0


def test_a_crash_with_binary_stderr_is_a_failure_every_consumer_parses(sockconf, tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    script = cases / "x.crashes"
    script.write_text('#!/bin/sh\n[ "$1" = --describe ] && { printf "# id: x.crashes\\n"; exit 0; }\n'
                      'printf "# id: x.crashes\\n1..3\\nok 1 - inet\\n"\n'
                      'printf "\\377\\376 boom \\302\\205 \\342\\200\\251\\n" >&2\nkill -SEGV $$\n')
    script.chmod(0o755)
    divs = tmp_path / "divergences"
    divs.mkdir()
    out = tmp_path / "results"
    r = sockconf("run", "--out", out, "--label", "fake-1.0-native", "--cases", cases,
                 "--divergences", divs)
    assert r.status == 1, r
    path, = out.glob("*.tap")
    loaded, parsed = every_consumer_reads(path, expect_ok=False)
    case = next(v for indent, v in loaded if indent == 2)
    assert case["signal"] == "SIGSEGV (11)" and "boom" in case["stderr"], case
    assert parsed["count"] == 1 and not parsed["points"][-1]["ok"]
