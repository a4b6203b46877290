/*
 * schedule.h: running the selected cases, each as its own process group,
 * `jobs` at a time, each killed at its timeout.  Results arrive in the
 * order cases finish; `done` is called for each.  A case run as a process
 * per family (`CASE --family F`) is reported once, its parts put together.
 */
#ifndef RUNNER_SCHEDULE_H
#define RUNNER_SCHEDULE_H

#include "platform.h"
#include "verdict.h"

struct schedule {
	const struct catalog *cat;
	unsigned jobs;           /* cases at once */
	unsigned max_jobs;       /* more, up to this, while CPUs sit idle; 0: jobs.  And beside
				  * them up to twice as many units of long cases seen waiting */
	/* each case's time in the last run, ms (case_times.h), or NULL: the longest
	 * start first, and one of 400 ms or more runs a process per family */
	const double *last_ms;
	unsigned timeout_ms;
	const char *scratch_dir; /* where each case's output files go */
	char *const *wrap;       /* put before each case's path (a target: gvisor); NULL: none */
	char *const *env;        /* more "NAME=value" for each case; NULL: none */
	char *const *case_env;   /* one more "NAME=value" a catalogued case, or NULL, by index; NULL: none */
	proc_setup_fn setup;     /* run in each case's process first (lwip-linux); NULL: none */
	void *setup_ctx;
	void (*done)(size_t index, struct case_result *r, void *ctx);
	void *ctx;
	/* where schedule_run says why the machine cannot run the cases */
	char *env_error;
	size_t env_error_size;
};

/* Fills results[0..cat->n).  0, the signal number that interrupted the run,
 * or SCHEDULE_ENV_ERROR: the machine cannot run cases (a full TMPDIR, no
 * processes left to start, a setup that failed), said in s->env_error; the
 * case that met it is not reported. */
#define SCHEDULE_ENV_ERROR (-1)
int schedule_run(const struct schedule *s, struct case_result *results);

#endif
