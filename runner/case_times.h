/*
 * case_times.h: how long each case took in the last run of a label, kept
 * with the cases as CASES/.times/<label> ("ID MS" lines): a cache, not a
 * result.  The scheduler
 * uses them only to go faster: the cases that took longest start first,
 * and a long case runs its families as separate processes at once (a case
 * that lingers 1 s per family takes 1 s, not 3).  Missing or stale times
 * cost speed, never a verdict.
 */
#ifndef RUNNER_CASE_TIMES_H
#define RUNNER_CASE_TIMES_H

#include "catalog.h"
#include "verdict.h"

#include <stddef.h>

/* The path of label's times for the cases in cases_dir; $SOCKCONF_TIMES_FILE where it is set
 * (the host tells a uml or qemu guest's runner where the last run's times are, target_posix.h). */
void case_times_path(const char *cases_dir, const char *label, char *out, size_t size);
/* ms[i] for catalog case i from path: 0 where the file has none.  0, or -1 (no file: all 0). */
int case_times_load(const char *path, const struct catalog *cat, double *ms);
/* Write this run's times to path (for each case the longer of this run's and half the
 * file's), keeping the file's times of cases not run now.  0, or -1 with errno. */
int case_times_save(const char *path, const struct catalog *cat, const struct case_result *results);

#endif
