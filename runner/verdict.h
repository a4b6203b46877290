/*
 * verdict.h: what one case's run comes to, once the recorded divergences
 * are applied.  A case that crashed, hung, or printed something unreadable
 * fails whatever the records say.
 */
#ifndef RUNNER_VERDICT_H
#define RUNNER_VERDICT_H

#include "case_tap.h"
#include "catalog.h"
#include "divergence.h"
#include "platform.h"

enum family_verdict {
	FV_PASS,
	FV_SKIP,
	FV_FAIL,             /* differs from the documents, and no record says so */
	FV_DIVERGES,         /* differs as recorded: TODO (the record's kind says whose word it has) */
	FV_DIVERGES_OTHERWISE, /* a record exists, but what the case saw is not what it records */
	FV_NO_LONGER_DIVERGES, /* a record exists, and the family conforms: TODO, passed */
};

/* The TODO of a case whose recorded families are all documented ones is "conforms
 * to its own documents"; one divergence among them makes it "diverges as recorded". */

enum case_verdict { CV_PASS, CV_SKIP, CV_FAIL, CV_TODO, CV_TODO_PASSED };

/* A case prints a few KiB; more is a broken case, and the runner keeps no more. */
#define CASE_OUTPUT_CAP (1ul << 20)

struct case_result {
	const struct case_entry *entry;
	/* how the process went */
	int start_failed;
	int timed_out;
	struct proc_exit exit;
	double ms;
	int output_truncated;
	int output_capped;    /* killed at CASE_OUTPUT_CAP bytes of output (SIGXFSZ, or the size polled) */
	char left_running[160]; /* what the case left running outside its group when it ended */
	char error[512];      /* start failure, or set by verdict_apply for a broken case */
	char stderr_tail[2048];
	struct case_tap tap;
	int tap_ok;
	/* the verdicts */
	enum family_verdict fv[MAX_POINTS];
	const struct divergence *record[MAX_POINTS];
	enum case_verdict verdict;
	enum record_kind todo_kind; /* CV_TODO, CV_TODO_PASSED: the kind of the records behind it */
	int broken;
	char *summary; /* verdict_summary's text, kept by case_result_release; NULL before */
};

void verdict_apply(struct case_result *r, const struct divergences *d, const char *label,
		   unsigned timeout_ms);
const char *signal_name(int signo);
/* A short stable text of the verdicts, for comparing repeated runs. */
void verdict_summary(const struct case_result *r, char *out, size_t size);
/*
 * Once a case is reported, the runner keeps its verdicts, times and
 * verdict_summary, not what it printed: the case's texts are freed
 * (case_tap_free), its summary kept.
 */
void case_result_release(struct case_result *r);
/* Free all a result holds (a zeroed one holds nothing); it can be used again. */
void case_result_free(struct case_result *r);

#endif
