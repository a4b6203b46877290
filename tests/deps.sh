#!/bin/sh
# The project's own tests need CUnit and pytest (the suite itself needs neither).
# On Debian as root they are installed; elsewhere one line says what to install.
set -u
missing=""
echo '#include <CUnit/CUnit.h>' | ${CC:-cc} -E -x c - >/dev/null 2>&1 || missing="$missing libcunit1-dev"
if ! command -v pytest-3 >/dev/null 2>&1 && ! /usr/bin/python3 -m pytest --version >/dev/null 2>&1; then
	missing="$missing python3-pytest"
fi
[ -z "$missing" ] && exit 0
if [ -r /etc/debian_version ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "make check: installing$missing"
	apt-get install -y -qq $missing >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $missing >/dev/null 2>&1; } ||
		{ echo "make check: could not install$missing (apt-get failed)"; exit 2; }
	exit 0
fi
echo "make check needs:$missing (Debian: apt-get install$missing)"
exit 2
