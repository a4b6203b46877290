/*
 * link_posix.c: putting a run behind --link on Linux (see link.h).  The
 * runner moves into a network namespace of its own (the cases it starts
 * inherit it, and it ends with the runner), brings lo up there and gives
 * lo a netem qdisc.  Where the kernel has no sch_netem, tc says so and the
 * run stops with one line: --target qemu boots a kernel that has it, and
 * the guest's runner comes here in turn.
 */
#include "identity.h"
#include "link.h"
#include "target_posix.h"

#include <errno.h>
#include <sched.h> /* unshare(): glibc shows it with _GNU_SOURCE, as the Makefile gives the halves */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define NO_NETEM "--link needs sch_netem: this kernel has none; use --target qemu"

/* A fresh namespace's lo is down: up, as `ip link set lo up` would. */
static int loopback_up(char *err, size_t errsize)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ok;

	if (fd == -1) {
		snprintf(err, errsize, "--link: no socket to bring lo up: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
	ifr.ifr_flags |= IFF_UP;
	ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
	if (!ok)
		snprintf(err, errsize, "--link: cannot bring lo up in the run's network namespace: %s",
			 strerror(errno));
	close(fd);
	return ok ? 0 : -1;
}

/* Debian puts tc in /usr/sbin, which is not on every PATH. */
int link_find_tc(char *out, size_t size)
{
	static const char *const places[] = {"/usr/sbin/tc", "/sbin/tc"};

	if (plat_find_program("tc", out, size) == 0)
		return 0;
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
		if (access(places[i], X_OK) == 0) {
			snprintf(out, size, "%s", places[i]);
			return 0;
		}
	return -1;
}

int link_prepare(const struct link *l, struct identity *id, int label_given, const char *scratch,
		 char *err, size_t errsize)
{
	char tc[1024], args[256], words[256], *argv[24], path[1300], *tc_err;
	struct proc_exit ex;
	size_t n = 0;

	if (!l->set)
		return 0;
	if (link_find_tc(tc, sizeof tc) == -1) {
		snprintf(err, errsize, "--link needs tc to set netem up (Debian: apt-get install iproute2)");
		return -1;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		snprintf(err, errsize, "--link needs a network namespace of its own: unshare(CLONE_NEWNET): %s%s",
			 strerror(errno), errno == EPERM ? " (run as root)" : "");
		return -1;
	}
	if (loopback_up(err, errsize) == -1)
		return -1;

	link_netem_args(l, args, sizeof args);
	snprintf(words, sizeof words, "%s", args);
	argv[n++] = tc;
	argv[n++] = "qdisc";
	argv[n++] = "add";
	argv[n++] = "dev";
	argv[n++] = "lo";
	argv[n++] = "root";
	argv[n++] = "netem";
	for (char *save = NULL, *w = strtok_r(words, " ", &save); w && n + 1 < sizeof argv / sizeof argv[0];
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (run_bounded(argv, NULL, scratch, "tc", 10000, &ex, err, errsize) == -1)
		return -1;
	if (ex.signo || ex.code) {
		snprintf(path, sizeof path, "%s/tc.err", scratch);
		tc_err = slurp(path, NULL);
		/* "Error: Specified qdisc kind is unknown.": the kernel has no sch_netem */
		if (tc_err && strstr(tc_err, "kind is unknown"))
			snprintf(err, errsize, NO_NETEM);
		else
			snprintf(err, errsize, "--link: tc qdisc add dev lo root netem %s failed: %.*s", args,
				 tc_err ? (int)strcspn(tc_err, "\n") : 0, tc_err ? tc_err : "");
		free(tc_err);
		return -1;
	}
	id->link = *l;
	if (!label_given)
		make_label(id->label, sizeof id->label, id);
	return 0;
}
