/*
 * report.h: the run's TAP.  One point per case; inside it, a subtest with
 * a point per address family; YAML diagnostics wherever something is not
 * plainly "ok".  TAP 13 with the plan on line 2, every YAML block valid
 * YAML (a key once, several values a list) and every line UTF-8, whatever
 * a case printed: Debian 12's prove, tappy and tap-parser --strict read it
 * as it is (tests/e2e/test_consumers.py).
 */
#ifndef RUNNER_REPORT_H
#define RUNNER_REPORT_H

#include "identity.h"
#include "verdict.h"

#include <stdio.h>

struct tally {
	unsigned pass, skip, fail;
	unsigned todo, todo_passed;             /* on divergence records: diverge, no longer */
	unsigned documented, documented_passed; /* on documented records: follow them, no longer */
};

void report_start(FILE *out, const struct identity *id, size_t npoints);
void report_case(FILE *out, unsigned number, const struct case_result *r);
void report_count(struct tally *t, const struct case_result *r);
void report_end(FILE *out, const struct tally *t);

#endif
