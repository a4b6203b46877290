/* report.c: writing the run's TAP (see report.h). */
#include "report.h"
#include "tap.h"

#include <string.h>

void report_start(FILE *out, const struct identity *id, size_t npoints)
{
	fprintf(out, "TAP version 13\n"); /* 13: Debian 12's prove rejects 14 */
	identity_write(out, id);
	fprintf(out, "1..%zu\n", npoints);
}

static void write_diag(FILE *out, int indent, const struct point *p)
{
	for (unsigned i = 0; i < p->ndiag; i++)
		tap_yaml_pair(out, indent, p->diag[i].key, p->diag[i].value);
}

static void write_record(FILE *out, int indent, const struct divergence *rec)
{
	tap_yaml_pair(out, indent, "divergence", rec->why);
	for (unsigned s = 0; s < rec->nsources; s++)
		tap_yaml_pair(out, indent, "source", rec->sources[s]);
	tap_yaml_pair(out, indent, "recorded", rec->where);
}

/* A value shown on a test line: one line, whatever the case printed. */
static const char *one_line(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 1 < size; s++)
		buf[n++] = (*s == '\n' || *s == '\r' || *s == '#') ? ' ' : *s;
	buf[n] = '\0';
	return buf;
}

static void report_family(FILE *out, unsigned k, const struct point *p, enum family_verdict fv,
			  const struct divergence *rec)
{
	const char *got = point_diag(p, "got");
	char line[256];

	switch (fv) {
	case FV_PASS:
		fprintf(out, "    ok %u - %s\n", k, p->family);
		return;
	case FV_SKIP:
		fprintf(out, "    ok %u - %s # SKIP %s\n", k, p->family, p->skip_reason);
		return;
	case FV_NO_LONGER_DIVERGES:
		fprintf(out, "    ok %u - %s # TODO recorded divergence no longer diverges\n", k, p->family);
		fprintf(out, "      ---\n");
		write_record(out, 6, rec);
		fprintf(out, "      ...\n");
		return;
	case FV_DIVERGES:
		fprintf(out, "    not ok %u - %s # TODO diverges as recorded: got %s\n", k, p->family,
			got ? one_line(got, line, sizeof line) : "(see diagnostics)");
		break;
	case FV_FAIL:
	case FV_DIVERGES_OTHERWISE:
		fprintf(out, "    not ok %u - %s\n", k, p->family);
		break;
	}
	fprintf(out, "      ---\n");
	write_diag(out, 6, p);
	if (fv == FV_DIVERGES_OTHERWISE) {
		char msg[600];
		snprintf(msg, sizeof msg, "diverges, but not as recorded: the record says got %s",
			 rec->got);
		tap_yaml_pair(out, 6, "verdict", msg);
	}
	if (rec)
		write_record(out, 6, rec);
	fprintf(out, "      ...\n");
}

static const char *directive(const struct case_result *r)
{
	switch (r->verdict) {
	case CV_TODO: return " # TODO diverges as recorded";
	case CV_TODO_PASSED: return " # TODO recorded divergence no longer diverges";
	case CV_SKIP: return " # SKIP no family applies here";
	default: return "";
	}
}

void report_case(FILE *out, unsigned number, const struct case_result *r)
{
	const struct case_tap *t = &r->tap;

	if (r->tap_ok || t->npoints) {
		fprintf(out, "# Subtest: %s\n", r->entry->id);
		/* what the case asserts and why, so a results file explains itself
		 * (each was one line of the case's output: no newline to fear) */
		if (t->claim[0])
			fprintf(out, "    # claim: %s\n", t->claim);
		for (unsigned i = 0; i < t->ncites; i++)
			fprintf(out, "    # cite: %s\n", t->cites[i]);
		fprintf(out, "    1..%u\n", t->npoints);
		for (unsigned i = 0; i < t->npoints; i++) {
			if (r->tap_ok)
				report_family(out, i + 1, &t->points[i], r->fv[i], r->record[i]);
			else /* a broken case: what it printed, as it printed it */
				report_family(out, i + 1, &t->points[i],
					      t->points[i].skip ? FV_SKIP : t->points[i].ok ? FV_PASS : FV_FAIL,
					      NULL);
		}
	}
	/* a divergence is "not ok # TODO": prove counts it as a known failure */
	fprintf(out, "%s %u - %s%s\n", r->verdict == CV_FAIL || r->verdict == CV_TODO ? "not ok" : "ok",
		number, r->entry->id,
		directive(r));
	if (r->verdict == CV_PASS || r->verdict == CV_SKIP)
		return;
	fprintf(out, "  ---\n");
	if (r->broken)
		tap_yaml_pair(out, 2, "message", r->error);
	if (t->claim[0])
		tap_yaml_pair(out, 2, "claim", t->claim);
	if (t->ncites) {
		fprintf(out, "  cites:\n");
		for (unsigned i = 0; i < t->ncites; i++) {
			char q[1100];
			tap_yaml_quote(q, sizeof q, t->cites[i]);
			fprintf(out, "    - %s\n", q);
		}
	}
	if (r->exit.signo) {
		char sig[64];
		snprintf(sig, sizeof sig, "%s (%d)", signal_name(r->exit.signo), r->exit.signo);
		tap_yaml_pair(out, 2, "signal", sig);
	} else if (!r->start_failed && !r->timed_out) {
		char code[16];
		snprintf(code, sizeof code, "%d", r->exit.code);
		tap_yaml_pair(out, 2, "exit", code);
	}
	if (r->broken && r->stderr_tail[0])
		tap_yaml_pair(out, 2, "stderr", r->stderr_tail);
	{
		char ms[32];
		snprintf(ms, sizeof ms, "%.1f", r->ms);
		tap_yaml_pair(out, 2, "duration_ms", ms);
	}
	fprintf(out, "  ...\n");
}

void report_count(struct tally *t, const struct case_result *r)
{
	switch (r->verdict) {
	case CV_PASS: t->pass++; break;
	case CV_SKIP: t->skip++; break;
	case CV_FAIL: t->fail++; break;
	case CV_TODO: t->todo++; break;
	case CV_TODO_PASSED: t->todo_passed++; break;
	}
}

void report_end(FILE *out, const struct tally *t)
{
	fprintf(out, "# %u conform, %u diverge as recorded, %u recorded divergences no longer diverge, "
		     "%u skipped, %u do not conform\n",
		t->pass, t->todo, t->todo_passed, t->skip, t->fail);
}
