"""The points of a run's TAP as sockconf prints it, for the scripts that
compare runs (tests/mutants/table.py, tests/link_proof.py)."""
import re

POINT = re.compile(r"^(\s*)(not ok|ok) \d+ - (\S+)(?: # (TODO|SKIP)(?: (.*))?)?")


def run_points(tap):
    """Yields (key, case, name, status, directive, reason) for each point in
    order: key is "CASE/FAMILY" for a family's point, the case id for a
    case's own; directive and reason are "" where there are none, and a
    family's "not ok" has its YAML message as its reason."""
    case = None
    lines = tap.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("# Subtest: "):
            case = line.split()[2]
            continue
        m = POINT.match(line)
        if not m:
            continue
        indent, status, name, directive, reason = m.groups()
        if status == "not ok" and indent and not reason:
            reason = next((l.strip()[len("message: "):] for l in lines[i + 1:i + 4]
                           if l.strip().startswith("message: ")), "")
        key = f"{case}/{name}" if indent else name
        yield key, case if indent else None, name, status, directive or "", reason or ""
