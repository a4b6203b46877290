/* summary.c: the run's closing lines for a person (see summary.h). */
#include "summary.h"
#include "platform.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void summary_note(struct summary *s, const struct case_result *r)
{
	for (unsigned i = 0; i < r->tap.npoints; i++) {
		const struct point *p = &r->tap.points[i];
		unsigned k;

		if (!p->skip)
			continue;
		/* AF_UNIX skips are the case saying the behaviour is TCP's: by design */
		if (strcmp(p->family, "unix") == 0) {
			s->unix_skips++;
			continue;
		}
		for (k = 0; k < s->nreasons && strcmp(s->reasons[k].text, p->skip_reason) != 0; k++)
			;
		if (k == s->nreasons) {
			if (k == SUMMARY_REASONS) {
				s->other_reasons++;
				continue;
			}
			snprintf(s->reasons[k].text, sizeof s->reasons[k].text, "%s", p->skip_reason);
			s->nreasons++;
		}
		s->reasons[k].points++;
	}
}

static int more_points_first(const void *a, const void *b)
{
	const struct skip_reason *ra = a, *rb = b;

	return (ra->points < rb->points) - (ra->points > rb->points);
}

void summary_print(FILE *out, struct summary *s, const struct tally *t, double seconds,
		   const char *results)
{
	unsigned cases = t->pass + t->todo + t->todo_passed + t->skip + t->fail;

	fprintf(out, "sockconf: %u case%s in %.1f s: %u conform, %u diverge as recorded, ", cases,
		cases == 1 ? "" : "s", seconds / 1000, t->pass, t->todo);
	if (t->todo_passed)
		fprintf(out, "%u no longer diverge, ", t->todo_passed);
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
