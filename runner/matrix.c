/* matrix.c: behaviour x platform, in Markdown and HTML (see matrix.h). */
#include "matrix.h"
#include "atomic_file.h"
#include "case_tap.h"
#include "catalog.h"
#include "platform.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {
	"not run", "conforms", "diverges", "fails", "skipped", "documented",
};

const char *matrix_status_name(enum cell_status s)
{
	return status_names[s];
}

enum cell_status matrix_cell_status(const struct run_case *c)
{
	int all_skip = 1;

	if (!c)
		return CELL_NOT_RUN;
	switch (c->result) {
	case RR_FAIL: return CELL_FAILS;
	case RR_TODO: return c->documented ? CELL_DOCUMENTED : CELL_DIVERGES;
	case RR_SKIP: return CELL_SKIPPED;
	case RR_TODO_PASSED: return CELL_CONFORMS;
	case RR_PASS: break;
	}
	for (size_t i = 0; i < c->nfamilies; i++)
		all_skip &= c->families[i].result == RR_SKIP;
	return all_skip && c->nfamilies ? CELL_SKIPPED : CELL_CONFORMS;
}

/* ---- text ------------------------------------------------------------------ */

struct text {
	char *buf;
	size_t size, len;
};

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len + 1 >= t->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < t->size - t->len ? (size_t)n : t->size - t->len - 1;
}

/* A value on one line, cut at `max` bytes (on a UTF-8 boundary). */
static void put_one_line(struct text *t, const char *s, size_t max)
{
	size_t n = 0;

	for (; *s && t->len + 1 < t->size; s++, n++) {
		if (n >= max && ((unsigned char)*s & 0xc0) != 0x80) {
			put(t, "...");
			return;
		}
		t->buf[t->len++] = (*s == '\n' || *s == '\r' || *s == '\t') ? ' ' : *s;
		t->buf[t->len] = '\0';
	}
}

/* What one family did, in a few words. */
static void family_words(const struct run_family *f, enum cell_status status, char *out, size_t size)
{
	struct text t = {out, size, 0};
	const char *got = run_yaml_get(&f->diag, "got");
	const char *expected = run_yaml_get(&f->diag, "expected");
	const char *verdict = run_yaml_get(&f->diag, "verdict");
	const char *partial = run_yaml_get(&f->diag, "partial");
	const char *says;

	out[0] = '\0';
	switch (f->result) {
	case RR_PASS:
		if (!partial) {
			put(&t, "conforms");
			return;
		}
		/* conforms by its socket checks; its wire part was skipped: "wire checks skipped: why" */
		if (status != CELL_CONFORMS)
			put(&t, "conforms, ");
		put_one_line(&t, partial, 200);
		return;
	case RR_SKIP:
		if (status == CELL_SKIPPED)
			put_one_line(&t, *f->directive ? f->directive : "skipped", 160);
		else
			put(&t, "skipped");
		return;
	case RR_TODO_PASSED:
		put(&t, f->documented ? "documented record no longer holds" : "no longer diverges");
		return;
	case RR_TODO:
		if (!got && (got = strstr(f->directive, "got ")) != NULL)
			got += 4; /* "diverges as recorded: got 5" */
		if (f->documented && status != CELL_DOCUMENTED)
			put(&t, "as documented, "); /* the cell's word is another kind's */
		if (got) {
			put(&t, "got ");
			put_one_line(&t, got, 100);
		} else {
			put(&t, "diverges");
		}
		return;
	case RR_FAIL:
		if (got) {
			put(&t, "got ");
			put_one_line(&t, got, 100);
		} else {
			put(&t, "fails");
		}
		if (expected) {
			put(&t, ", expected ");
			put_one_line(&t, expected, 60);
		}
		if (verdict && (says = strstr(verdict, "the record says ")) != NULL) {
			put(&t, ", but the record says ");
			put_one_line(&t, says + 16, 100);
		}
		return;
	}
}

void matrix_cell_text(const struct run_case *c, char *out, size_t size)
{
	struct text t = {out, size, 0};
	enum cell_status status = matrix_cell_status(c);
	const char *message = c ? run_yaml_get(&c->diag, "message") : NULL;
	char words[16][400];
	char names[16][200];
	enum run_result rank[16];
	static const enum run_result order[] = {RR_FAIL, RR_TODO, RR_TODO_PASSED, RR_PASS, RR_SKIP};
	size_t ngroups = 0, nparts = 0;

	out[0] = '\0';
	put(&t, "%s", status_names[status]);
	if (!c)
		return;
	for (size_t i = 0; i < c->nfamilies; i++) {
		char w[400];
		size_t g;

		family_words(&c->families[i], status, w, sizeof w);
		for (g = 0; g < ngroups && strcmp(words[g], w) != 0; g++)
			;
		if (g == ngroups) {
			if (ngroups == 16)
				continue;
			snprintf(words[g], sizeof words[g], "%s", w);
			names[g][0] = '\0';
			rank[g] = c->families[i].result;
			ngroups++;
		}
		snprintf(names[g] + strlen(names[g]), sizeof names[g] - strlen(names[g]), "%s%s",
			 names[g][0] ? ", " : "", c->families[i].name);
	}
	if (message) {
		put(&t, " (");
		put_one_line(&t, message, 200);
		nparts++;
	}
	/* what differs first: fails, diverges, no longer diverges, conforms, skipped */
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		for (size_t g = 0; g < ngroups; g++) {
			if (rank[g] != order[k])
				continue;
			if (status == CELL_CONFORMS && order[k] == RR_PASS && strcmp(words[g], "conforms") == 0)
				continue; /* the cell's word says it; a partial pass still says what was skipped */
			put(&t, nparts++ ? "; " : " (");
			if (status == CELL_SKIPPED && ngroups == 1)
				put(&t, "%s", words[g]); /* one reason for all: naming families adds nothing */
			else
				put(&t, "%s: %s", names[g], words[g]);
		}
	}
	if (c->changed_round) {
		put(&t, nparts++ ? "; " : " (");
		put(&t, "verdicts changed in round %u of %u", c->changed_round, c->rounds);
	}
	if (nparts)
		put(&t, ")");
}

/* ---- loading ----------------------------------------------------------------- */

struct names {
	char **v;
	size_t n;
	int failed;
};

static void collect(const char *name, void *ctx)
{
	struct names *ns = ctx;
	size_t len = strlen(name);
	char **more, *copy;

	/* a filtered run's file is no platform's whole picture */
	if (len >= 12 && strcmp(name + len - 12, ".partial.tap") == 0)
		return;
	more = realloc(ns->v, (ns->n + 1) * sizeof *more);
	copy = malloc(len + 1);

	if (!more || !copy) {
		if (more)
			ns->v = more;
		free(copy);
		ns->failed = 1;
		return;
	}
	strcpy(copy, name);
	ns->v = more;
	ns->v[ns->n++] = copy;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_run(const void *a, const void *b)
{
	const struct run_tap *ra = a, *rb = b;
	int c = strcmp(ra->label, rb->label);

	return c ? c : strcmp(ra->path, rb->path);
}

static char *dup_s(const char *s)
{
	char *d = malloc(strlen(s) + 1);

	if (d)
		strcpy(d, s);
	return d;
}

static int set_cites(struct behaviour *b, const struct run_yaml *y)
{
	for (size_t i = 0; i < y->n; i++) {
		char **more;
		if (strcmp(y->pairs[i].key, "cites") != 0)
			continue;
		more = realloc(b->cites, (b->ncites + 1) * sizeof *more);
		if (!more)
			return -1;
		b->cites = more;
		if (!(b->cites[b->ncites] = dup_s(y->pairs[i].value)))
			return -1;
		b->ncites++;
	}
	return 0;
}

static int make_rows(struct matrix *m)
{
	char **ids = NULL;
	size_t n = 0, total = 0;

	for (size_t r = 0; r < m->nruns; r++)
		total += m->runs[r].ncases;
	if (total && !(ids = malloc(total * sizeof *ids)))
		return -1;
	for (size_t r = 0; r < m->nruns; r++)
		for (size_t i = 0; i < m->runs[r].ncases; i++)
			ids[n++] = m->runs[r].cases[i].id;
	if (n)
		qsort(ids, n, sizeof *ids, cmp_str);
	m->rows = calloc(n ? n : 1, sizeof *m->rows);
	if (!m->rows) {
		free(ids);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct behaviour *b;
		if (m->nrows && strcmp(m->rows[m->nrows - 1].id, ids[i]) == 0)
			continue;
		b = &m->rows[m->nrows++];
		if (!(b->id = dup_s(ids[i])))
			goto oom;
		for (size_t r = 0; r < m->nruns; r++) {
			const struct run_case *c = run_tap_find(&m->runs[r], b->id);
			const char *claim = c ? run_yaml_get(&c->about, "claim") : NULL;
			if (c && !claim)
				claim = run_yaml_get(&c->diag, "claim");
			if (!b->claim && claim && *claim && !(b->claim = dup_s(claim)))
				goto oom;
			if (c && !b->ncites && set_cites(b, &c->about) == -1)
				goto oom;
			if (c && !b->ncites && set_cites(b, &c->diag) == -1)
				goto oom;
		}
		if (!b->claim && !(b->claim = dup_s("")))
			goto oom;
	}
	free(ids);
	return 0;
oom:
	free(ids);
	return -1;
}

int matrix_load(struct matrix *m, const char *dir, char *err, size_t errsize)
{
	struct names ns = {NULL, 0, 0};

	memset(m, 0, sizeof *m);
	if (plat_list_files(dir, ".tap", collect, &ns) == -1) {
		snprintf(err, errsize, "%s: cannot read the results directory: %s", dir, strerror(errno));
		return -1;
	}
	if (ns.failed)
		goto oom;
	if (ns.n)
		qsort(ns.v, ns.n, sizeof *ns.v, cmp_str);
	m->runs = calloc(ns.n ? ns.n : 1, sizeof *m->runs);
	m->titles = calloc(ns.n ? ns.n : 1, sizeof *m->titles);
	if (!m->runs || !m->titles)
		goto oom;
	for (size_t i = 0; i < ns.n; i++) {
		size_t len = strlen(dir) + strlen(ns.v[i]) + 2;
		char *path = malloc(len);
		if (!path)
			goto oom;
		snprintf(path, len, "%s/%s", dir, ns.v[i]);
		if (run_tap_load(&m->runs[m->nruns], path, err, errsize) == -1) {
			free(path);
			goto fail;
		}
		free(path);
		m->nruns++;
	}
	if (m->nruns)
		qsort(m->runs, m->nruns, sizeof *m->runs, cmp_run);
	for (size_t i = 0; i < m->nruns; i++) {
		const char *label = m->runs[i].label;
		int shared = (i > 0 && strcmp(m->runs[i - 1].label, label) == 0) ||
			     (i + 1 < m->nruns && strcmp(m->runs[i + 1].label, label) == 0);
		size_t len = strlen(label) + strlen(m->runs[i].path) + 8;

		if (!(m->titles[i] = malloc(len)))
			goto oom;
		if (shared)
			snprintf(m->titles[i], len, "%s (%s)", label, base_name(m->runs[i].path));
		else
			snprintf(m->titles[i], len, "%s", label);
	}
	if (make_rows(m) == -1)
		goto oom;
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	return 0;
oom:
	snprintf(err, errsize, "%s: out of memory", dir);
fail:
	for (size_t i = 0; i < ns.n; i++)
		free(ns.v[i]);
	free(ns.v);
	matrix_free(m);
	return -1;
}

void matrix_free(struct matrix *m)
{
	for (size_t i = 0; i < m->nruns; i++)
		run_tap_free(&m->runs[i]);
	for (size_t i = 0; m->titles && i < m->nruns; i++)
		free(m->titles[i]);
	for (size_t i = 0; i < m->nrows; i++) {
		free(m->rows[i].id);
		free(m->rows[i].claim);
		for (size_t c = 0; c < m->rows[i].ncites; c++)
			free(m->rows[i].cites[c]);
		free(m->rows[i].cites);
	}
	free(m->runs);
	free(m->titles);
	free(m->rows);
	memset(m, 0, sizeof *m);
}

/* Ask a case program for its claim and cites, as `sockconf list` does. */
static void describe_one(struct behaviour *b, const struct case_entry *e, const char *scratch,
			 struct case_tap *t)
{
	char out[1200], errf[1200], msg[256], text[8192];
	char *argv[] = {(char *)e->path, "--describe", NULL};
	struct proc p;
	struct proc_exit ex;
	size_t len = 0;
	FILE *f;

	snprintf(out, sizeof out, "%s/describe.out", scratch);
	snprintf(errf, sizeof errf, "%s/describe.err", scratch);
	if (!e->executable || proc_start(&p, argv, NULL, out, errf, msg, sizeof msg) == -1)
		return;
	if (proc_wait_any(&p, 1, 5000, &ex) != 0) {
		proc_kill_group(&p);
		return;
	}
	proc_kill_group(&p);
	if (!(f = fopen(out, "rb")))
		return;
	len = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[len] = '\0';
	case_tap_parse(text, len, t); /* no plan: only the metadata is wanted */
	if (strcmp(t->id, b->id) != 0)
		return;
	if (!b->claim[0] && t->claim[0]) {
		char *claim = dup_s(t->claim);
		if (claim) {
			free(b->claim);
			b->claim = claim;
		}
	}
	if (!b->ncites && t->ncites) {
		char **cites = calloc(t->ncites, sizeof *cites);
		size_t n = 0;

		if (!cites)
			return;
		while (n < t->ncites && (cites[n] = dup_s(t->cites[n])) != NULL)
			n++;
		if (n < t->ncites) {
			while (n)
				free(cites[--n]);
			free(cites);
			return;
		}
		free(b->cites);
		b->cites = cites;
		b->ncites = n;
	}
}

void matrix_describe(struct matrix *m, const char *cases_dir)
{
	struct catalog cat;
	struct case_tap *t;
	char err[512], scratch[1024];
	int wanted = 0;

	for (size_t i = 0; i < m->nrows; i++)
		wanted |= !m->rows[i].claim[0] || !m->rows[i].ncites;
	if (!wanted || !cases_dir || catalog_load(&cat, cases_dir, err, sizeof err) == -1)
		return;
	t = calloc(1, sizeof *t); /* case_tap_free below: no texts before the first parse */
	if (t && plat_make_temp_dir(scratch, sizeof scratch) == 0) {
		for (size_t i = 0; i < m->nrows; i++) {
			const struct case_entry *e = catalog_find(&cat, m->rows[i].id);
			if (e && (!m->rows[i].claim[0] || !m->rows[i].ncites)) {
				describe_one(&m->rows[i], e, scratch, t);
				case_tap_free(t); /* what the row keeps, it copied */
			}
		}
		plat_remove_tree(scratch);
	}
	free(t);
	catalog_free(&cat);
}

/* ---- Markdown ------------------------------------------------------------------ */

static int is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (unsigned char)c >= 0x80;
}

/* Text in a Markdown table cell: nothing in it may become markup or end the cell. */
static void md(FILE *out, const char *s)
{
	for (const char *p = s; *p; p++) {
		char c = *p;

		if (c == '\n' || c == '\r' || c == '\t') {
			fputc(' ', out);
			continue;
		}
		if (strchr("\\|`*[]<>", c) ||
		    (c == '_' && (p == s || !is_word(p[-1]) || !is_word(p[1]))) ||
		    (c == '&' && (is_word(p[1]) || p[1] == '#')))
			fputc('\\', out);
		fputc(c, out);
	}
}

static const char *header_value(const struct run_tap *r, const char *key)
{
	const char *v = run_yaml_get(&r->header, key);

	return v ? v : "";
}

/* "lwip", "netstack 20221219", "lwip, peer kernel 6.18.44": the stack column (its
 * version where the kernel column does not already say it, and a peer on another stack) */
static void stack_text(const struct run_tap *r, char *out, size_t size)
{
	const char *version = header_value(r, "stack-version"), *peer = header_value(r, "peer-stack");
	int own_version = version[0] && strcmp(version, header_value(r, "kernel")) != 0;

	snprintf(out, size, "%s%s%s%s%s", header_value(r, "stack"), own_version ? " " : "",
		 own_version ? version : "", peer[0] ? ", peer " : "", peer);
}

static void count_column(const struct matrix *m, size_t col, unsigned counts[CELL_STATUSES])
{
	memset(counts, 0, CELL_STATUSES * sizeof counts[0]);
	for (size_t i = 0; i < m->nrows; i++)
		counts[matrix_cell_status(run_tap_find(&m->runs[col], m->rows[i].id))]++;
}

int matrix_row_differs(const struct matrix *m, size_t row)
{
	char first[2048], cell[2048];

	for (size_t c = 0; c < m->nruns; c++) {
		matrix_cell_text(run_tap_find(&m->runs[c], m->rows[row].id), c ? cell : first,
				 sizeof cell);
		if (c && strcmp(cell, first) != 0)
			return 1;
	}
	return 0;
}

static size_t count_differing(const struct matrix *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nrows; i++)
		n += (size_t)matrix_row_differs(m, i);
	return n;
}

/* The behaviour table: every row, or only those where the platforms differ. */
static void write_md_rows(FILE *out, const struct matrix *m, int differences_only)
{
	char cell[2048];

	fprintf(out, "| behaviour | claim |");
	for (size_t c = 0; c < m->nruns; c++) {
		fputc(' ', out);
		md(out, m->titles[c]);
		fprintf(out, " |");
	}
	fprintf(out, "\n|---|---|");
	for (size_t c = 0; c < m->nruns; c++)
		fprintf(out, "---|");
	fputc('\n', out);
	for (size_t i = 0; i < m->nrows; i++) {
		const struct behaviour *b = &m->rows[i];

		if (differences_only && !matrix_row_differs(m, i))
			continue;
		if (strchr(b->id, '`')) {
			fprintf(out, "| ");
			md(out, b->id);
		} else {
			fprintf(out, "| `%s`", b->id);
		}
		fprintf(out, " | ");
		md(out, b->claim);
		fprintf(out, " |");
		for (size_t c = 0; c < m->nruns; c++) {
			matrix_cell_text(run_tap_find(&m->runs[c], b->id), cell, sizeof cell);
			fputc(' ', out);
			md(out, cell);
			fprintf(out, " |");
		}
		fputc('\n', out);
	}
}

void matrix_write_markdown(FILE *out, const struct matrix *m)
{
	fprintf(out, "# sockconf: behaviour \xc3\x97 platform\n\n");
	fprintf(out, "Generated by `sockconf matrix` from the %zu results file%s beside this one; "
		     "do not edit. index.html holds the same matrix with each cell's diagnostics.\n\n",
		m->nruns, m->nruns == 1 ? "" : "s");
	fprintf(out, "A cell says **conforms**; **documented**: differs from the case's documents "
		     "as the platform's own documents say it does (a documented record), with what "
		     "the platform did; **diverges**: differs as a recorded divergence says, with "
		     "what the platform did; **fails**: does not conform and no record says so; "
		     "**skipped**, with the reason; or **not run**. Families (inet, inet6, unix) are "
		     "named where they differ.\n\n");

	fprintf(out, "| platform | target | os | kernel | stack | machine | date | conforms | "
		     "documented | diverges | fails | skipped | not run |\n");
	fprintf(out, "|---|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t c = 0; c < m->nruns; c++) {
		unsigned counts[CELL_STATUSES];
		static const char *const keys[] = {"target", "os", "kernel", "stack", "machine", "date"};

		count_column(m, c, counts);
		fprintf(out, "| ");
		md(out, m->titles[c]);
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			char stack[512];
			fprintf(out, " | ");
			if (strcmp(keys[k], "stack") == 0) {
				stack_text(&m->runs[c], stack, sizeof stack);
				md(out, stack);
			} else
				md(out, header_value(&m->runs[c], keys[k]));
		}
		fprintf(out, " | %u | %u | %u | %u | %u | %u |\n", counts[CELL_CONFORMS],
			counts[CELL_DOCUMENTED], counts[CELL_DIVERGES], counts[CELL_FAILS],
			counts[CELL_SKIPPED], counts[CELL_NOT_RUN]);
	}

	fprintf(out, "\n## Where the platforms differ\n\n%zu of %zu behaviours: the rows whose "
		     "cells are not all the same.\n\n", count_differing(m), m->nrows);
	write_md_rows(out, m, 1);
	fprintf(out, "\n## Every behaviour\n\n");
	write_md_rows(out, m, 0);
}

/* ---- HTML ------------------------------------------------------------------------- */

/* Text or an attribute value: every character that could be markup, escaped. */
static void html_n(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\t')
				fprintf(out, "&#xfffd;"); /* not allowed in HTML text */
			else
				fputc(s[i], out);
		}
	}
}

static void html(FILE *out, const char *s)
{
	html_n(out, s, strlen(s));
}

static int is_url(const char *s, size_t n)
{
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '"' || s[i] == '<' || s[i] == '>')
			return 0;
	return 1;
}

/* A value: a link when it is a plain http(s) URL. */
static void html_value(FILE *out, const char *v)
{
	if (is_url(v, strlen(v))) {
		fputs("<a href=\"", out);
		html(out, v);
		fputs("\">", out);
		html(out, v);
		fputs("</a>", out);
	} else {
		html(out, v);
	}
}

static void html_yaml(FILE *out, const struct run_yaml *y, int skip_row_keys)
{
	int any = 0;

	for (size_t i = 0; i < y->n; i++) {
		const char *k = y->pairs[i].key;
		if (skip_row_keys && (strcmp(k, "claim") == 0 || strcmp(k, "cites") == 0))
			continue;
		if (!any++)
			fputs("<dl>", out);
		fputs("<dt>", out);
		html(out, k);
		/* what the case observed in a fixed font; the reasons (divergence, message) as prose */
		fputs(strcmp(k, "divergence") && strcmp(k, "documented") && strcmp(k, "message") &&
			      strcmp(k, "verdict")
			      ? "</dt><dd class=\"code\">"
			      : "</dt><dd>",
		      out);
		html_value(out, y->pairs[i].value);
		fputs("</dd>", out);
	}
	if (any)
		fputs("</dl>", out);
}

static const char *family_class(const struct run_family *f)
{
	switch (f->result) {
	case RR_PASS:
	case RR_TODO_PASSED: return "conforms";
	case RR_SKIP: return "skipped";
	case RR_TODO: return f->documented ? "documented" : "diverges";
	case RR_FAIL: return "fails";
	}
	return "";
}

static void html_family(FILE *out, const struct run_family *f)
{
	static const char *const what[] = {"conforms", "skipped", "fails", "diverges as recorded",
					   "conforms; a recorded divergence no longer diverges"};

	fprintf(out, "<div class=\"fam %s\"><p><b>", family_class(f));
	html(out, f->name);
	fputs("</b> ", out);
	if (f->result == RR_SKIP && f->directive[0]) {
		fputs("skipped: ", out);
		html(out, f->directive);
	} else if (f->result == RR_TODO && f->directive[0]) {
		html(out, f->directive);
	} else if (f->result == RR_TODO_PASSED && f->documented) {
		fputs("conforms; a documented record no longer holds", out);
	} else if (f->result == RR_PASS && run_yaml_get(&f->diag, "partial")) {
		fputs("conforms on its socket checks; ", out); /* "wire checks skipped: why" */
		html(out, run_yaml_get(&f->diag, "partial"));
	} else {
		fputs(what[f->result], out);
	}
	fputs("</p>", out);
	html_yaml(out, &f->diag, 0);
	fputs("</div>", out);
}

/* Whether a cell has anything to show beyond its text. */
static int has_detail(const struct run_case *c)
{
	for (size_t i = 0; i < c->nfamilies; i++)
		if (c->families[i].result != RR_PASS || c->families[i].diag.n)
			return 1;
	for (size_t i = 0; i < c->diag.n; i++)
		if (strcmp(c->diag.pairs[i].key, "claim") != 0 &&
		    strcmp(c->diag.pairs[i].key, "cites") != 0)
			return 1;
	return c->nfamilies == 0 || c->changed_round;
}

/* A tooltip: each family's outcome and what it observed, in plain text. */
static void html_title(FILE *out, const struct run_case *c)
{
	static const char *const keys[] = {"check", "expected", "got", "errno"};
	static const char *const what[] = {"conforms", "skipped", "fails", "diverges as recorded",
					   "no longer diverges"};

	fputs(" title=\"", out);
	for (size_t i = 0; i < c->nfamilies; i++) {
		const struct run_family *f = &c->families[i];

		if (i)
			fputc('\n', out);
		html(out, f->name);
		fputs(": ", out);
		html(out, f->result == RR_SKIP && f->directive[0] ? f->directive
			  : f->documented && f->result == RR_TODO   ? "conforms to its own documents"
			  : f->documented			    ? "documented record no longer holds"
								    : what[f->result]);
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			const char *v = run_yaml_get(&f->diag, keys[k]);
			if (!v)
				continue;
			fprintf(out, "\n  %s: ", keys[k]);
			html(out, v);
		}
	}
	fputc('"', out);
}

static void html_cell(FILE *out, const struct run_case *c)
{
	enum cell_status s = matrix_cell_status(c);
	char text[2048];

	matrix_cell_text(c, text, sizeof text);
	fprintf(out, "<td class=\"cell %s\"", s == CELL_NOT_RUN ? "notrun" : status_names[s]);
	if (c && c->nfamilies && has_detail(c))
		html_title(out, c);
	fputc('>', out);
	if (!c || !has_detail(c)) {
		html(out, text);
		fputs("</td>\n", out);
		return;
	}
	fputs("<details><summary>", out);
	html(out, text);
	fputs("</summary>", out);
	for (size_t i = 0; i < c->nfamilies; i++)
		html_family(out, &c->families[i]);
	if (c->changed_round)
		fprintf(out, "<p>verdicts changed in round %u of %u (--repeat): the first round is "
			     "shown</p>", c->changed_round, c->rounds);
	html_yaml(out, &c->diag, 1);
	fputs("</details></td>\n", out);
}

/* "RFC 9293 §3.6: quote <https://...>": the title as a link, then the quote. */
static void html_cite(FILE *out, const char *cite)
{
	const char *lt = strrchr(cite, '<');
	size_t textlen = lt ? (size_t)(lt - cite) : strlen(cite);
	const char *colon = memchr(cite, ':', textlen);
	size_t titlelen = colon ? (size_t)(colon - cite) : textlen;
	size_t urllen = lt ? strcspn(lt + 1, ">") : 0;

	fputs("<li>", out);
	if (lt && is_url(lt + 1, urllen)) {
		fputs("<a href=\"", out);
		html_n(out, lt + 1, urllen);
		fputs("\">", out);
		html_n(out, cite, titlelen);
		fputs("</a>", out);
	} else {
		html_n(out, cite, titlelen);
	}
	if (colon) {
		while (textlen > titlelen && cite[textlen - 1] == ' ')
			textlen--;
		html_n(out, colon, textlen - titlelen);
	}
	fputs("</li>", out);
}

static const char css[] =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em;color:#1b1b1b;"
	"background:#fff}\n"
	"h1{font-size:1.4em;margin:0 0 .4em}\n"
	"p.intro{max-width:60em;color:#444}\n"
	"label.differences{display:inline-block;margin:.2em 0 .8em .3em}\n"
	"#differences:checked~table tr.same{display:none}\n"
	".legend span{display:inline-block;padding:.1em .6em;margin-right:.4em;border-radius:3px}\n"
	"table{border-collapse:collapse}\n"
	"th,td{border:1px solid #c8c8c8;padding:.35em .5em;vertical-align:top;text-align:left}\n"
	"thead th{position:sticky;top:0;background:#f4f4f4;z-index:1}\n"
	"th.platform{min-width:14em}\n"
	"th.platform .label{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.05em}\n"
	"th .meta,th .counts{display:block;font-weight:normal;color:#555;font-size:.85em}\n"
	"th[scope=row]{background:#fafafa;font-weight:normal;min-width:18em;max-width:30em}\n"
	"th[scope=row] code{font-weight:bold;font-size:1.05em}\n"
	".claim{display:block;color:#333;margin-top:.2em}\n"
	"td.cell{min-width:12em;max-width:28em}\n"
	".conforms{background:#e3f4e6}\n"
	".diverges{background:#fff1c9}\n"
	".documented{background:#dfeaf8}\n"
	".fails{background:#fddcdc}\n"
	".skipped{background:#ececec}\n"
	".notrun{background:#fff;color:#888;font-style:italic}\n"
	"details summary{cursor:pointer}\n"
	"details[open] summary{margin-bottom:.4em}\n"
	".fam{border-left:4px solid #999;background:#fff;padding:.2em .5em;margin:.3em 0}\n"
	".fam.conforms{border-color:#3a9a4c}.fam.diverges{border-color:#d4a017}\n"
	".fam.documented{border-color:#3b73b9}\n"
	".fam.fails{border-color:#c62828}.fam.skipped{border-color:#999}\n"
	".fam p{margin:.1em 0}\n"
	"dl{margin:.2em 0;display:grid;grid-template-columns:max-content 1fr;gap:.1em .6em;"
	"font-size:.9em}\n"
	"dt{color:#555}dd{margin:0;white-space:pre-wrap;word-break:break-word}\n"
	"dd.code{font-family:ui-monospace,Menlo,Consolas,monospace}\n"
	"ul.cites{margin:.3em 0;padding-left:1.2em;font-size:.9em}\n";

void matrix_write_html(FILE *out, const struct matrix *m)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>sockconf: behaviour \xc3\x97 platform</title>\n<style>\n",
	      out);
	fputs(css, out);
	fputs("</style>\n</head>\n<body>\n<h1>sockconf: behaviour \xc3\x97 platform</h1>\n", out);
	fprintf(out, "<p class=\"intro\">%zu behaviours on %zu platform%s, from the results files "
		     "beside this page. Open a cell for its diagnostics: each address family's "
		     "check, expected and observed values, errno, and the recorded divergence with "
		     "its reason and source. Generated by <code>sockconf matrix</code>.</p>\n",
		m->nrows, m->nruns, m->nruns == 1 ? "" : "s");
	fputs("<p class=\"legend\"><span class=\"conforms\">conforms</span>"
	      "<span class=\"documented\">conforms to its own documents</span>"
	      "<span class=\"diverges\">diverges as recorded</span>"
	      "<span class=\"fails\">fails: not conforming, not recorded</span>"
	      "<span class=\"skipped\">skipped</span><span class=\"notrun\">not run</span></p>\n",
	      out);
	/* the toggle is CSS alone (the page allows no script): checked, it hides the
	 * rows whose cells are all the same */
	fprintf(out, "<input type=\"checkbox\" id=\"differences\"><label for=\"differences\" "
		     "class=\"differences\">differences only: the %zu of %zu behaviours whose "
		     "platforms do not all agree</label>\n",
		count_differing(m), m->nrows);
	fputs("<table id=\"matrix\">\n<thead><tr><th scope=\"col\">behaviour</th>", out);
	for (size_t c = 0; c < m->nruns; c++) {
		const struct run_tap *r = &m->runs[c];
		unsigned counts[CELL_STATUSES];
		int any = 0;

		count_column(m, c, counts);
		fputs("<th scope=\"col\" class=\"platform\"><span class=\"label\">", out);
		html(out, m->titles[c]);
		fputs("</span><span class=\"meta\">", out);
		html(out, header_value(r, "os"));
		fputc(' ', out);
		html(out, header_value(r, "kernel"));
		fputs("<br>", out);
		html(out, header_value(r, "target"));
		fputs(" \xc2\xb7 ", out);
		{
			char stack[512];
			stack_text(r, stack, sizeof stack);
			html(out, stack);
		}
		fputs(" \xc2\xb7 ", out);
		html(out, header_value(r, "machine"));
		fputs("<br>", out);
		html(out, header_value(r, "date"));
		fprintf(out, "</span><span class=\"counts\">%u conform \xc2\xb7 %u documented \xc2\xb7 "
			     "%u diverge \xc2\xb7 %u fail \xc2\xb7 %u skipped \xc2\xb7 %u not run</span>",
			counts[CELL_CONFORMS], counts[CELL_DOCUMENTED], counts[CELL_DIVERGES],
			counts[CELL_FAILS], counts[CELL_SKIPPED], counts[CELL_NOT_RUN]);
		for (size_t i = 0; i < r->header.n; i++) {
			if (strcmp(r->header.pairs[i].key, "sysctl") != 0)
				continue;
			if (!any++)
				fputs("<details><summary>sysctls</summary><ul class=\"cites\">", out);
			fputs("<li>", out);
			html(out, r->header.pairs[i].value);
			fputs("</li>", out);
		}
		if (any)
			fputs("</ul></details>", out);
		fputs("</th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t i = 0; i < m->nrows; i++) {
		const struct behaviour *b = &m->rows[i];

		fputs("<tr id=\"", out);
		html(out, b->id);
		fputs(matrix_row_differs(m, i) ? "\" class=\"differs\"" : "\" class=\"same\"", out);
		fputs("><th scope=\"row\"><code>", out);
		html(out, b->id);
		fputs("</code><span class=\"claim\">", out);
		html(out, b->claim);
		fputs("</span>", out);
		if (b->ncites) {
			fprintf(out, "<details><summary>sources (%zu)</summary><ul class=\"cites\">",
				b->ncites);
			for (size_t k = 0; k < b->ncites; k++)
				html_cite(out, b->cites[k]);
			fputs("</ul></details>", out);
		}
		fputs("</th>\n", out);
		for (size_t c = 0; c < m->nruns; c++)
			html_cell(out, run_tap_find(&m->runs[c], b->id));
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n</body>\n</html>\n", out);
}

/* ---- the files ------------------------------------------------------------------------ */

static int write_atomically(const struct matrix *m, const char *dir, const char *name,
			    void (*writer)(FILE *, const struct matrix *), char *err, size_t errsize)
{
	struct atomic_file a;
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (atomic_file_open(&a, path) == -1) {
		snprintf(err, errsize, "cannot write in %s: %s", dir, strerror(errno));
		return -1;
	}
	writer(a.f, m);
	if (atomic_file_commit(&a) == -1) {
		snprintf(err, errsize, "could not write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int matrix_write_files(const struct matrix *m, const char *dir, char *err, size_t errsize)
{
	if (write_atomically(m, dir, "MATRIX.md", matrix_write_markdown, err, errsize) == -1)
		return -1;
	return write_atomically(m, dir, "index.html", matrix_write_html, err, errsize);
}

int matrix_main(const char *results_dir, const char *cases_dir)
{
	struct matrix m;
	char err[1024];

	if (matrix_load(&m, results_dir, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: %s\n", err);
		return 2;
	}
	if (m.nruns == 0) {
		fprintf(stderr, "sockconf: %s: no results files (*.tap) to make a matrix of: run "
				"`sockconf run --out %s` first\n",
			results_dir, results_dir);
		matrix_free(&m);
		return 2;
	}
	matrix_describe(&m, cases_dir);
	if (matrix_write_files(&m, results_dir, err, sizeof err) == -1) {
		fprintf(stderr, "sockconf: %s\n", err);
		matrix_free(&m);
		return 2;
	}
	printf("sockconf: %zu behaviours on %zu platform%s: wrote %s/MATRIX.md and %s/index.html\n",
	       m.nrows, m.nruns, m.nruns == 1 ? "" : "s", results_dir, results_dir);
	matrix_free(&m);
	return 0;
}
