#!/bin/sh
# bench.sh RUNNER CASES_DIR BENCH_DIR OUT [ROUNDS]: issue 14's figures, printed
# and written to OUT (a file CI keeps).  A benchmark, not a timed test: it
# exits 0 unless a run fails (exit 2 or more, a target that is not installed
# aside).  BENCH_DIR holds synthetic_case and runner_usage.so (tests/bench/).
#   - the whole catalogue's wall time, median of ROUNDS (default 5), at the
#     default -j and at -j 2, and its slowest cases
#   - the median time of a capturing case and of a non-capturing one
#     (capturing: its source calls wire_watch or open_watched_connection)
#   - the runner's own memory per catalogued case and CPU time per case, over
#     1,000 synthetic cases (getrusage of the runner alone: runner_usage.c)
#   - each target's whole run (BENCH_TARGETS, BENCH_TARGET_ROUNDS runs each,
#     default 1) and its ratio to native
set -u
runner=$1 cases=$2 bench=$3 out_file=$4 rounds=${5:-5}
targets=${BENCH_TARGETS:-native lwip lwip-linux wine gvisor uml qemu agent}
agent_bin=$(dirname "$1")/agent/sockconf-agent # the kernel agent (lib/agent/, port_posix)
agent_copies=${BENCH_AGENT_COPIES:-4}
target_rounds=${BENCH_TARGET_ROUNDS:-1}
synthetic=1000 synthetic_base=100 synthetic_rounds=3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$(dirname "$out_file")" && : >"$out_file" || exit 2
failed=0

say() { printf "$@" | tee -a "$out_file"; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now_us() { echo $(($(date +%s%N) / 1000)); }
# a run: its wall time in us on stdout; its TAP in $tmp/last.out, stderr in $tmp/last.err
timed() {
	t0=$(now_us)
	"$@" >"$tmp/last.out" 2>"$tmp/last.err"
	status=$?
	t1=$(now_us)
	echo $((t1 - t0))
	return $status
}
# a run's start in us, from its stderr on stdin and its wall time in us: the runner's
# "(S s of it starting the target)", or wall minus a guest's own "N cases in T s"
start_us() {
	awk -v wall="$1" '
		/^sockconf: [0-9]+ cases? in / && match($0, /\(([0-9.]+) s of it starting/) {
			s = substr($0, RSTART + 1); sub(/ s of it.*/, "", s); start = s * 1e6; found = 1 }
		/^sockconf: [0-9]+ cases? in [0-9.]+ s:/ && !found { t = $0; sub(/.* in /, "", t); sub(/ s:.*/, "", t)
			start = wall - t * 1e6; found = 1 }
		END { print found ? start : 0 }'
}
ran_ok() { # status what: 0 and 1 are verdicts; more is a failed run
	if [ "$1" -ge 2 ]; then
		echo "bench: $2 failed (exit $1):" >&2
		head -5 "$tmp/last.err" >&2
		failed=1
		return 1
	fi
}

say 'sockconf bench, %s, %s CPUs, load %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	"$(nproc 2>/dev/null || echo '?')" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---- 1. the native catalogue --------------------------------------------------------------
run_native() { timed "$runner" run --no-out --times --cases "$cases" --divergences cases/divergences "$@"; }
wall=$(run_native) || ran_ok $? "the warm-up run" # the schedule reads the last run's times
ncases=$(grep -c '^# time ' "$tmp/last.out")
for jobs in default 2; do
	: >"$tmp/wall.$jobs"
	i=0
	while [ "$i" -lt "$rounds" ]; do
		i=$((i + 1))
		if [ "$jobs" = default ]; then wall=$(run_native); else wall=$(run_native -j 2); fi
		ran_ok $? "the native run (-j $jobs)" || continue
		echo "$wall" >>"$tmp/wall.$jobs"
		[ "$jobs" = default ] && grep '^# time ' "$tmp/last.out" >>"$tmp/times"
	done
done
native_us=$(median <"$tmp/wall.default")
say 'whole catalogue (%d cases), median of %d: default -j %.3f s (goal <= 1.2 s), -j 2 %.3f s\n' \
	"$ncases" "$rounds" "$(echo "$native_us" | awk '{ print $1 / 1e6 }')" \
	"$(median <"$tmp/wall.2" | awk '{ print $1 / 1e6 }')"
say '  each round, default -j: %s s; -j 2: %s s\n' \
	"$(awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $1 / 1e6 }' "$tmp/wall.default")" \
	"$(awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $1 / 1e6 }' "$tmp/wall.2")"
# "# time ID MS ms, ...": each case's median over the rounds
for id in $(awk '{ print $3 }' "$tmp/times" | sort -u); do
	printf '%s %s\n' "$(awk -v id="$id" '$3 == id { print $4 }' "$tmp/times" | median)" "$id"
done | sort -rn >"$tmp/per_case"
say '  slowest cases (median ms): %s\n' "$(head -6 "$tmp/per_case" | awk '{ printf "%s%s %.0f", (NR > 1 ? ", " : ""), $2, $1 }')"

# ---- 2. a capturing case, a non-capturing one -------------------------------------------------
grep -l 'wire_watch\|open_watched_connection' cases/*.c 2>/dev/null | sed 's|.*/||; s|\.c$||' | sort >"$tmp/capturing"
awk 'NR == FNR { cap[$1] = 1; next } ($2 in cap) { print $1 }' "$tmp/capturing" "$tmp/per_case" >"$tmp/cap_ms"
awk 'NR == FNR { cap[$1] = 1; next } !($2 in cap) { print $1 }' "$tmp/capturing" "$tmp/per_case" >"$tmp/nocap_ms"
cap=$(median <"$tmp/cap_ms") nocap=$(median <"$tmp/nocap_ms")
say 'capturing case: median %.1f ms (%d cases; goal <= 10 ms); non-capturing: %.1f ms (%d cases); ratio %.1f\n' \
	"$cap" "$(wc -l <"$tmp/cap_ms")" "$nocap" "$(wc -l <"$tmp/nocap_ms")" \
	"$(awk -v a="$cap" -v b="$nocap" 'BEGIN { print (b > 0 ? a / b : 0) }')"

# ---- 3. the runner's own cost, over synthetic cases --------------------------------------------
mkdir "$tmp/divergences"
for n in $synthetic_base $synthetic; do
	dir="$tmp/synthetic.$n"
	mkdir "$dir"
	i=0
	while [ "$i" -lt "$n" ]; do
		ln "$bench/synthetic_case" "$dir/$(printf 'bench.c%04d' "$i")" 2>/dev/null ||
			cp "$bench/synthetic_case" "$dir/$(printf 'bench.c%04d' "$i")"
		i=$((i + 1))
	done
	: >"$tmp/usage.$n"
	i=0
	while [ "$i" -le "$synthetic_rounds" ]; do # round 0: the times file is written
		wall=$(timed env LD_PRELOAD="$bench/runner_usage.so" SOCKCONF_BENCH_USAGE="$tmp/usage.$n.raw" \
			"$runner" run --no-out --cases "$dir" --divergences "$tmp/divergences")
		ran_ok $? "$n synthetic cases" && [ "$i" -gt 0 ] && tail -1 "$tmp/usage.$n.raw" |
			awk -v w="$wall" '{ print $1 + $2, $3, w / 1000 }' >>"$tmp/usage.$n"
		i=$((i + 1))
	done
done
cpu=$(awk '{ print $1 }' "$tmp/usage.$synthetic" | median)
rss=$(awk '{ print $2 }' "$tmp/usage.$synthetic" | median)
rss_base=$(awk '{ print $2 }' "$tmp/usage.$synthetic_base" | median)
swall=$(awk '{ print $3 }' "$tmp/usage.$synthetic" | median)
say 'runner per case, %d synthetic cases (median of %d): %.2f ms CPU (goal <= 1.5 ms), %.1f KB memory (goal <= 16 KB)\n' \
	"$synthetic" "$synthetic_rounds" "$(awk -v c="$cpu" -v n="$synthetic" 'BEGIN { print c / n }')" \
	"$(awk -v a="$rss" -v b="$rss_base" -v n="$synthetic" -v m="$synthetic_base" 'BEGIN { print (a - b) / (n - m) }')"
say '  runner CPU %.0f ms in all, peak RSS %d KB (%d KB at %d cases), wall %.2f s\n' \
	"$cpu" "$rss" "$rss_base" "$synthetic_base" "$(awk -v w="$swall" 'BEGIN { print w / 1000 }')"

# ---- 4. each target ----------------------------------------------------------------------------
# start: what the target costs once a run (a boot, a sandbox, wineserver and a prefix clone);
# the runner's closing line says it, or, from a guest, gives the run inside: the rest is the start
say 'target      whole run   x native   start    cases   cases x native (goal <= 1.5)\n'
for t in $targets; do
	: >"$tmp/target"
	echo 0 >"$tmp/target.start"
	why=""
	i=0
	while [ "$i" -lt "$target_rounds" ]; do
		i=$((i + 1))
		if [ "$t" = native ]; then
			cat "$tmp/wall.default" >"$tmp/target" # measured above
			break
		fi
		case $t in
		wine) wall=$(timed "$runner" run --no-out --target wine --divergences cases/divergences) ;;
		agent) # the kernel agent over loopback, -j copies of it (one session each)
			wall=$(timed "$runner" run --no-out --target "agent:exec:$agent_bin" -j "$agent_copies" \
				--cases "$cases" --divergences cases/divergences) ;;
		*) wall=$(timed "$runner" run --no-out --target "$t" --cases "$cases" --divergences cases/divergences) ;;
		esac
		status=$?
		# what is not here is no failure: the runner's words for it
		missing='not installed\|built without\|no kernel\|make windows'
		if [ "$status" -ge 2 ] && grep -q "$missing" "$tmp/last.err"; then
			why=$(grep -m1 "$missing" "$tmp/last.err" | sed 's/^sockconf: //')
			break
		fi
		ran_ok "$status" "--target $t" || { why="failed (exit $status)"; break; }
		echo "$wall" >>"$tmp/target"
		start_us "$wall" <"$tmp/last.err" >>"$tmp/target.start"
	done
	if [ -n "$why" ]; then
		say '%-10s  -           -         (%s)\n' "$t" "$why"
	else
		us=$(median <"$tmp/target")
		[ "$t" = native ] || sed -i 1d "$tmp/target.start" # the 0 was for native
		st=$(median <"$tmp/target.start")
		say '%-10s  %7.2f s   %5.2f   %6.2f s %6.2f s   %5.2f\n' "$t" "$(echo "$us" | awk '{ print $1 / 1e6 }')" \
			"$(awk -v a="$us" -v b="$native_us" 'BEGIN { print a / b }')" \
			"$(awk -v a="$st" 'BEGIN { print a / 1e6 }')" "$(awk -v a="$us" -v b="$st" 'BEGIN { print (a - b) / 1e6 }')" \
			"$(awk -v a="$us" -v s="$st" -v b="$native_us" 'BEGIN { print (a - s) / b }')"
	fi
done
# ---- 5. the agent's round trip: a request that waits for nothing, over its stdin and stdout ----
if [ -x "$agent_bin" ]; then
	SOCKCONF_AGENT_TRACE="$tmp/trace" "$runner" run --no-out --target "agent:exec:$agent_bin" \
		--cases "$cases" --divergences cases/divergences fin shutwr >/dev/null 2>&1
	# the trace: "MS > ID OP ..." sent, "MS < ID = ..." answered; calls that may wait are left out
	awk '$2 == ">" && $4 ~ /^(socket|nonblock|getsockname|getpeername|setsockopt|getsockopt|shutdown|state|unacked)$/ { sent[$3] = $1 }
	     $2 == "<" && ($3 in sent) { print ($1 - sent[$3]) * 1000; delete sent[$3] }' "$tmp/trace" >"$tmp/rtt"
	say 'agent round trip (kernel agent, exec pipe, %d requests): median %.0f us (goal <= 200 us)\n' \
		"$(wc -l <"$tmp/rtt")" "$(median <"$tmp/rtt")"
fi
say '(written to %s)\n' "$out_file"
exit $failed
