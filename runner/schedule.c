/* schedule.c: running cases in parallel, with timeouts (see schedule.h). */
#include "schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTPUT_CAP (1u << 20) /* a case prints a few KiB; more is a broken case */

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

static void collect(const struct schedule *s, struct slot *sl, struct case_result *r)
{
	char out_path[1200], err_path[1200];
	size_t len;
	char *text;

	proc_kill_group(&sl->proc); /* children the case left behind go with it */
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

static int start(const struct schedule *s, struct slot *sl, size_t index, struct case_result *r)
{
	const struct case_entry *e = &s->cat->cases[index];
	char out_path[1200], err_path[1200], timeout_env[64];
	char *argv[24], *env[8];
	size_t na = 0, ne = 0;

	memset(r, 0, sizeof *r);
	r->entry = e;
	if (!e->executable) {
		r->start_failed = 1;
		snprintf(r->error, sizeof r->error, "cannot run %s: not an executable file", e->path);
		return -1;
	}
	for (size_t k = 0; s->wrap && s->wrap[k] && na < 22; k++) /* a target's wrapper first */
		argv[na++] = s->wrap[k];
	argv[na++] = (char *)e->path;
	argv[na] = NULL;
	snprintf(timeout_env, sizeof timeout_env, "SOCKCONF_TIMEOUT_MS=%u", s->timeout_ms);
	env[ne++] = timeout_env;
	for (size_t k = 0; s->env && s->env[k] && ne < 7; k++)
		env[ne++] = s->env[k];
	env[ne] = NULL;
	output_paths(s, index, out_path, err_path, sizeof out_path);
	sl->started = plat_now_ms();
	if (proc_start(&sl->proc, argv, env, out_path, err_path, r->error, sizeof r->error) == -1) {
		r->start_failed = 1;
		return -1;
	}
	sl->index = index;
	sl->deadline = sl->started + s->timeout_ms;
	sl->busy = 1;
	return 0;
}

int schedule_run(const struct schedule *s, struct case_result *results)
{
	unsigned jobs = s->jobs ? s->jobs : 1;
	struct slot *slots = calloc(jobs, sizeof *slots);
	struct proc *procs = calloc(jobs, sizeof *procs);
	size_t next = 0, finished = 0;
	int interrupted = 0;

	if (!slots || !procs) {
		free(slots);
		free(procs);
		return -1;
	}
	while (finished < s->cat->n && !interrupted) {
		double now, soonest = -1;
		struct proc_exit ex;
		int i;

		for (unsigned j = 0; j < jobs && next < s->cat->n; j++) {
			if (slots[j].busy)
				continue;
			if (start(s, &slots[j], next, &results[next]) == -1) {
				s->done(next, &results[next], s->ctx);
				finished++;
			}
			next++;
		}
		if (finished == s->cat->n)
			break;
		now = plat_now_ms();
		for (unsigned j = 0; j < jobs; j++) {
			procs[j] = slots[j].proc;
			procs[j].running = slots[j].busy;
			if (slots[j].busy && (soonest < 0 || slots[j].deadline - now < soonest))
				soonest = slots[j].deadline - now;
		}
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
			s->done(slots[i].index, r, s->ctx);
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
			s->done(slots[j].index, r, s->ctx);
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
