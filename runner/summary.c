/* summary.c: the run's closing lines for a person (see summary.h). */
#include "summary.h"
#include "platform.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* One more point for this reason; past SUMMARY_REASONS distinct ones, counted in *other. */
static void count_reason(struct skip_reason *reasons, unsigned *n, unsigned *other, const char *text)
{
	unsigned k;

	for (k = 0; k < *n && strcmp(reasons[k].text, text) != 0; k++)
		;
	if (k == *n) {
		if (k == SUMMARY_REASONS) {
			(*other)++;
			return;
		}
		snprintf(reasons[k].text, sizeof reasons[k].text, "%s", text);
		(*n)++;
	}
	reasons[k].points++;
}

void summary_note(struct summary *s, const struct case_result *r)
{
	for (unsigned i = 0; i < r->tap.npoints; i++) {
		const struct point *p = &r->tap.points[i];
		const char *partial = point_diag(p, "partial");

		if (!p->skip) {
			if (partial) /* it ran, but not all of it: its wire checks were skipped */
				count_reason(s->partial, &s->npartial, &s->other_partial, partial);
			continue;
		}
		/* AF_UNIX skips are the case saying the behaviour is TCP's: by design */
		if (strcmp(p->family, "unix") == 0) {
			s->unix_skips++;
			continue;
		}
		count_reason(s->reasons, &s->nreasons, &s->other_reasons, p->skip_reason);
	}
}

static int more_points_first(const void *a, const void *b)
{
	const struct skip_reason *ra = a, *rb = b;

	return (ra->points < rb->points) - (ra->points > rb->points);
}

void summary_print(FILE *out, struct summary *s, const struct tally *t, double ms, double start_ms,
		   const char *results)
{
	unsigned cases = t->pass + t->documented + t->documented_passed + t->todo + t->todo_passed +
			 t->skip + t->fail;

	fprintf(out, "sockconf: %u case%s in %.1f s", cases, cases == 1 ? "" : "s", ms / 1000);
	if (start_ms >= 0) /* what the target costs once, told apart from what its cases cost */
		fprintf(out, " (%.1f s of it starting the target)", start_ms / 1000);
	fprintf(out, ": %u conform, %u follow their own documents, %u diverge as recorded, ", t->pass,
		t->documented, t->todo);
	if (t->todo_passed)
		fprintf(out, "%u no longer diverge, ", t->todo_passed);
	if (t->documented_passed)
		fprintf(out, "%u documented records no longer hold, ", t->documented_passed);
	fprintf(out, "%u skipped, %u %s%s%s\n", t->skip, t->fail,
		t->fail ? "DO NOT CONFORM" : "do not conform", /* the shout is for failures only */
		results ? "; results: " : "", results ? results : "");
	qsort(s->reasons, s->nreasons, sizeof s->reasons[0], more_points_first);
	for (unsigned k = 0; k < s->nreasons; k++)
		fprintf(out, "sockconf: skipped %u inet/inet6 point%s: %s\n", s->reasons[k].points,
			s->reasons[k].points == 1 ? "" : "s", s->reasons[k].text);
	if (s->other_reasons)
		fprintf(out, "sockconf: skipped %u more points for other reasons (see the TAP)\n",
			s->other_reasons);
	qsort(s->partial, s->npartial, sizeof s->partial[0], more_points_first);
	for (unsigned k = 0; k < s->npartial; k++)
		fprintf(out, "sockconf: %u point%s ran in part: %s\n", s->partial[k].points,
			s->partial[k].points == 1 ? "" : "s", s->partial[k].text);
	if (s->other_partial)
		fprintf(out, "sockconf: %u more points ran in part, for other reasons (see the TAP)\n",
			s->other_partial);
	if (s->unix_skips)
		fprintf(out, "sockconf: %u unix point%s skipped: the behaviour is TCP's (reasons in the TAP)\n",
			s->unix_skips, s->unix_skips == 1 ? "" : "s");
}

void progress(const char *fmt, ...)
{
	va_list ap;

	if (!plat_stderr_is_terminal())
		return;
	fputs("sockconf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}
