/* schedule.c: running cases in parallel, with timeouts (see schedule.h). */
#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OUTPUT_CAP CASE_OUTPUT_CAP
#define OUTPUT_POLL_MS 10       /* how often a running case's output size is looked at */
#define FORK_RETRY_BOUND_MS 2000 /* how long no process can be started before the run stops */

struct slot {
	struct proc proc;
	size_t index; /* into the catalog */
	double started, deadline;
	int busy;
};

static void output_paths(const struct schedule *s, size_t index, char *out, char *err, size_t size)
{
	snprintf(out, size, "%s/%zu.out", s->scratch_dir, index);
	snprintf(err, size, "%s/%zu.err", s->scratch_dir, index);
}

/* Reads at most cap bytes of path; *truncated when there was more. */
static char *read_capped(const char *path, size_t cap, size_t *len, int *truncated)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(cap + 1);

	*len = 0;
	*truncated = 0;
	if (!buf) {
		if (f)
			fclose(f);
		return NULL;
	}
	if (f) {
		*len = fread(buf, 1, cap, f);
		*truncated = fgetc(f) != EOF;
		fclose(f);
	}
	buf[*len] = '\0';
	return buf;
}

static void read_stderr_tail(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "rb");
	long end;
	size_t n;

	out[0] = '\0';
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (end = ftell(f)) > 0) {
		long from = end > (long)size - 1 ? end - (long)size + 1 : 0;
		fseek(f, from, SEEK_SET);
		n = fread(out, 1, size - 1, f);
		out[n] = '\0';
	}
	fclose(f);
}

/*
 * Whether the scratch directory (in TMPDIR) takes a case's output: a full
 * one makes every case's output short, which is the machine's fault, not
 * the stack's.  0, or -1 with the reason in s->env_error.
 */
static int scratch_writable(const struct schedule *s)
{
	static const char block[4096];
	char path[1200];
	FILE *f;
	int failed = 0, saved = 0;

	snprintf(path, sizeof path, "%s/probe", s->scratch_dir);
	errno = 0;
	f = fopen(path, "wb");
	for (int i = 0; f && i < 16 && !failed; i++) /* 64 KiB: what a verbose case prints */
		failed = fwrite(block, 1, sizeof block, f) != sizeof block;
	if (f) {
		failed |= fflush(f) != 0 || ferror(f);
		saved = errno;
		failed |= fclose(f) != 0;
		if (!saved)
			saved = errno;
	} else {
		failed = 1;
		saved = errno;
	}
	remove(path);
	if (!failed)
		return 0;
	if (s->env_error)
		snprintf(s->env_error, s->env_error_size,
			 "TMPDIR: cannot write the cases' output in %s: %s", s->scratch_dir,
			 strerror(saved ? saved : EIO));
	return -1;
}

/* A case whose own fork() hit the process limit says so in its message
 * (lib: "fork() failed: EAGAIN"): the machine's limit, not the stack. */
static int case_met_process_limit(const struct case_result *r)
{
	for (unsigned i = 0; r->tap_ok && i < r->tap.npoints; i++) {
		const char *m = point_diag(&r->tap.points[i], "message");
		if (m && strstr(m, "fork() failed: EAGAIN"))
			return 1;
	}
	return 0;
}

static void collect(const struct schedule *s, struct slot *sl, struct case_result *r)
{
	char out_path[1200], err_path[1200];
	size_t len;
	char *text;

	proc_kill_group(&sl->proc); /* children the case left behind go with it */
	snprintf(r->left_running, sizeof r->left_running, "%s", sl->proc.left_running);
	r->ms = plat_now_ms() - sl->started;
	output_paths(s, sl->index, out_path, err_path, sizeof out_path);
	text = read_capped(out_path, OUTPUT_CAP, &len, &r->output_truncated);
	r->tap_ok = text && case_tap_parse(text, len, &r->tap) == 0;
	free(text);
	read_stderr_tail(err_path, r->stderr_tail, sizeof r->stderr_tail);
	remove(out_path);
	remove(err_path);
	sl->busy = 0;
}

/* 0 started; -1 it cannot run (a result); -2 no process to be had now; -3 the
 * target's setup for it failed (the message in r->error) */
static int start(const struct schedule *s, struct slot *sl, size_t index, struct case_result *r)
{
	const struct case_entry *e = &s->cat->cases[index];
	char out_path[1200], err_path[1200], timeout_env[64];
	char *argv[24], *env[16];
	size_t na = 0, ne = 0;
	int started;

	memset(r, 0, sizeof *r);
	r->entry = e;
	if (!e->executable) {
		r->start_failed = 1;
		snprintf(r->error, sizeof r->error, "cannot run %s: %s", e->path, e->unrunnable);
		return -1;
	}
	for (size_t k = 0; s->wrap && s->wrap[k] && na < 22; k++) /* a target's wrapper first */
		argv[na++] = s->wrap[k];
	argv[na++] = (char *)e->path;
	argv[na] = NULL;
	snprintf(timeout_env, sizeof timeout_env, "SOCKCONF_TIMEOUT_MS=%u", s->timeout_ms);
	env[ne++] = timeout_env;
	for (size_t k = 0; s->env && s->env[k] && ne < 15; k++)
		env[ne++] = s->env[k];
	env[ne] = NULL;
	output_paths(s, index, out_path, err_path, sizeof out_path);
	sl->started = plat_now_ms();
	/* a case run directly gets a file size limit of one byte over the cap (SIGXFSZ past it);
	 * a target's wrapper writes files of its own, so its cases' output is polled instead */
	proc_set_output_cap(s->wrap ? 0 : OUTPUT_CAP + 1);
	proc_set_setup(s->setup, s->setup_ctx);
	started = proc_start(&sl->proc, argv, env, out_path, err_path, r->error, sizeof r->error);
	proc_set_output_cap(0); /* the runner's other processes (a target's tools) are not bounded */
	proc_set_setup(NULL, NULL);
	if (started == PROC_SETUP_FAILED)
		return -3; /* the target could not make the case's surroundings: the machine's */
	if (started == -1) {
		if (errno == EAGAIN)
			return -2; /* no process to be had now: try again once something ends */
		r->start_failed = 1;
		return -1;
	}
	sl->index = index;
	sl->deadline = sl->started + s->timeout_ms;
	sl->busy = 1;
	return 0;
}

/* Kills a running case whose output files passed the cap (where no file size limit does it). */
static int kill_overflowing(const struct schedule *s, struct slot *slots, unsigned jobs,
			    struct case_result *results)
{
	int killed = 0;

	for (unsigned j = 0; j < jobs; j++) {
		char out_path[1200], err_path[1200];
		struct stat out_st, err_st;
		struct case_result *r = &results[slots[j].index];

		if (!slots[j].busy)
			continue;
		output_paths(s, slots[j].index, out_path, err_path, sizeof out_path);
		/* past cap + 1: where the file size limit (cap + 1) did not hold it */
		if ((stat(out_path, &out_st) == 0 && (unsigned long)out_st.st_size > OUTPUT_CAP + 1) ||
		    (stat(err_path, &err_st) == 0 && (unsigned long)err_st.st_size > OUTPUT_CAP + 1)) {
			r->output_capped = 1;
			collect(s, &slots[j], r);
			s->done(slots[j].index, r, s->ctx);
			killed++;
		}
	}
	return killed;
}

/* A case is done: 0, or SCHEDULE_ENV_ERROR when what went wrong was the machine. */
static int finish(const struct schedule *s, size_t index, struct case_result *r)
{
	if ((!r->tap_ok || r->output_truncated) && scratch_writable(s) == -1)
		return SCHEDULE_ENV_ERROR;
	if (case_met_process_limit(r)) {
		if (s->env_error)
			snprintf(s->env_error, s->env_error_size,
				 "%s: fork() failed: EAGAIN: the machine's process limit is reached "
				 "(cgroup pids.max, or RLIMIT_NPROC)", r->entry->id);
		return SCHEDULE_ENV_ERROR;
	}
	s->done(index, r, s->ctx);
	return 0;
}

int schedule_run(const struct schedule *s, struct case_result *results)
{
	unsigned jobs = s->jobs ? s->jobs : 1;
	struct slot *slots = calloc(jobs, sizeof *slots);
	struct proc *procs = calloc(jobs, sizeof *procs);
	size_t next = 0, finished = 0;
	int interrupted = 0;
	double fork_failing_since = -1; /* when starting a process began to fail with EAGAIN */
	int backoff_ms = 10;

	if (!slots || !procs) {
		free(slots);
		free(procs);
		if (s->env_error)
			snprintf(s->env_error, s->env_error_size, "out of memory");
		return SCHEDULE_ENV_ERROR;
	}
	if (scratch_writable(s) == -1) {
		free(slots);
		free(procs);
		return SCHEDULE_ENV_ERROR;
	}
	while (finished < s->cat->n && !interrupted) {
		double now, soonest = -1;
		struct proc_exit ex;
		unsigned busy = 0;
		int i;

		finished += (size_t)kill_overflowing(s, slots, jobs, results);
		if (finished == s->cat->n)
			break;

		for (unsigned j = 0; j < jobs && next < s->cat->n; j++) {
			int started;

			if (slots[j].busy)
				continue;
			started = start(s, &slots[j], next, &results[next]);
			if (started == -3) {
				if (s->env_error) /* the target's words: "--target lwip-linux: ..." */
					snprintf(s->env_error, s->env_error_size, "%s (starting %s)",
						 results[next].error, s->cat->cases[next].id);
				interrupted = SCHEDULE_ENV_ERROR;
				break;
			}
			if (started == -2) {
				/* EAGAIN: the process limit (pids.max, RLIMIT_NPROC); transient by
				 * definition, so a bounded back-off, then the machine's error */
				if (fork_failing_since < 0)
					fork_failing_since = plat_now_ms();
				if (plat_now_ms() - fork_failing_since > FORK_RETRY_BOUND_MS) {
					if (s->env_error)
						snprintf(s->env_error, s->env_error_size,
							 "cannot start %s: %s (EAGAIN) for %.1f s: the "
							 "machine's process limit is reached (cgroup "
							 "pids.max, or RLIMIT_NPROC)",
							 s->cat->cases[next].id, results[next].error,
							 FORK_RETRY_BOUND_MS / 1000.0);
					interrupted = SCHEDULE_ENV_ERROR;
				}
				break;
			}
			fork_failing_since = -1;
			backoff_ms = 10;
			if (started == -1 && (interrupted = finish(s, next, &results[next])) == 0)
				finished++;
			next++;
			if (interrupted)
				break;
		}
		if (interrupted || finished == s->cat->n)
			break;
		now = plat_now_ms();
		for (unsigned j = 0; j < jobs; j++) {
			procs[j] = slots[j].proc;
			procs[j].running = slots[j].busy;
			busy += slots[j].busy;
			if (slots[j].busy && (soonest < 0 || slots[j].deadline - now < soonest))
				soonest = slots[j].deadline - now;
		}
		if (fork_failing_since >= 0 && (soonest < 0 || soonest > backoff_ms)) {
			soonest = backoff_ms; /* a case ending frees a process, or the back-off ends */
			backoff_ms = backoff_ms < 320 ? backoff_ms * 2 : 320;
		}
		if (busy && (soonest < 0 || soonest > OUTPUT_POLL_MS))
			soonest = OUTPUT_POLL_MS;
		i = proc_wait_any(procs, jobs, soonest < 0 ? 0 : (int)soonest + 1, &ex);
		if (i == -2) {
			interrupted = plat_interrupted();
			break;
		}
		if (i >= 0) {
			struct case_result *r = &results[slots[i].index];
			slots[i].proc.running = 0;
			r->exit = ex;
			collect(s, &slots[i], r);
			if ((interrupted = finish(s, slots[i].index, r)) == 0)
				finished++;
			continue;
		}
		now = plat_now_ms();
		for (unsigned j = 0; j < jobs; j++) { /* the bound passed: kill who overran it */
			struct case_result *r = &results[slots[j].index];
			if (!slots[j].busy || slots[j].deadline > now)
				continue;
			r->timed_out = 1;
			collect(s, &slots[j], r);
			if ((interrupted = finish(s, slots[j].index, r)) != 0)
				break;
			finished++;
		}
	}
	for (unsigned j = 0; j < jobs; j++) /* interrupted: nothing of ours outlives the run */
		if (slots[j].busy)
			proc_kill_group(&slots[j].proc);
	free(slots);
	free(procs);
	return interrupted;
}
