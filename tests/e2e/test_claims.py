"""tests/claims-check.sh: no two cases accept different outcomes of one state.

The check reads each case's --describe ("# asserts: STATE = OUTCOMES",
lib/case_main.c).  Here it runs on the real cases (which must agree) and on
fake ones that contradict each other as rst.data_after_close and
rst.write_to_closed_peer once did (ECONNRESET against EPIPE, one state).
"""

import subprocess

from conftest import REPO

SCRIPT = REPO / "tests" / "claims-check.sh"
HEADER = REPO / "lib" / "shared_states.h"
AFTER_RST = "send() after an RST that arrived in CLOSE_WAIT"  # SC_STATE_SEND_AFTER_RST_IN_CLOSE_WAIT


def claims_check(cases_dir):
    return subprocess.run(["sh", str(SCRIPT), str(cases_dir), str(HEADER)],
                          capture_output=True, text=True, timeout=60)


def add_asserting(fake, name, *asserts):
    """A fake case whose --describe asserts (state, outcomes) pairs."""
    lines = "".join(f'echo "# asserts: {state} = {outcomes}"\n' for state, outcomes in asserts)
    return fake.add_script(name, f'echo "# id: {name}"\necho "# claim: c"\n{lines}')


def test_the_real_cases_agree_on_every_shared_state(real_cases_dir):
    r = claims_check(real_cases_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "each with one set of outcomes" in r.stdout


def test_the_real_pair_declares_the_documented_set(real_cases_dir):
    for case in ("rst.data_after_close", "rst.write_to_closed_peer"):
        described = subprocess.run([str(real_cases_dir / case), "--describe"],
                                   capture_output=True, text=True, timeout=10).stdout
        assert f"# asserts: {AFTER_RST} = EPIPE|ECONNRESET\n" in described


def test_the_old_contradictory_pair_fails(fake_cases):
    fake = fake_cases()
    add_asserting(fake, "rst.data_after_close", (AFTER_RST, "ECONNRESET"))
    add_asserting(fake, "rst.write_to_closed_peer", (AFTER_RST, "EPIPE"))
    r = claims_check(fake.dir)
    assert r.returncode == 1, r.stdout
    assert f'"{AFTER_RST}": the cases accept different outcomes' in r.stdout
    assert "no stack can pass them all" in r.stdout
    assert "rst.data_after_close: ECONNRESET" in r.stdout
    assert "rst.write_to_closed_peer: EPIPE" in r.stdout


def test_a_laxer_case_fails_too_and_is_told_apart(fake_cases):
    fake = fake_cases()
    add_asserting(fake, "a.strict", (AFTER_RST, "EPIPE"))
    add_asserting(fake, "b.lax", (AFTER_RST, "EPIPE|ECONNRESET"))
    r = claims_check(fake.dir)
    assert r.returncode == 1, r.stdout
    assert "only EPIPE satisfies them all" in r.stdout


def test_one_set_in_any_order_passes(fake_cases):
    fake = fake_cases()
    add_asserting(fake, "a.one", (AFTER_RST, "EPIPE|ECONNRESET"))
    add_asserting(fake, "b.two", (AFTER_RST, "ECONNRESET|EPIPE"),
                  ("recv() after the peer's FIN, nothing unread", "0"))
    r = claims_check(fake.dir)
    assert r.returncode == 0, r.stdout
    assert "2 cases, 2 states asserted, 1 of them by more than one case" in r.stdout


def test_a_state_the_header_does_not_name_fails(fake_cases):
    """A misspelt state would compare with nothing: it is refused."""
    fake = fake_cases()
    add_asserting(fake, "a.one", ("send() after an RST in CLOSE_WAIT", "EPIPE"))
    r = claims_check(fake.dir)
    assert r.returncode == 1
    assert "not a state of the states header" in r.stdout


def test_a_case_whose_describe_fails_fails_the_check(fake_cases):
    fake = fake_cases()
    fake.add_script("a.broken", "echo oops >&2\nexit 3\n")
    r = claims_check(fake.dir)
    assert r.returncode == 1
    assert "a.broken --describe failed: oops" in r.stdout


def test_usage(tmp_path):
    r = subprocess.run(["sh", str(SCRIPT), str(tmp_path / "missing")], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 2 and r.stderr.startswith("usage: ")
