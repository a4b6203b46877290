#!/bin/sh
# claims-check.sh CASES_DIR [STATES_HEADER]: no two cases accept different
# outcomes of one state.
#
# A case that asserts the outcome of a state other cases assert too says so
# in its .asserts, and --describe prints each as "# asserts: STATE =
# OUTCOMES" (lib/case_main.c).  Every STATE must be one of the names in
# STATES_HEADER (default lib/shared_states.h: a misspelt state would compare
# with nothing), and every case naming a state must accept the same set of
# outcomes there ("EPIPE|ECONNRESET" and "ECONNRESET|EPIPE" are one set).
# Exit 0 when so, 1 when not (each disagreement named, with each case's
# set, and whether any stack could pass them all), 2 on bad usage.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ ! -d "$1" ]; then
	echo "usage: claims-check.sh CASES_DIR [STATES_HEADER]" >&2
	exit 2
fi
cases=$1
header=${2:-lib/shared_states.h}
if [ ! -r "$header" ]; then
	echo "claims-check: cannot read $header" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The state names: the string each "#define SC_STATE_..." stands for (on its line or the next).
awk '
	/^#define SC_STATE_/ { want = 1 }
	want && /"/ { s = $0; sub(/^[^"]*"/, "", s); sub(/"[^"]*$/, "", s); print s; want = 0 }
' "$header" >"$work/states"

# One line per assertion: case <TAB> state <TAB> outcomes
ncases=0
for prog in "$cases"/*; do
	[ -f "$prog" ] && [ -x "$prog" ] || continue
	ncases=$((ncases + 1))
	if ! "$prog" --describe >"$work/describe" 2>"$work/err"; then
		echo "claims-check: $prog --describe failed: $(head -1 "$work/err")"
		exit 1
	fi
	awk -v prog="${prog##*/}" '
		/^# id: / { id = substr($0, 7) }
		/^# asserts: / {
			a = substr($0, 12)
			at = 0  # the last " = ": a state name may hold one, outcomes never do
			for (i = 1; i + 2 <= length(a); i++)
				if (substr(a, i, 3) == " = ")
					at = i
			if (!at) { printf "%s\t%s\t\n", (id ? id : prog), a; next }
			printf "%s\t%s\t%s\n", (id ? id : prog), substr(a, 1, at - 1), substr(a, at + 3)
		}
	' "$work/describe" >>"$work/asserts"
done
: >>"$work/asserts"

awk -F '\t' -v ncases="$ncases" '
	# "EPIPE|ECONNRESET" and "ECONNRESET|EPIPE" as one set: sorted, duplicates gone
	function canonical(s,    n, v, i, j, t, out) {
		n = split(s, v, "|")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		out = ""
		for (i = 1; i <= n; i++)
			if (v[i] != "" && (i == 1 || v[i] != v[i - 1]))
				out = out (out == "" ? "" : "|") v[i]
		return out
	}
	FILENAME == ARGV[1] { known[$0] = 1; next }
	{
		id = $1; state = $2; set = canonical($3)
		if (!(state in known)) {
			printf "claims-check: %s asserts \"%s\", which is not a state of the states header (a misspelt state compares with nothing)\n", id, state
			bad = 1
			next
		}
		if (set == "") {
			printf "claims-check: %s asserts \"%s\" with no outcomes (write \"# asserts: STATE = OUTCOMES\")\n", id, state
			bad = 1
			next
		}
		if (!(state in first)) { first[state] = set; order[++nstates] = state }
		if (!((state, set) in seen)) { seen[state, set] = 1; nsets[state]++ }
		who[state] = who[state] "\n    " id ": " set
		ncase[state]++
		sets[state] = sets[state] "\t" set
	}
	END {
		shared = 0
		for (k = 1; k <= nstates; k++) {
			state = order[k]
			if (ncase[state] > 1)
				shared++
			if (nsets[state] < 2)
				continue
			# could one outcome satisfy every case? (an outcome every set holds)
			n = split(substr(sets[state], 2), list, "\t")
			m = split(list[1], cand, "|")
			common = ""
			for (i = 1; i <= m; i++) {
				inall = 1
				for (j = 2; j <= n && inall; j++)
					if (index("|" list[j] "|", "|" cand[i] "|") == 0)
						inall = 0
				if (inall)
					common = common (common == "" ? "" : "|") cand[i]
			}
			printf "claims-check: \"%s\": the cases accept different outcomes (%s)%s\n", state,
			       common == "" ? "no outcome satisfies them all: no stack can pass them all" \
			                    : "only " common " satisfies them all: one case is laxer than another",
			       who[state]
			bad = 1
		}
		if (bad)
			exit 1
		printf "claims-check: %d cases, %d states asserted, %d of them by more than one case, each with one set of outcomes\n",
		       ncases, nstates, shared
	}
' "$work/states" "$work/asserts"
