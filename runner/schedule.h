/*
 * schedule.h: running the selected cases, each as its own process group,
 * `jobs` at a time, each killed at its timeout.  Results arrive in the
 * order cases finish; `done` is called for each.
 */
#ifndef RUNNER_SCHEDULE_H
#define RUNNER_SCHEDULE_H

#include "verdict.h"

struct schedule {
	const struct catalog *cat;
	unsigned jobs;
	unsigned timeout_ms;
	const char *scratch_dir; /* where each case's output files go */
	char *const *wrap;       /* put before each case's path (a target: gvisor); NULL: none */
	char *const *env;        /* more "NAME=value" for each case; NULL: none */
	void (*done)(size_t index, struct case_result *r, void *ctx);
	void *ctx;
};

/* Fills results[0..cat->n).  0, or the signal number that interrupted the run. */
int schedule_run(const struct schedule *s, struct case_result *results);

#endif
