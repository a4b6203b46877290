/*
 * target_posix.c: the targets on a Linux host (see target.h): gVisor and Wine
 * wrap each case, UML and QEMU boot a guest once and run this runner inside
 * it.  The parts (target_posix.h): gvisor_posix.c, wine_posix.c,
 * guest_posix.c (with the recipes, measured on Debian 12), initramfs_posix.c
 * and hosttools_posix.c; here what target.h promises, and the guest's channel.
 *
 * Both guests write one channel: the guest runner's TAP, its stderr as
 * "sockconf-stderr: " lines, then "sockconf-exit: N".
 */

#include "atomic_file.h"
#include "stack_target.h"
#include "summary.h"
#include "target_posix.h"
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
	if (strcmp(target, "gvisor") != 0) /* native: the stack lib is told to use, if any */
		return stack_from_environment(w, cat, id, label_given, scratch, err, errsize);
	snprintf(w->dir, sizeof w->dir, "%s/gvisor", scratch);
	if (gvisor_prepare(w, id, label_given, err, errsize) == -1) {
		target_finish(w);
		return -1;
	}
	return 0;
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

struct channel {
	size_t offset;       /* read so far */
	char line[8192];     /* a line not yet complete */
	size_t nline;
	char *tap;           /* the TAP, for the results file */
	size_t ntap, captap;
	int have_exit, exit_code, have_plan;
	char label[160];
	char command[1024];  /* this runner's command line, for the guest's "# command:" */
};

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
	if (!ch->label[0] && strncmp(line, "# label: ", 9) == 0)
		snprintf(ch->label, sizeof ch->label, "%s", line + 9);
	/* the run was asked for here, not by the guest's init */
	if (ch->command[0] && strncmp(line, "# command: ", 11) == 0) {
		snprintf(ch->line, sizeof ch->line, "# command: %s", ch->command);
		line = ch->line;
		n = strlen(line);
	}
	if (strncmp(line, "1..", 3) == 0)
		ch->have_plan = 1;
	printf("%s\n", line);
	if (ch->ntap + n + 2 > ch->captap) {
		size_t cap = (ch->captap + n + 2) * 2;
		char *more = realloc(ch->tap, cap);
		if (!more)
			return;
		ch->tap = more;
		ch->captap = cap;
	}
	memcpy(ch->tap + ch->ntap, line, n);
	ch->ntap += n;
	ch->tap[ch->ntap++] = '\n';
	ch->tap[ch->ntap] = '\0';
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

int target_run_guest(const struct options *o, const struct catalog *cat, const char *exe_dir,
		     const char *cases_dir, const char *div_dir, const char *scratch)
{
	struct guest *g = calloc(1, sizeof *g);
	struct channel ch;
	struct proc p;
	struct proc_exit ex = {0, 0};
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
	if ((strcmp(o->target, "uml") == 0 ? uml_setup : qemu_setup)(g, o, exe_dir, cases_dir,
								      div_dir, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: %s\n", err);
		goto out;
	}
	/* the bound: the boot, then every case at its timeout, as many at once as the guest runs */
	boot_ms = g->bound_ms;
	jobs = o->jobs ? o->jobs : 1;
	g->bound_ms += (int)((cat->n * o->repeat + jobs - 1) / jobs * (o->timeout_ms + 500) + 10000);
	if (bound_env && atof(bound_env) > 0) /* for tests: one bound for everything */
		boot_ms = g->bound_ms = (int)(atof(bound_env) * 1000);

	snprintf(errpath, sizeof errpath, "%s/%s.err", g->dir, o->target);
	progress("booting the %s guest; its runner then runs %zu cases", o->target, cat->n * o->repeat);
	if (proc_start(&p, g->argv, g->env, g->console, errpath, err, sizeof err) == -1) {
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
		console_reason(g->console, reason, sizeof reason);
		if (quiet)
			fprintf(stderr, "sockconf: --target %s: the guest %s for %.0f s and was killed; %s\n",
				o->target, ch.offset ? "went silent" : "said nothing",
				(plat_now_ms() - quiet_since) / 1000, reason);
		else if (i == -1)
			fprintf(stderr, "sockconf: --target %s: the guest gave no verdict within %d s and was killed; %s\n",
				o->target, g->bound_ms / 1000, reason);
		else {
			char *qerr = slurp(errpath, NULL);
			fprintf(stderr, "sockconf: --target %s: the guest ended (%s %d) without a verdict; %s%s%s\n",
				o->target, ex.signo ? "signal" : "exit", ex.signo ? ex.signo : ex.code,
				reason, qerr && qerr[0] ? "; " : "", qerr ? tail_of(qerr, 300) : "");
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
	if (o->out_dir && (status == 0 || status == 1) && ch.tap) {
		if (!safe_label(ch.label)) {
			fprintf(stderr, "sockconf: --target %s: the guest's TAP names no usable label\n",
				o->target);
			status = 2;
		} else if (write_results(o->out_dir, ch.label, o->nfilters > 0, ch.tap, ch.ntap) == -1)
			status = 2;
	}
out:
	free(ch.tap);
	remove_all(g->dir);
	free(g);
	return status;
}
