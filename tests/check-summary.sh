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
echo "make check: PARTIAL: $n skipped:"
sed 's/^/  skipped: /' "$skips"
echo "make check: PARTIAL: passed what ran; $n part(s) above did not run"
