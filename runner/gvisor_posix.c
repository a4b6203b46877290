/*
 * gvisor_posix.c: the gvisor target on a Linux host (see target.h): the
 * whole run in one sandbox, `runsc do`, on gVisor's own netstack, with this
 * runner inside it as a uml or qemu guest has it (target_posix.c reads its
 * channel).  A sandbox a case would cost ~100 ms; one costs that once.
 *
 * The recipe, measured on Debian 12 (BRIEF §5):
 *   gvisor  runsc --root=DIR --network=none --net-raw [--rootless] do -quiet
 *           sh -c SCRIPT; `runsc do` passes the environment through and
 *           keeps its bundle in $TMPDIR, so TMPDIR points into our scratch.
 *           The sandbox sees this machine's files read-only, under a tmpfs
 *           overlay: what the runner inside writes (its scratch, its JUnit
 *           report, its case times) stays there, so the script prints those
 *           files on the channel, which is the sandbox's stdout.  Output
 *           files are separate files (stdout and stderr on one file
 *           overwrite each other's writes).
 */

#include "target_posix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

/* "runsc version 0.0~20221219.0" (Debian) or "release-20221219.0": the date. */
static void runsc_version(const char *text, char *out, size_t size)
{
	const char *v = strstr(text, "version ");
	size_t n;

	v = v ? v + 8 : text;
	for (const char *p = v; *p && *p != '\n'; p++) {
		n = strspn(p, "0123456789");
		if (n >= 8) { /* a release date */
			snprintf(out, size, "%.*s", (int)n, p);
			return;
		}
		if (n)
			p += n - 1;
	}
	n = strcspn(v, " \n");
	snprintf(out, size, "%.*s", (int)n, v);
	for (char *p = out; *p; p++) /* a file name */
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_", *p))
			*p = '_';
	if (!out[0])
		snprintf(out, size, "unknown");
}

/*
 * runsc found, *w filled in (w->dir set by the caller; its argv runs a
 * command in a sandbox), and *id what the host knows of the run: runsc's
 * release (the stack's version), the host, and the label
 * (gvisor-20221219-netstack-x86_64).  What the sandbox says of itself (its
 * uname, its sysctls) the runner inside writes in its header.  0, or -1
 * with a message in err.
 */
static int gvisor_prepare(struct target_wrap *w, struct identity *id, int label_given, char *err,
			  size_t errsize)
{
	char runsc[1024], version[64], *text;
	char path[1200];
	struct proc_exit ex;
	size_t n = 0;
	char *argv_version[] = {runsc, "--version", NULL};

	if (plat_find_program("runsc", runsc, sizeof runsc) == -1) {
		snprintf(err, errsize, "--target gvisor: runsc is not installed (Debian: apt-get install runsc)");
		return -1;
	}
	/*
	 * runsc do keeps its bundle in $TMPDIR and its sandbox, as an unprivileged
	 * user, mounts its chroot there: our scratch is private (0700), so runsc
	 * gets a directory of its own, one it can enter, under /tmp.
	 */
	snprintf(w->shared, sizeof w->shared, "/tmp/sockconf-gvisor.XXXXXX");
	if (plat_mkdir_p(w->dir) == -1 || !mkdtemp(w->shared) || chmod(w->shared, 0755) == -1) {
		snprintf(err, errsize, "--target gvisor: cannot create a directory for runsc: %s",
			 strerror(errno));
		w->shared[0] = '\0';
		return -1;
	}
	snprintf(w->strings[0], sizeof w->strings[0], "--root=%s/root", w->shared);
	snprintf(w->strings[1], sizeof w->strings[1], "TMPDIR=%s", w->shared);
	snprintf(w->strings[2], sizeof w->strings[2], "%s", runsc);
	w->argv[n++] = w->strings[2];
	w->argv[n++] = w->strings[0];
	w->argv[n++] = "--network=none"; /* gVisor's own netstack, loopback only */
	/*
	 * Packet sockets for the wire checks: runsc grants CAP_NET_RAW only with
	 * --net-raw.  libpcap still cannot capture there (no PACKET_RX_RING); lib
	 * reads a packet socket instead (lib/wire_pcap.c).
	 */
	w->argv[n++] = "--net-raw";
	if (geteuid() != 0)
		w->argv[n++] = "--rootless";
	w->argv[n++] = "do";
	w->argv[n++] = "-quiet";
	w->argv[n] = NULL;
	w->env[0] = w->strings[1];
	w->env[1] = NULL;

	if (run_bounded(argv_version, NULL, w->dir, "version", 30000, &ex, err, errsize) == -1)
		return -1;
	snprintf(path, sizeof path, "%s/version.out", w->dir);
	text = slurp(path, NULL);
	runsc_version(text ? text : "", version, sizeof version);
	free(text);

	snprintf(id->host, sizeof id->host, "%s %s %s", id->os, id->kernel, id->machine);
	snprintf(id->target, sizeof id->target, "gvisor");
	snprintf(id->stack, sizeof id->stack, "netstack"); /* gVisor's own, not the host's */
	snprintf(id->stack_version, sizeof id->stack_version, "%s", version); /* runsc's release */
	if (!label_given) { /* gvisor-20221219-netstack-x86_64: the release is runsc's */
		struct identity named = *id;
		snprintf(named.os, sizeof named.os, "gvisor");
		snprintf(named.kernel, sizeof named.kernel, "%s", version);
		make_label(id->label, sizeof id->label, &named);
	}
	return 0;
}

/* Where the runner inside keeps its JUnit report: the sandbox's own /tmp. */
#define GVISOR_JUNIT "/tmp/sockconf-junit.xml"

int gvisor_setup(struct guest *g, const struct options *o, const char *exe_dir, const char *cases_dir,
		 const char *div_dir, char *err, size_t errsize)
{
	char runner[1200], cases[1200], divs[1200], cmd[8192], envs[2048], run[10240];
	char times[1400], times_env[1500], times_line[3000], also[4096];
	size_t n = 0;

	snprintf(g->wrap.dir, sizeof g->wrap.dir, "%s/runsc", g->dir);
	identity_of_this_machine(&g->id, "gvisor", o->label);
	if (gvisor_prepare(&g->wrap, &g->id, o->label != NULL, err, errsize) == -1)
		return -1;
	g->have_id = 1;
	snprintf(runner, sizeof runner, "%s/sockconf", exe_dir);
	absolute(cases_dir, cases, sizeof cases);
	absolute(div_dir, divs, sizeof divs);
	/* the label is the host's (runsc's release): the runner inside finds gVisor's records by it */
	if (guest_command(cmd, sizeof cmd, o, runner, cases, divs, g->id.label,
			  o->junit_path ? GVISOR_JUNIT : NULL) == -1) {
		snprintf(err, errsize, "--target gvisor: the command line is too long");
		return -1;
	}
	/* the times steer the next run's schedule (case_times.h): kept here, by the host, by label */
	if (guest_environment(envs, sizeof envs, NULL) == -1 ||
	    guest_times(g, g->id.label, cases, NULL, times, sizeof times, times_env, sizeof times_env,
			times_line, sizeof times_line) == -1 ||
	    (size_t)snprintf(run, sizeof run, "%s%s%s", envs, times_env, cmd) >= sizeof run) {
		snprintf(err, errsize, "--target gvisor: the SOCKCONF_* settings passed to the sandbox are too long");
		return -1;
	}
	snprintf(also, sizeof also, "  [ -f %s ] && sed 's/^/sockconf-junit: /' %s\n%s", GVISOR_JUNIT,
		 GVISOR_JUNIT, times_line);
	if ((size_t)snprintf(g->script, sizeof g->script,
			     "# sockconf --target gvisor: the sandbox's one command\n"
			     "B=\n" GUEST_RUN_AND_REPORT,
			     "/tmp", run, "/tmp", "/tmp", also, "&1") >= sizeof g->script) {
		snprintf(err, errsize, "--target gvisor: the sandbox's script is too long");
		return -1;
	}
	while (g->wrap.argv[n] && n + 4 < sizeof g->argv / sizeof g->argv[0]) {
		g->argv[n] = g->wrap.argv[n];
		n++;
	}
	g->argv[n++] = "/bin/sh";
	g->argv[n++] = "-c";
	g->argv[n++] = g->script;
	g->argv[n] = NULL;
	for (n = 0; g->wrap.env[n] && n + 1 < sizeof g->env / sizeof g->env[0]; n++)
		g->env[n] = g->wrap.env[n];
	g->env[n] = NULL;
	snprintf(g->channel, sizeof g->channel, "%s/channel", g->dir);
	snprintf(g->out, sizeof g->out, "%s", g->channel);
	snprintf(g->console, sizeof g->console, "%s/gvisor.err", g->dir); /* runsc's own messages */
	g->bound_ms = 60000; /* a sandbox starts in ~0.2 s */
	return 0;
}
