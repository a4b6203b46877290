#!/bin/sh
# readme-table.sh RUNNER CASES_DIR [--check]: the behaviour table in README.md
# is generated from the cases themselves (sockconf list --markdown), between
# the two marker lines.  With --check, only report whether it is up to date.
set -eu
runner=$1 cases=$2 mode=${3:-}
new=$(mktemp)
trap 'rm -f "$new" "$new.table"' EXIT
"$runner" list --markdown --cases "$cases" >"$new.table"
awk -v table="$new.table" '
	/^<!-- behaviours:start/ { print; while ((getline line < table) > 0) print line; skipping = 1; next }
	/^<!-- behaviours:end/ { skipping = 0 }
	!skipping { print }
' README.md >"$new"
if [ "$mode" = --check ]; then
	if ! cmp -s "$new" README.md; then
		echo "README.md: the behaviour table is out of date with cases/ (run: make readme)"
		exit 1
	fi
	echo "README.md: the behaviour table matches cases/"
else
	cp "$new" README.md
fi
