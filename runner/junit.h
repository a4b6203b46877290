/*
 * junit.h: the run as a JUnit XML report (run --junit FILE), for the CI
 * systems that show test results: GitLab's unit test reports, Jenkins'
 * JUnit plugin.  It says what the TAP says, from the same verdicts:
 *
 *   <testsuites name=LABEL>, a <testsuite name=LABEL> per round (--repeat)
 *   <testcase classname="rst.linger0_econnreset" name="inet" time=SECONDS>
 *     conforms                passed
 *     skips                   <skipped message="why"/>
 *     does not conform        <failure message="CHECK: [expected E, ]got G">claim, the
 *                             diagnostics, the record if any, the cites</failure>
 *     diverges as recorded    passed, with <system-out>diverges as recorded:
 *                             got GOT, kind, why, sources</system-out>
 *     as its own documents    passed, with <system-out>conforms to its own
 *     (a documented record)   documents: got GOT, kind, why, sources</system-out>
 *     no longer diverges      passed, with <system-out> naming the record
 *     (or no longer holds)    and its kind
 *   a broken case (crash, hang, output that does not parse, ...): the
 *   families it printed, as it printed them, and one testcase named for the
 *   case (classname and name its id) with <error message=WHY>: signal or
 *   exit status, stderr's tail, claim, cites.
 *
 * A family's time is the case's measured time shared among the case's
 * testcases: its families run one after another in one process, and the
 * runner times that process.  The report is kept in memory and written
 * whole at the end, under a temporary name then renamed (atomic_file.h).
 */
#ifndef RUNNER_JUNIT_H
#define RUNNER_JUNIT_H

#include "atomic_file.h"
#include "identity.h"
#include "verdict.h"

#include <stddef.h>
#include "text.h"

#include <stdio.h>


struct junit_suite {
	struct text testcases;
	unsigned tests, failures, errors, skipped;
	double ms;
};

struct junit {
	struct identity id;   /* the run's label and platform, for names and properties */
	struct junit_suite *suites; /* one per round */
	size_t nsuites;
	int out_of_memory;
	struct atomic_file file;
	int have_file;
};

/* An empty report of the run `id` names, in memory only. */
void junit_init(struct junit *j, const struct identity *id);
/*
 * junit_init, and the temporary file beside path (its directory created
 * if need be), so an unwritable path stops the run before it starts.  0,
 * or -1 with errno.
 */
int junit_open(struct junit *j, const char *path, const struct identity *id);
/* Start the next round's testsuite (the first junit_case starts one if none was). */
void junit_round(struct junit *j);
/* Add a case once verdict_apply has judged it. */
void junit_case(struct junit *j, const struct case_result *r);
/* The whole document.  0, or -1 when memory ran out (what was written is not whole). */
int junit_write(const struct junit *j, FILE *out);
/*
 * complete: write the document and rename it into place; otherwise (an
 * interrupted run) remove the temporary.  Frees the report.  0, or -1
 * with errno.
 */
int junit_finish(struct junit *j, int complete);
void junit_free(struct junit *j);

/*
 * Append s as XML 1.0 text (attribute: inside a double-quoted attribute
 * value).  Markup characters become references; the characters XML 1.0
 * does not allow at all (C0 controls but tab, newline and carriage
 * return; U+FFFE, U+FFFF) become their visible stand-ins, U+2400 + c for a
 * control character; bytes that are not UTF-8 become U+FFFD.
 */
void xml_escape(struct text *t, const char *s, int attribute);

#endif
