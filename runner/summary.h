/* summary.h: what a person at a terminal reads when a run ends, and what a
 * long phase is doing meanwhile.  Both go to stderr; the TAP on stdout and in
 * the results file is untouched. */
#ifndef RUNNER_SUMMARY_H
#define RUNNER_SUMMARY_H

#include "report.h"
#include "verdict.h"

#include <stdio.h>

#define SUMMARY_REASONS 16

struct skip_reason {
	char text[256];
	unsigned points;
};

struct summary {
	struct skip_reason reasons[SUMMARY_REASONS]; /* why TCP points were skipped */
	unsigned nreasons, other_reasons; /* distinct reasons kept, and the points beyond them */
	unsigned unix_skips;       /* AF_UNIX points that do not apply: counted, not itemized */
	/* points that ran their socket checks with their wire part skipped ("partial:"), by why */
	struct skip_reason partial[SUMMARY_REASONS];
	unsigned npartial, other_partial;
};

/* Notes the skipped, and the partly skipped, family points of one reported case. */
void summary_note(struct summary *s, const struct case_result *r);
/* The closing lines: one of counts, then one per reason a TCP point was skipped.
 * ms: the whole run; start_ms: of it, starting the target (a sandbox, a
 * prefix and wineserver, a stack's namespaces), or -1 where nothing starts.
 * results: the file written, or NULL. */
void summary_print(FILE *out, struct summary *s, const struct tally *t, double ms, double start_ms,
		   const char *results);
/* "sockconf: booting the uml guest ..." on stderr when it is a terminal. */
void progress(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

#endif
