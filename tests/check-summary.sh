#!/bin/sh
# The last line of `make check`: whether every part ran.
#   sh tests/check-summary.sh SKIPS_FILE
set -u
skips=${1:?usage: check-summary.sh SKIPS_FILE}
if [ ! -s "$skips" ]; then
	echo "make check: complete: every part ran"
	exit 0
fi
n=$(wc -l <"$skips" | tr -d ' ')
host=$(grep -c ': host: ' "$skips")
echo "make check: $n skipped:"
sed 's/^/  skipped: /' "$skips"
if [ "$host" = "$n" ]; then
	echo "make check: passed; $n test(s) above cannot run on this host (no package lifts that)"
else
	echo "make check: PARTIAL: passed what ran; $n part(s) and test(s) above did not run"
fi
