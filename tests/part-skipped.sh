#!/bin/sh
# A part of `make check` that cannot run here says so through this script:
#   sh tests/part-skipped.sh PART "REASON (Debian: apt-get install PKG)"
# Without PARTIAL=1 that is a failure (exit 1): a green check runs everything.
# With PARTIAL=1 the part is recorded in $CHECK_SKIPS and `make check` names
# every recorded part at its end (tests/check-summary.sh).
set -u
part=${1:?usage: part-skipped.sh PART REASON}
reason=${2:?usage: part-skipped.sh PART REASON}
if [ "${PARTIAL:-0}" = 1 ]; then
	echo "$part: skipped: $reason"
	[ -n "${CHECK_SKIPS:-}" ] && printf '%s: %s\n' "$part" "$reason" >>"$CHECK_SKIPS"
	exit 0
fi
echo "$part: cannot run: $reason"
echo "$part: make check runs every part; 'make check PARTIAL=1' runs the rest and names what it skipped"
exit 1
