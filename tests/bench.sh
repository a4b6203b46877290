#!/bin/sh
# bench.sh RUNNER CASES_DIR [ROUNDS]: wall time of a whole run (median of
# ROUNDS, default 5) and each case's median wall time, slowest first.
set -eu
runner=$1 cases=$2 rounds=${3:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	start=$(date +%s%N)
	"$runner" run --no-out --times --cases "$cases" --divergences cases/divergences >"$out/run.$i" || true
	end=$(date +%s%N)
	echo $(((end - start) / 1000)) >>"$out/wall"
	grep '^# time ' "$out/run.$i" >>"$out/times"
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

wall=$(median <"$out/wall")
ncases=$(grep -c '^# time ' "$out/run.1")
printf 'sockconf bench: %d cases, %d rounds, -j %s\n' "$ncases" "$rounds" "$(nproc 2>/dev/null || echo '?')"
printf 'whole run: median %s ms (each round: %s ms)\n' "$(echo "$wall" | awk '{ printf "%.1f", $1 / 1000 }')" \
	"$(awk '{ printf "%s%.1f", (NR > 1 ? " " : ""), $1 / 1000 }' "$out/wall")"
echo 'per case (median ms):'
for id in $(awk '{ print $3 }' "$out/times" | sort -u); do
	printf '%s %s\n' "$(awk -v id="$id" '$3 == id { print $4 }' "$out/times" | median)" "$id"
done | sort -rn | awk '{ printf "  %8.2f  %s\n", $1, $2 }'
printf 'case median of medians: %s ms\n' "$(for id in $(awk '{ print $3 }' "$out/times" | sort -u); do
	awk -v id="$id" '$3 == id { print $4 }' "$out/times" | median
done | median)"
# "# time ID MS ms, N quiet windows Q ms" from the first round
awk '$2 == "time" && $6 > 0 { n += $6; q += $9; c++ } END { printf "negative windows: %d in %d cases, %d ms in all\n", n, c, q }' "$out/run.1"
