/* diff.c: the differences between two runs (see diff.h). */
#include "diff.h"
#include "matrix.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void quoted(char *out, size_t size, const char *prefix, const char *value)
{
	char q[600];

	tap_yaml_quote(q, sizeof q, value);
	snprintf(out, size, "%s%s", prefix, q);
}

/* "diverges (got \"5\")", "documented (got \"5\")": a family's verdict with what it observed. */
static void family_state(const struct run_family *f, char *out, size_t size)
{
	const char *got = f ? run_yaml_get(&f->diag, "got") : NULL;
	char detail[700] = "";

	if (!f) {
		snprintf(out, size, "absent");
		return;
	}
	if (f->result == RR_SKIP && f->directive[0])
		quoted(detail, sizeof detail, " (", f->directive);
	else if (got && (f->result == RR_TODO || f->result == RR_FAIL))
		quoted(detail, sizeof detail, " (got ", got);
	if (detail[0])
		strncat(detail, ")", sizeof detail - strlen(detail) - 1);
	switch (f->result) {
	case RR_PASS: snprintf(out, size, "conforms"); break;
	case RR_SKIP: snprintf(out, size, "skipped%s", detail); break;
	case RR_TODO:
		snprintf(out, size, "%s%s", f->documented ? "documented" : "diverges", detail);
		break;
	case RR_TODO_PASSED:
		snprintf(out, size, "%s",
			 f->documented ? "documented record no longer holds" : "no longer diverges");
		break;
	case RR_FAIL: snprintf(out, size, "fails%s", detail); break;
	}
}

/* What the case's own point says beyond its families: a broken case's message, instability. */
static void case_extra(const struct run_case *c, char *out, size_t size)
{
	const char *message = run_yaml_get(&c->diag, "message");
	size_t n;

	out[0] = '\0';
	if (message) {
		quoted(out, size, " (", message);
		strncat(out, ")", size - strlen(out) - 1);
	}
	n = strlen(out);
	if (c->changed_round)
		snprintf(out + n, size - n, " (verdicts changed in round %u)", c->changed_round);
}

static const struct run_family *find_family(const struct run_case *c, const char *name)
{
	for (size_t i = 0; i < c->nfamilies; i++)
		if (strcmp(c->families[i].name, name) == 0)
			return &c->families[i];
	return NULL;
}

static size_t diff_case(FILE *out, const struct run_case *a, const struct run_case *b)
{
	size_t lines = 0;
	char sa[800], sb[800], xa[800], xb[800];
	const char *va = matrix_status_name(matrix_cell_status(a));
	const char *vb = matrix_status_name(matrix_cell_status(b));

	for (int side = 0; side < 2; side++) {
		const struct run_case *from = side ? b : a, *other = side ? a : b;
		for (size_t i = 0; i < from->nfamilies; i++) {
			const struct run_family *f = &from->families[i];
			const struct run_family *g = find_family(other, f->name);

			if (side && g)
				continue; /* compared from A's side */
			family_state(side ? g : f, sa, sizeof sa);
			family_state(side ? f : g, sb, sizeof sb);
			if (strcmp(sa, sb) != 0) {
				fprintf(out, "%s %s: %s -> %s\n", a->id, f->name, sa, sb);
				lines++;
			}
		}
	}
	case_extra(a, xa, sizeof xa);
	case_extra(b, xb, sizeof xb);
	if (strcmp(xa, xb) != 0 || (strcmp(va, vb) != 0 && lines == 0)) {
		fprintf(out, "%s: %s%s -> %s%s\n", a->id, va, xa, vb, xb);
		lines++;
	}
	return lines;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

size_t diff_runs(FILE *out, const struct run_tap *a, const char *name_a, const struct run_tap *b,
		 const char *name_b)
{
	size_t n = 0, lines = 0;
	const char **ids = malloc((a->ncases + b->ncases + 1) * sizeof *ids);

	if (!ids) {
		fprintf(out, "(out of memory)\n");
		return 1;
	}
	for (size_t i = 0; i < a->ncases; i++)
		ids[n++] = a->cases[i].id;
	for (size_t i = 0; i < b->ncases; i++)
		ids[n++] = b->cases[i].id;
	qsort(ids, n, sizeof *ids, cmp_str);
	for (size_t i = 0; i < n; i++) {
		const struct run_case *ca, *cb;

		if (i && strcmp(ids[i - 1], ids[i]) == 0)
			continue;
		ca = run_tap_find(a, ids[i]);
		cb = run_tap_find(b, ids[i]);
		if (ca && cb) {
			lines += diff_case(out, ca, cb);
		} else {
			const struct run_case *c = ca ? ca : cb;
			fprintf(out, "%s: only in %s (%s)\n", c->id, ca ? name_a : name_b,
				matrix_status_name(matrix_cell_status(c)));
			lines++;
		}
	}
	free(ids);
	return lines;
}

int diff_main(const char *path_a, const char *path_b)
{
	struct run_tap a, b;
	char err[1024];
	size_t lines;

	if (run_tap_load(&a, path_a, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: %s\n", err);
		return 2;
	}
	if (run_tap_load(&b, path_b, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: %s\n", err);
		run_tap_free(&a);
		return 2;
	}
	lines = diff_runs(stdout, &a, path_a, &b, path_b);
	run_tap_free(&a);
	run_tap_free(&b);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "sockconf: cannot write the differences\n");
		return 2;
	}
	return lines ? 1 : 0;
}
