/* verdict.c: from a case's exit and output to its verdict (see verdict.h). */
#include "verdict.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *signal_name(int signo)
{
	switch (signo) {
	case SIGSEGV: return "SIGSEGV";
	case SIGABRT: return "SIGABRT";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGTERM: return "SIGTERM";
	case SIGINT: return "SIGINT";
#ifdef SIGKILL
	case SIGKILL: return "SIGKILL";
#endif
#ifdef SIGBUS
	case SIGBUS: return "SIGBUS";
#endif
#ifdef SIGPIPE
	case SIGPIPE: return "SIGPIPE";
#endif
#ifdef SIGALRM
	case SIGALRM: return "SIGALRM";
#endif
#ifdef SIGHUP
	case SIGHUP: return "SIGHUP";
#endif
#ifdef SIGQUIT
	case SIGQUIT: return "SIGQUIT";
#endif
#ifdef SIGXFSZ
	case SIGXFSZ: return "SIGXFSZ";
#endif
	}
	return "signal";
}

/* Why the run itself says nothing reliable, or NULL. */
static void find_breakage(struct case_result *r, unsigned timeout_ms)
{
	unsigned failed = 0;

	if (r->start_failed) {
		r->broken = 1; /* r->error already says why */
		return;
	}
	r->broken = 1;
	if (r->timed_out) {
		snprintf(r->error, sizeof r->error, "hang: no result within %.1f s; killed",
			 timeout_ms / 1000.0);
		return;
	}
	if (r->output_capped
#ifdef SIGXFSZ
	    || r->exit.signo == SIGXFSZ
#endif
	) {
		snprintf(r->error, sizeof r->error, "output over %lu bytes: killed (the runner keeps no more)",
			 CASE_OUTPUT_CAP);
		return;
	}
	if (r->exit.signo) {
		snprintf(r->error, sizeof r->error, "crashed: killed by %s (%d)",
			 signal_name(r->exit.signo), r->exit.signo);
		return;
	}
	if (r->output_truncated) {
		snprintf(r->error, sizeof r->error, "printed more output than the runner keeps");
		return;
	}
	if (r->left_running[0]) {
		snprintf(r->error, sizeof r->error, "left a process running: %s; killed", r->left_running);
		return;
	}
	if (!r->tap_ok) {
		snprintf(r->error, sizeof r->error, "unparseable output: %s", r->tap.error);
		return;
	}
	if (strcmp(r->tap.id, r->entry->id) != 0) {
		snprintf(r->error, sizeof r->error, "the program %s says it is case '%s'",
			 r->entry->id, r->tap.id);
		return;
	}
	if (r->tap.npoints == 0) {
		snprintf(r->error, sizeof r->error, "the case reported no points: it tested nothing");
		return;
	}
	for (unsigned i = 0; i < r->tap.npoints; i++)
		failed += !r->tap.points[i].ok;
	if (r->exit.code != (failed ? 1 : 0)) {
		snprintf(r->error, sizeof r->error, "exit status %d does not match its %u failed points",
			 r->exit.code, failed);
		return;
	}
	r->broken = 0;
}

static enum family_verdict judge_family(const struct point *p, const struct divergence *rec)
{
	const char *got = point_diag(p, "got");

	if (p->skip)
		return FV_SKIP;
	if (p->ok) /* a record of what happens only sometimes did not happen this time */
		return rec && !rec->sometimes ? FV_NO_LONGER_DIVERGES : FV_PASS;
	if (!rec)
		return FV_FAIL;
	if (rec->has_got && (!got || strcmp(got, rec->got) != 0))
		return FV_DIVERGES_OTHERWISE;
	return FV_DIVERGES;
}

void verdict_apply(struct case_result *r, const struct divergences *d, const char *label,
		   unsigned timeout_ms)
{
	int any_fail = 0, any_todo = 0, any_fixed = 0, all_skip = 1;
	int todo_divergence = 0, fixed_divergence = 0; /* a divergence record behind either */

	find_breakage(r, timeout_ms);
	for (unsigned i = 0; r->tap_ok && i < r->tap.npoints; i++) {
		const struct point *p = &r->tap.points[i];

		r->record[i] = divergence_find(d, label, r->entry->id, p->family);
		r->fv[i] = judge_family(p, r->record[i]);
		any_fail |= r->fv[i] == FV_FAIL || r->fv[i] == FV_DIVERGES_OTHERWISE;
		any_todo |= r->fv[i] == FV_DIVERGES;
		any_fixed |= r->fv[i] == FV_NO_LONGER_DIVERGES;
		all_skip &= r->fv[i] == FV_SKIP;
		if (r->record[i] && r->record[i]->kind != KIND_DOCUMENTED) {
			todo_divergence |= r->fv[i] == FV_DIVERGES;
			fixed_divergence |= r->fv[i] == FV_NO_LONGER_DIVERGES;
		}
	}
	r->todo_kind = KIND_DIVERGENCE;
	if (r->broken || any_fail) {
		r->verdict = CV_FAIL;
	} else if (any_todo) {
		r->verdict = CV_TODO;
		r->todo_kind = todo_divergence ? KIND_DIVERGENCE : KIND_DOCUMENTED;
	} else if (any_fixed) {
		r->verdict = CV_TODO_PASSED;
		r->todo_kind = fixed_divergence ? KIND_DIVERGENCE : KIND_DOCUMENTED;
	} else if (all_skip && r->tap.npoints) {
		r->verdict = CV_SKIP;
	} else {
		r->verdict = CV_PASS;
	}
}

void verdict_summary(const struct case_result *r, char *out, size_t size)
{
	static const char *const fv_names[] = {"pass", "skip", "fail", "diverges", "diverges-otherwise",
					       "no-longer-diverges"};
	size_t n;

	if (r->summary) { /* released: its texts are gone, its summary was kept */
		snprintf(out, size, "%s", r->summary);
		return;
	}
	n = (size_t)snprintf(out, size, "%s", r->broken ? r->error : "");
	for (unsigned i = 0; !r->broken && i < r->tap.npoints && n < size; i++) {
		const char *got = point_diag(&r->tap.points[i], "got");
		int documented = r->record[i] && r->record[i]->kind == KIND_DOCUMENTED;
		n += (size_t)snprintf(out + n, size - n, "%s=%s%s%s%s ", r->tap.points[i].family,
				      fv_names[r->fv[i]], documented ? "(documented)" : "",
				      got ? ":" : "", got ? got : "");
	}
}

void case_result_release(struct case_result *r)
{
	char text[2048]; /* what main.c compares repeated rounds with */

	if (!r->summary) {
		verdict_summary(r, text, sizeof text);
		r->summary = strdup(text); /* none (out of memory): the summary reads as the verdicts left */
	}
	case_tap_free(&r->tap);
}

void case_result_free(struct case_result *r)
{
	case_tap_free(&r->tap);
	free(r->summary);
	r->summary = NULL;
}
