#!/bin/sh
# Bad invocations of a sanitized runner exit 2, as any runner does, and leave
# nothing allocated: LeakSanitizer would report it and turn the 2 into a 1.
#   tests/sanitize-errors.sh SOCKCONF CASES_DIR
set -u
sockconf=$1 cases=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bad" "$tmp/conflict" "$tmp/every"
printf 'rst.linger0_econnreset\n    on: linux-*\n    colour: red\n' >"$tmp/bad/a.txt"
for f in a b; do
	printf 'rst.linger0_econnreset\n    on: linux-*\n    kind: divergence\n    why: w\n    source: s\n' \
		>"$tmp/conflict/$f.txt"
done
printf 'rst.linger0_econnreset\n    on: *\n    kind: divergence\n    why: w\n    source: s\n' >"$tmp/every/a.txt"
nl='
'
failed=0 n=0
check() { # what it is, then the arguments
	what=$1
	shift
	n=$((n + 1))
	ASAN_OPTIONS=detect_leaks=1 "$sockconf" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ $status != 2 ] || grep -q Sanitizer "$tmp/err"; then
		echo "sanitize: $what: exit $status (expected 2, and no sanitizer report)"
		sed 's/^/    /' "$tmp/err" | head -20
		failed=1
	fi
}
check "an unknown option" run --frobnicate
check "a label with a newline" run --no-out --cases "$cases" --label "a${nl}b"
check "a missing cases directory" run --no-out --cases "$tmp/nowhere"
check "an unknown filter" run --no-out --cases "$cases" no.such_case
check "an unknown filter (list)" list --cases "$cases" no.such_case
check "a malformed record" run --no-out --cases "$cases" --divergences "$tmp/bad"
check "conflicting records" run --no-out --cases "$cases" --divergences "$tmp/conflict"
check "a record on every platform" run --no-out --cases "$cases" --divergences "$tmp/every"
check "a missing divergences directory" run --no-out --cases "$cases" --divergences "$tmp/nowhere"
check "diff of missing files" diff "$tmp/a.tap" "$tmp/b.tap"
[ $failed = 0 ] && echo "sanitize: $n bad invocations exit 2 with no leak"
exit $failed
