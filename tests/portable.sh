#!/bin/sh
# make portable: the builds that stand in, on this Linux machine, for the
# BSDs and macOS, which are covered by construction and by CI, not run here.
#
#   sh tests/portable.sh MAKE BUILD
#
#   BUILD-clang  lib, runner and every case with clang -std=c11 -Werror
#   BUILD-posix  the same with POSIX.1-2008's names only in every file but
#                the platform halves (POSIX_STRICT=1: -D_POSIX_C_SOURCE=200809L
#                instead of _DEFAULT_SOURCE/_GNU_SOURCE); built, not run (with
#                strict names glibc hides POLLRDHUP from the cases)
#   BUILD-musl   the same with musl libc (musl-gcc), then a whole run of its
#                cases, which must end as the suite's own run does (exit 0)
#
# Each build's log is BUILD-NAME.log.  A missing compiler goes through
# tests/part-skipped.sh (a failure unless PARTIAL=1).
set -u
make=${1:?usage: portable.sh MAKE BUILD}
build=${2:?usage: portable.sh MAKE BUILD}
failed=0

# milliseconds since the epoch, where date can say (GNU), else seconds' worth
now_ms() {
	t=$(date +%s%N 2>/dev/null)
	case $t in
	*[!0-9]* | "") echo $(($(date +%s) * 1000)) ;;
	*) echo $((t / 1000000)) ;;
	esac
}

# build_into NAME WHAT MAKE-ARGS...: make all into BUILD-NAME, say how long it took
build_into() {
	name=$1 what=$2
	shift 2
	dir=$build-$name
	log=$dir.log
	start=$(now_ms)
	if $make --no-print-directory BUILD="$dir" "$@" all >"$log" 2>&1; then
		ms=$(($(now_ms) - start))
		ncases=$(find "$dir/cases" -type f | wc -l | tr -d ' ')
		printf 'portable: %s: lib, runner and %s cases built (%s) in %d.%d s\n' \
			"$name" "$ncases" "$what" $((ms / 1000)) $((ms % 1000 / 100))
		return 0
	fi
	echo "portable: $name: the build failed ($what); the end of $log:"
	tail -20 "$log" | sed 's/^/    /'
	failed=1
	return 1
}

# have COMPILER PART-REASON: the compiler is here, or the part says why not
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	sh tests/part-skipped.sh portable "$2" || exit 1
	return 1
}

if have clang "clang is not installed (Debian: apt-get install clang)"; then
	build_into clang "clang -std=c11 -Werror" CC=clang
fi

build_into posix "-D_POSIX_C_SOURCE=200809L outside the platform halves" POSIX_STRICT=1

if have musl-gcc "musl-gcc is not installed (Debian: apt-get install musl-tools)" &&
	build_into musl "musl-gcc" CC=musl-gcc; then
	dir=$build-musl
	log=$dir-run.log
	if ! grep -q ld-musl "$dir/sockconf"; then
		echo "portable: musl: $dir/sockconf is not linked against musl"
		failed=1
	else
		start=$(now_ms)
		"$dir/sockconf" run --no-out --cases "$dir/cases" --divergences cases/divergences >"$log" 2>&1
		rc=$?
		ms=$(($(now_ms) - start))
		summary=$(grep '^# .* conform' "$log" | tail -1)
		printf 'portable: musl: whole run in %d.%d s, exit %d: %s\n' \
			$((ms / 1000)) $((ms % 1000 / 100)) "$rc" "${summary:-(no summary line; see $log)}"
		if [ "$rc" != 0 ]; then
			grep '^not ok' "$log" | grep -v '# TODO' | sed 's/^/    /'
			failed=1
		fi
	fi
fi

exit $failed
