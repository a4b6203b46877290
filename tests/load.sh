#!/bin/sh
# load.sh RUNNER CASES_DIR [ROUNDS]: the whole suite ROUNDS times (default 50)
# while stress-ng keeps both cores busy; prints the runner's verdict-change
# count (the flakes), which must be 0.  stress-ng stops on its own timeout
# and is killed when the run ends, whichever comes first.
set -eu
runner=$1 cases=$2 rounds=${3:-50}
command -v stress-ng >/dev/null 2>&1 || {
	echo "load: stress-ng is not installed (Debian: apt-get install stress-ng)"
	exit 2
}
out=$(mktemp -d)
stress-ng --cpu "$(nproc)" --timeout 900s --quiet &
stress=$!
trap 'kill $stress 2>/dev/null; wait $stress 2>/dev/null; rm -rf "$out"' EXIT
start=$(date +%s)
status=0
"$runner" run --no-out --repeat "$rounds" --cases "$cases" --divergences cases/divergences >"$out/run" || status=$?
end=$(date +%s)
grep -E '^# (repeat|unstable):' "$out/run" || true
grep -E '^# [0-9]+ conform' "$out/run" | tail -1
echo "load: $rounds rounds under stress-ng --cpu $(nproc) in $((end - start)) s, runner exit $status"
exit $status
