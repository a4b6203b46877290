#!/bin/sh
# Replays the README on a fresh machine: a minimal Debian 12 root
# (debootstrap --variant=minbase, then gcc, make and git only), a clone of
# this commit inside it, and the README's two commands run there, so a
# missing install step fails here instead of hiding behind a machine that
# already has the package.
#   sh tests/fresh-root.sh ROOT [COMMAND...]   (default: make run, then make check)
# Needs root, debootstrap and Debian's archive.  The root is made once and
# reused; the clone is made anew each time.
set -u
root=${1:?usage: fresh-root.sh ROOT [COMMAND...]}; shift
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "fresh-root: needs root (debootstrap, chroot, mounts)"; exit 2; }
command -v debootstrap >/dev/null 2>&1 || { echo "fresh-root: needs debootstrap (Debian: apt-get install debootstrap)"; exit 2; }
commit=$(git -C "$top" rev-parse HEAD) || { echo "fresh-root: $top is not a git clone"; exit 2; }

if [ ! -x "$root/usr/bin/make" ]; then
	mkdir -p "$root"
	start=$(date +%s)
	debootstrap --variant=minbase --include=gcc,make,git,libc6-dev,ca-certificates \
		bookworm "$root" >"$root.debootstrap.log" 2>&1 ||
		{ echo "fresh-root: debootstrap failed:"; tail -5 "$root.debootstrap.log"; exit 2; }
	# the archive's suites a Debian 12 install lists (debootstrap writes only the first)
	cat >"$root/etc/apt/sources.list" <<-EOF
		deb http://deb.debian.org/debian bookworm main
		deb http://deb.debian.org/debian bookworm-updates main
		deb http://deb.debian.org/debian-security bookworm-security main
	EOF
	echo "fresh-root: Debian 12 minbase with gcc, make, git in $(( $(date +%s) - start )) s ($(du -sm "$root" | cut -f1) MB)"
fi
rm -rf "$root/src" && mkdir -p "$root/src"
git clone -q "$top" "$root/src/sockconf" && git -C "$root/src/sockconf" checkout -q "$commit" ||
	{ echo "fresh-root: cannot clone $top"; exit 2; }
# the project's tests read ../shared when it is there (CI lays it beside the clone)
[ -d "$top/../shared" ] && cp -r "$top/../shared" "$root/src/shared"
# The network is this machine's, not the image's: its resolver, the CAs it
# trusts (a proxy that re-signs TLS), and the variables that point at them.
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	chroot "$root" update-ca-certificates >/dev/null 2>&1 ||
		{ echo "fresh-root: update-ca-certificates failed in $root"; exit 2; }
fi
net_env=""
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY NODE_EXTRA_CA_CERTS SSL_CERT_FILE; do
	eval "val=\${$v:-}"
	[ -n "$val" ] && net_env="$net_env $v=$val"
done

# The root is entered with pivot_root in a private mount namespace, not a
# chroot: inside, it is the namespace's root as a machine's is (runsc's user
# namespaces and unshare --propagation refuse a chroot).  The mounts end with
# the command, however it ends, so nothing outside ever sees /proc or /dev
# under ROOT (a later rm -rf build/ must not reach through them).
in_root() {
	NET_ENV=$net_env unshare --mount --propagation private /bin/sh -c '
		root=$1; shift
		mount --bind "$root" "$root" || exit 2
		mount --bind /proc "$root/proc" || exit 2
		# /sys and /dev with what is mounted under them: cgroups, /dev/shm, /dev/pts
		for d in sys dev; do mount --rbind "/$d" "$root/$d" || exit 2; done
		cd "$root" && mkdir -p .oldroot && pivot_root . .oldroot || exit 2
		exec /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8 \
			$NET_ENV /bin/sh -c "umount -l /.oldroot && cd /src/sockconf && $*"' in_root "$root" "$@"
}

if [ $# -gt 0 ]; then
	in_root "$*"
	exit $?
fi
status=0
for cmd in "make run" "make check"; do
	start=$(date +%s)
	echo "fresh-root: $cmd"
	log="$root.$(echo "$cmd" | tr " " -).log"
	in_root "$cmd" >"$log" 2>&1
	rc=$?
	tail -n 15 "$log"
	echo "fresh-root: $cmd: exit $rc in $(( $(date +%s) - start )) s"
	[ $rc = 0 ] || { status=$rc; break; }
done
exit $status
