/*
 * target_posix.c: the targets on a Linux host (see target.h): Wine wraps
 * each case; UML and QEMU boot a guest once, and gVisor starts one sandbox,
 * and run this runner inside it.  The parts (target_posix.h):
 * gvisor_posix.c, wine_posix.c, guest_posix.c (with the recipes, measured
 * on Debian 12), initramfs_posix.c and hosttools_posix.c; here what
 * target.h promises, and the guest's channel.
 *
 * Each guest writes one channel: the guest runner's TAP, its stderr as
 * "sockconf-stderr: " lines, gVisor's JUnit report and case times as
 * "sockconf-junit: " and "sockconf-times: " lines (the sandbox cannot
 * write here), then "sockconf-exit: N".
 */

#include "atomic_file.h"
#include "case_times.h"
#include "junit.h"
#include "stack_target.h"
#include "summary.h"
#include "target_posix.h"
#include "text.h"
#include "verdict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

/* rm -r, without following symbolic links. */
static void remove_all(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) == -1)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	d = opendir(path);
	while (d && (e = readdir(d)) != NULL) {
		char sub[4096];
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		remove_all(sub);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

int target_prepare(struct target_wrap *w, const char *target, const struct catalog *cat,
		   struct identity *id, int label_given, const char *scratch, char *err,
		   size_t errsize)
{
	memset(w, 0, sizeof *w);
	if (strcmp(target, "lwip") == 0) {
		/* lwIP has no sysctls: its settings are compiled in (lwipopts.h) */
		snprintf(id->sysctls, sizeof id->sysctls,
			 "# sysctl (none: lwIP is configured when it is built, in lwipopts.h)\n");
		return stack_target_prepare(w, target, cat, id, label_given, scratch, err, errsize);
	}
	if (strcmp(target, "lwip-linux") == 0) {
		w->setup = tap_namespace_enter; /* each case: a network namespace and a tap */
		if (stack_target_prepare(w, target, cat, id, label_given, scratch, err, errsize) == -1)
			return -1;
		/* the kernel's end is in a fresh namespace: its settings, not this machine's */
		if (fresh_namespace_sysctls(scratch, id->sysctls, sizeof id->sysctls) == -1)
			snprintf(id->sysctls, sizeof id->sysctls,
				 "# sysctl (none readable in a fresh network namespace)\n");
		return 0;
	}
	if (strcmp(target, "wine") == 0) {
		snprintf(w->dir, sizeof w->dir, "%s/wine", scratch);
		if (wine_prepare(w, cat, id, label_given, err, errsize) == -1) {
			target_finish(w);
			return -1;
		}
		return 0;
	}
	/* native: the stack lib is told to use, if any */
	return stack_from_environment(w, cat, id, label_given, scratch, err, errsize);
}

void target_finish(struct target_wrap *w)
{
	if (w->wine_prefix[0]) /* its server and Wine's services first: they hold the prefix */
		wine_finish(w);
	w->wine_prefix[0] = '\0';
	if (w->dir[0])
		remove_all(w->dir);
	if (w->shared[0])
		remove_all(w->shared);
	w->dir[0] = w->shared[0] = '\0';
}

/* ---- the channel ---------------------------------------------------------------- */

/* A line added to a text that grows line by line (the TAP, what the guest passes back). */
static void lines_add(struct text *t, const char *line, size_t n)
{
	text_add(t, line, n);
	text_add(t, "\n", 1);
}

struct channel {
	size_t offset;       /* read so far */
	char line[8192];     /* a line not yet complete */
	size_t nline;
	struct text tap;    /* the TAP, for the results file */
	struct text junit, times; /* gvisor: the guest runner's JUnit report and case times */
	int have_exit, exit_code, have_plan, past_header;
	char label[160];
	char command[1024];  /* this runner's command line, for the guest's "# command:" */
	const struct identity *id; /* gvisor: the sandbox's identity, for what it cannot know */
};

/* A TAP line on stdout and in the results file's text. */
static void channel_tap(struct channel *ch, const char *line)
{
	printf("%s\n", line);
	lines_add(&ch->tap, line, strlen(line));
}

/*
 * gVisor's header lines the runner inside cannot know (it sees gVisor's
 * uname, its netstack as "the kernel"): whose kernel it is, the stack, and
 * the host, as a sandbox a case had them.  1 when line was one of them
 * (and is told).
 */
static int sandbox_header_line(struct channel *ch, const char *line)
{
	char mine[1200];

	if (strncmp(line, "# kernel: ", 10) == 0) { /* gVisor's uname is fixed; say whose it is */
		snprintf(mine, sizeof mine, "%s (gVisor runsc %s)", line, ch->id->stack_version);
		channel_tap(ch, mine);
		return 1;
	}
	if (strncmp(line, "# stack: ", 9) == 0) {
		snprintf(mine, sizeof mine, "# stack: %s", ch->id->stack);
		channel_tap(ch, mine);
		return 1;
	}
	if (strncmp(line, "# stack-version: ", 17) == 0) {
		snprintf(mine, sizeof mine, "# stack-version: %s", ch->id->stack_version);
		channel_tap(ch, mine);
		return 1;
	}
	if (strncmp(line, "# machine: ", 11) == 0 && ch->id->host[0]) {
		channel_tap(ch, line);
		snprintf(mine, sizeof mine, "# host: %s", ch->id->host);
		channel_tap(ch, mine);
		return 1;
	}
	return 0;
}

static void channel_line(struct channel *ch, char *line)
{
	size_t n = strlen(line);

	if (n && line[n - 1] == '\r') /* a serial port's line ends */
		line[--n] = '\0';
	if (strncmp(line, "sockconf-exit: ", 15) == 0) {
		ch->have_exit = 1;
		ch->exit_code = atoi(line + 15);
		return;
	}
	if (strncmp(line, "sockconf-stderr: ", 17) == 0) {
		fprintf(stderr, "%s\n", line + 17);
		return;
	}
	if (strncmp(line, "sockconf-junit: ", 16) == 0) {
		lines_add(&ch->junit, line + 16, n - 16);
		return;
	}
	if (strncmp(line, "sockconf-times: ", 16) == 0) {
		lines_add(&ch->times, line + 16, n - 16);
		return;
	}
	if (!ch->label[0] && strncmp(line, "# label: ", 9) == 0)
		snprintf(ch->label, sizeof ch->label, "%s", line + 9);
	if (strncmp(line, "# Subtest", 9) == 0 || strncmp(line, "ok ", 3) == 0 ||
	    strncmp(line, "not ok ", 7) == 0)
		ch->past_header = 1;
	if (ch->id && !ch->past_header && sandbox_header_line(ch, line))
		return;
	/* the run was asked for here, not by the guest's init */
	if (ch->command[0] && strncmp(line, "# command: ", 11) == 0) {
		snprintf(ch->line, sizeof ch->line, "# command: %s", ch->command);
		line = ch->line;
	}
	if (strncmp(line, "1..", 3) == 0)
		ch->have_plan = 1;
	channel_tap(ch, line);
}

/* Hand on whatever complete lines the guest has written since the last look. */
static void channel_poll(struct channel *ch, const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[4096];
	size_t got;

	if (!f)
		return;
	if (fseek(f, (long)ch->offset, SEEK_SET) == 0)
		while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
			ch->offset += got;
			for (size_t i = 0; i < got; i++) {
				if (buf[i] == '\n' || ch->nline == sizeof ch->line - 1) {
					ch->line[ch->nline] = '\0';
					channel_line(ch, ch->line);
					ch->nline = 0;
					if (buf[i] == '\n')
						continue;
				}
				if (buf[i] != '\0')
					ch->line[ch->nline++] = buf[i];
			}
		}
	fclose(f);
	fflush(stdout);
}

/*
 * What the kernel said went wrong before it panicked, from the console
 * text before the panic line: the last oops headline and the function it
 * was in (RIP), as "; BUG: ...; RIP: ...", or "" when it printed neither
 * (a panic of its own, such as init's death).
 */
static void oops_headline(const char *text, const char *panic, char *out, size_t size)
{
	static const char *const headlines[] = {"BUG: ", "Oops: ", "general protection fault", "kernel BUG at ",
						"WARNING: "};
	const char *found[2] = {NULL, NULL}; /* the last headline, the last RIP line */
	size_t used = 0;

	out[0] = '\0';
	for (const char *line = text, *next; line < panic; line = next) {
		const char *body = line, *stamp_end;

		next = strchr(line, '\n');
		next = next ? next + 1 : panic;
		stamp_end = *body == '[' ? memchr(body, ']', (size_t)(next - body)) : NULL;
		if (stamp_end) /* "[    1.234567] " */
			body = stamp_end + 1;
		body += strspn(body, " ");
		for (size_t i = 0; i < sizeof headlines / sizeof headlines[0]; i++)
			if (strncmp(body, headlines[i], strlen(headlines[i])) == 0)
				found[0] = body, found[1] = NULL; /* a new oops: its RIP follows it */
		if (strncmp(body, "RIP: ", 5) == 0 && found[0] && !found[1])
			found[1] = body;
	}
	for (int i = 0; i < 2 && found[i]; i++) {
		int n = snprintf(out + used, size - used, "; %.*s", (int)strcspn(found[i], "\r\n"), found[i]);

		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* Why a guest gave no verdict, from its console: a panic line and the oops
 * before it, else its last lines. */
static void console_reason(const char *console, char *out, size_t size)
{
	char *text = slurp(console, NULL);
	const char *p = text ? strstr(text, "Kernel panic") : NULL;
	char oops[400];

	if (text && strstr(text, "ptrace set fp regs failed")) {
		/* UML 6.1 sizes its FP buffer below a host XSAVE area such as AMX's */
		snprintf(out, size, "this user-mode Linux kernel cannot run a process on this CPU "
				    "(its console: 'ptrace set fp regs failed'; the host's XSAVE area is "
				    "larger than it handles, as with AMX): use --target qemu");
	} else if (p) {
		oops_headline(text, p, oops, sizeof oops);
		snprintf(out, size, "the guest kernel panicked: %.*s%s", (int)strcspn(p, "\r\n"), p, oops);
	} else if (text && text[0]) {
		snprintf(out, size, "its console ended with: %s", tail_of(text, 240));
	} else
		snprintf(out, size, "its console is empty");
	for (char *q = out; *q; q++)
		if (*q == '\n' || *q == '\r')
			*q = ' ';
	free(text);
}

/* DIR/<label>.tap (.partial.tap for a filtered run), written whole under a
 * temporary name, then renamed. */
static int write_results(const char *out_dir, const char *label, int partial, const char *tap,
			 size_t len)
{
	struct atomic_file a;
	char path[1300];

	if (plat_mkdir_p(out_dir) == -1) {
		fprintf(stderr, "sockconf: cannot create the results directory %s\n", out_dir);
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s%s.tap", out_dir, label, partial ? ".partial" : "");
	if (atomic_file_open(&a, path) == -1) {
		fprintf(stderr, "sockconf: cannot write in the results directory %s\n", out_dir);
		return -1;
	}
	if (fwrite(tap, 1, len, a.f) != len || atomic_file_commit(&a) == -1) {
		fprintf(stderr, "sockconf: could not write %s: %s\n", path, strerror(errno));
		atomic_file_discard(&a);
		return -1;
	}
	fprintf(stderr, "sockconf: results: %s\n", path);
	return 0;
}

/* A label from the guest is a file name here: the rule --label follows (identity.c). */
static int safe_label(const char *s)
{
	char why[160];

	return label_check(s, why, sizeof why) == 0;
}

/* The guest runner's case times, kept where a run here keeps them (case_times.h): 0, or -1. */
static int keep_times(const char *cases_dir, const char *label, const struct text *times)
{
	struct atomic_file a;
	char path[1300], dir[1300];

	if (!safe_label(label))
		return -1;
	case_times_path(cases_dir, label, path, sizeof path);
	snprintf(dir, sizeof dir, "%s", path);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	if (plat_mkdir_p(dir) == -1 || atomic_file_open(&a, path) == -1)
		return -1;
	if (fwrite(times->s, 1, times->len, a.f) != times->len) {
		atomic_file_discard(&a);
		return -1;
	}
	return atomic_file_commit(&a);
}

int target_run_guest(const struct options *o, const struct catalog *cat, const char *exe_dir,
		     const char *cases_dir, const char *div_dir, const char *scratch)
{
	struct guest *g = calloc(1, sizeof *g);
	struct channel ch;
	struct proc p;
	struct proc_exit ex = {0, 0};
	struct junit junit;
	int junit_open_ok = 0;
	char err[2048], reason[1024], errpath[1300];
	const char *bound_env = getenv("SOCKCONF_GUEST_TIMEOUT");
	double deadline, quiet_since, boot_ms;
	int status = 2, i = -1, quiet = 0;
	unsigned jobs;

	memset(&ch, 0, sizeof ch);
	options_command_line(o, ch.command, sizeof ch.command);
	if (!g) {
		fprintf(stderr, "sockconf: out of memory\n");
		return 2;
	}
	g->target = o->target;
	absolute(scratch, g->dir, sizeof g->dir); /* the guest sees paths, not our cwd */
	append(g->dir, sizeof g->dir, "/");
	append(g->dir, sizeof g->dir, o->target);
	if (plat_mkdir_p(g->dir) == -1) {
		fprintf(stderr, "sockconf: --target %s: cannot create %s: %s\n", o->target, g->dir,
			strerror(errno));
		goto out;
	}
	err[0] = '\0';
	if ((strcmp(o->target, "uml") == 0 ? uml_setup : strcmp(o->target, "qemu") == 0 ? qemu_setup
											: gvisor_setup)(
		    g, o, exe_dir, cases_dir, div_dir, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: %s\n", err);
		goto out;
	}
	if (g->have_id)
		ch.id = &g->id;
	/* an unwritable --junit FILE stops the run before it starts, as a run here does */
	if (o->junit_path) {
		if (junit_open(&junit, o->junit_path, &g->id) == -1) {
			fprintf(stderr, "sockconf: cannot write the JUnit report %s: %s\n", o->junit_path,
				strerror(errno));
			goto out;
		}
		junit_open_ok = 1;
	}
	/* the bound: the boot, then every case at its timeout, as many at once as the guest runs */
	boot_ms = g->bound_ms;
	jobs = o->jobs ? o->jobs : 1;
	g->bound_ms += (int)((cat->n * o->repeat + jobs - 1) / jobs * (o->timeout_ms + 500) + 10000);
	if (bound_env && atof(bound_env) > 0) /* for tests: one bound for everything */
		boot_ms = g->bound_ms = (int)(atof(bound_env) * 1000);

	snprintf(errpath, sizeof errpath, "%s/%s.err", g->dir, o->target); /* gvisor: the console */
	progress(g->have_id ? "starting the %s sandbox; its runner then runs %zu cases"
			    : "booting the %s guest; its runner then runs %zu cases",
		 o->target, cat->n * o->repeat);
	if (proc_start(&p, g->argv, g->env, g->out, strcmp(g->out, g->console) ? g->console : errpath,
		       err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: --target %s: %s\n", o->target, err);
		goto out;
	}
	/*
	 * Two bounds: the whole run, and silence.  The guest runner prints each
	 * case as it ends, in order, every one within its timeout: a guest
	 * quiet for longer than two of them (or the boot, before its first
	 * line) is stuck.
	 */
	deadline = plat_now_ms() + g->bound_ms;
	quiet_since = plat_now_ms();
	for (;;) {
		double left = deadline - plat_now_ms();
		size_t before = ch.offset;
		i = proc_wait_any(&p, 1, left < 0 ? 0 : left < 100 ? (int)left : 100, &ex);
		channel_poll(&ch, g->channel);
		if (ch.offset != before)
			quiet_since = plat_now_ms();
		if (i != -1 || plat_now_ms() >= deadline)
			break;
		if (plat_now_ms() - quiet_since > (ch.offset ? 2.0 * o->timeout_ms + 10000 : boot_ms)) {
			quiet = 1;
			break;
		}
	}
	if (i == -2) {
		proc_kill_group(&p);
		printf("Bail out! interrupted by %s\n", signal_name(plat_interrupted()));
		fflush(stdout);
		status = 128 + plat_interrupted();
		goto out;
	}
	proc_kill_group(&p); /* on time or not: nothing of the guest outlives the run */
	channel_poll(&ch, g->channel);
	if (ch.nline) { /* a last line without its newline */
		ch.line[ch.nline] = '\0';
		channel_line(&ch, ch.line);
		ch.nline = 0;
	}
	fflush(stdout);
	if (!ch.have_exit) {
		const char *kind = g->have_id ? "sandbox" : "guest";

		if (g->have_id) { /* no kernel: what runsc said */
			char *said = slurp(g->console, NULL);
			snprintf(reason, sizeof reason, "runsc said: %s",
				 said && said[0] ? tail_of(said, 300) : "nothing");
			for (char *q = reason; *q; q++)
				if (*q == '\n')
					*q = ' ';
			for (size_t n = strlen(reason); n && reason[n - 1] == ' ';)
				reason[--n] = '\0';
			free(said);
		} else
			console_reason(g->console, reason, sizeof reason);
		if (quiet)
			fprintf(stderr, "sockconf: --target %s: the %s %s for %.0f s and was killed; %s\n",
				o->target, kind, ch.offset ? "went silent" : "said nothing",
				(plat_now_ms() - quiet_since) / 1000, reason);
		else if (i == -1)
			fprintf(stderr, "sockconf: --target %s: the %s gave no verdict within %d s and was killed; %s\n",
				o->target, kind, g->bound_ms / 1000, reason);
		else {
			char *qerr = slurp(errpath, NULL);
			int more = qerr && qerr[0] && strcmp(errpath, g->console) != 0;
			fprintf(stderr, "sockconf: --target %s: the %s ended (%s %d) without a verdict; %s%s%s\n",
				o->target, kind, ex.signo ? "signal" : "exit", ex.signo ? ex.signo : ex.code,
				reason, more ? "; " : "", more ? tail_of(qerr, 300) : "");
			free(qerr);
		}
		goto out;
	}
	status = ch.exit_code;
	if ((status == 0 || status == 1) && !ch.have_plan) { /* a verdict needs a run */
		fprintf(stderr, "sockconf: --target %s: the guest's runner exited %d without a TAP plan\n",
			o->target, status);
		status = 2;
		goto out;
	}
	if (ch.tap.failed || ch.junit.failed || ch.times.failed) {
		fprintf(stderr, "sockconf: --target %s: out of memory for what the guest said\n", o->target);
		status = 2;
		goto out;
	}
	if (o->out_dir && (status == 0 || status == 1) && ch.tap.s) {
		if (!safe_label(ch.label)) {
			fprintf(stderr, "sockconf: --target %s: the guest's TAP names no usable label\n",
				o->target);
			status = 2;
		} else if (write_results(o->out_dir, ch.label, o->nfilters > 0, ch.tap.s, ch.tap.len) == -1)
			status = 2;
	}
	if ((status == 0 || status == 1) && ch.times.s) /* a cache: a copy that cannot be kept costs speed only */
		(void)keep_times(cases_dir, g->times_name[0] ? g->times_name : ch.label, &ch.times);
	if (junit_open_ok && (status == 0 || status == 1)) {
		junit_open_ok = 0;
		if (!ch.junit.s || fwrite(ch.junit.s, 1, ch.junit.len, junit.file.f) != ch.junit.len ||
		    atomic_file_commit(&junit.file) == -1) {
			fprintf(stderr, "sockconf: could not write %s: %s\n", o->junit_path,
				ch.junit.s ? strerror(errno) : "the guest's runner passed no report back");
			atomic_file_discard(&junit.file);
			status = 2;
		}
		junit.have_file = 0;
		junit_free(&junit);
	}
out:
	if (junit_open_ok)
		junit_finish(&junit, 0); /* no verdict: no report */
	free(ch.tap.s);
	free(ch.junit.s);
	free(ch.times.s);
	target_finish(&g->wrap);
	remove_all(g->dir);
	free(g);
	return status;
}
