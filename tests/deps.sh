#!/bin/sh
# Installs what the project's own tests need, from the one list tests/packages.txt.
#   sh tests/deps.sh [PART...]     only those parts' packages (default: all)
# On Debian as root, what is missing is installed (deb with apt-get, npm into
# build/npm).  Elsewhere one line names what is missing and the script fails,
# unless PARTIAL=1: then each part of make check that lacks its tool says so.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
list="$here/packages.txt"
npm_dir="$top/build/npm"

wanted() { # KIND: the NAMEs of that kind in the selected parts
	awk -v kind="$1" -v parts=" $PARTS " '
		/^[ \t]*(#|$)/ { next }
		$1 == kind && (parts == "  " || index(parts, " " $3 " ")) { print $2 }' "$list"
}
PARTS="$*"
debs=$(wanted deb); npms=$(wanted npm)

# A package counts as there when it is installed, or when a program of its
# name is on PATH already (NodeSource's nodejs brings its own npm, which
# Debian's npm package would conflict with).
have_deb() {
	dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed ||
		command -v "$1" >/dev/null 2>&1
}
have_npm() { n=${1%@*}; [ -n "$n" ] || n=$1; [ -d "$npm_dir/node_modules/$n" ]; }

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "make check: not Debian: each part checks for its own tools (Debian names in tests/packages.txt)"
	exit 0
fi
missing_deb=""; missing_npm=""
for p in $debs; do have_deb "$p" || missing_deb="$missing_deb $p"; done
for p in $npms; do have_npm "$p" || missing_npm="$missing_npm $p"; done
[ -z "$missing_deb$missing_npm" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	if [ -n "$missing_deb" ]; then
		echo "make check: installing (apt-get):$missing_deb"
		start=$(date +%s)
		export DEBIAN_FRONTEND=noninteractive
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing_deb; } \
			>"${TMPDIR:-/tmp}/sockconf-apt.log" 2>&1 ||
			{ echo "make check: apt-get install$missing_deb failed:"; tail -5 "${TMPDIR:-/tmp}/sockconf-apt.log"; exit 2; }
		echo "make check: installed in $(( $(date +%s) - start )) s"
	fi
	if [ -n "$missing_npm" ]; then
		echo "make check: installing (npm, into build/npm):$missing_npm"
		mkdir -p "$npm_dir"
		npm install --silent --prefix "$npm_dir" $missing_npm >"${TMPDIR:-/tmp}/sockconf-npm.log" 2>&1 ||
			{ echo "make check: npm install$missing_npm failed:"; tail -5 "${TMPDIR:-/tmp}/sockconf-npm.log"; exit 2; }
	fi
	exit 0
fi
line="${missing_deb:+ apt-get install$missing_deb}${missing_deb:+${missing_npm:+;}}${missing_npm:+ npm install --prefix build/npm$missing_npm}"
if [ "${PARTIAL:-0}" = 1 ]; then
	echo "make check PARTIAL=1: missing:$line (the parts that need them will be skipped)"
	exit 0
fi
echo "make check needs:$line (or: make check PARTIAL=1 for what runs without them)"
exit 2
