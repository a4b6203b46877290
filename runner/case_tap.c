/* case_tap.c: the strict reader of a case's TAP (see case_tap.h). */
#include "case_tap.h"
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One parse's texts: the diag pairs, then the strings; later blocks are adopted ones. */
struct case_tap_text {
	struct case_tap_text *next;
	struct diag_pair pairs[];
};

/*
 * The reader runs twice over the output: once counting the bytes its texts
 * take, then storing them in one allocation of exactly that size.  While
 * counting, `strings` is NULL and every text reads as "".
 */
struct reading {
	char *strings;
	size_t used;
	unsigned npairs;
	struct diag_pair pairs[MAX_POINTS][MAX_DIAG]; /* a point's pairs, until they are stored */
};

const char *point_diag(const struct point *p, const char *key)
{
	for (unsigned i = 0; i < p->ndiag; i++)
		if (strcmp(p->diag[i].key, key) == 0)
			return p->diag[i].value;
	return NULL;
}

static int fail(struct case_tap *out, unsigned lineno, const char *line, const char *fmt, ...)
{
	va_list ap;
	char why[256];

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (line)
		snprintf(out->error, sizeof out->error, "line %u: %s: \"%.120s\"", lineno, why, line);
	else
		snprintf(out->error, sizeof out->error, "%s", why);
	return -1;
}

/* A copy of src in the reading's strings, cut to size - 1 bytes: over-long texts are cut, not rejected. */
static const char *keep(struct reading *rd, size_t size, const char *src)
{
	size_t n = strlen(src);
	char *at;

	if (n >= size)
		n = size - 1;
	if (n == 0)
		return "";
	at = rd->strings ? rd->strings + rd->used : NULL;
	rd->used += n + 1;
	if (!at)
		return "";
	memcpy(at, src, n);
	at[n] = '\0';
	return at;
}

/* "ok 2 - inet6 # SKIP reason" -> point; 0, or -1 */
static int parse_point(const char *line, unsigned expect_number, struct point *p, struct reading *rd)
{
	const char *s = line;
	char *end;
	unsigned long number;
	const char *directive;
	size_t namelen;

	memset(p, 0, sizeof *p);
	p->skip_reason = "";
	if (strncmp(s, "not ok ", 7) == 0)
		s += 7;
	else if (strncmp(s, "ok ", 3) == 0)
		p->ok = 1, s += 3;
	else
		return -1;
	if (*s < '0' || *s > '9')
		return -1;
	number = strtoul(s, &end, 10);
	if (number != expect_number || strncmp(end, " - ", 3) != 0)
		return -1;
	s = end + 3;
	directive = strstr(s, " # ");
	namelen = directive ? (size_t)(directive - s) : strlen(s);
	if (namelen == 0 || namelen >= sizeof p->family)
		return -1;
	memcpy(p->family, s, namelen);
	p->family[namelen] = '\0';
	if (directive) {
		if (strncmp(directive + 3, "SKIP", 4) != 0 || !p->ok)
			return -1;
		p->skip = 1;
		p->skip_reason = keep(rd, CASE_TAP_SKIP_SIZE, directive + 7 + (directive[7] == ' '));
	}
	return 0;
}

static int read_tap(const char *text, size_t len, struct case_tap *out, struct reading *rd)
{
	size_t pos = 0;
	unsigned lineno = 0;
	int in_yaml = 0;

	if (memchr(text, '\0', len))
		return fail(out, 0, NULL, "output contains NUL bytes");
	while (pos < len) {
		char line[2048];
		size_t n = 0, eol = pos;

		while (eol < len && text[eol] != '\n')
			eol++;
		n = eol - pos;
		if (n >= sizeof line)
			return fail(out, lineno + 1, NULL, "line %u is longer than %zu bytes", lineno + 1,
				    sizeof line - 1);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		pos = eol + 1;
		lineno++;

		if (in_yaml) {
			struct point *p = &out->points[out->npoints - 1];
			struct diag_pair *pair = &rd->pairs[out->npoints - 1][p->ndiag];
			char *colon, value[CASE_TAP_VALUE_SIZE];

			if (strcmp(line, "  ...") == 0) {
				in_yaml = 0;
				continue;
			}
			colon = strstr(line, ": ");
			if (strncmp(line, "  ", 2) != 0 || line[2] == ' ' || !colon)
				return fail(out, lineno, line, "malformed YAML diagnostics");
			if (p->ndiag == MAX_DIAG)
				continue; /* keep the first MAX_DIAG pairs */
			*colon = '\0';
			if (tap_yaml_unquote(value, sizeof value, colon + 2) == -1)
				return fail(out, lineno, colon + 2, "malformed quoted string");
			pair->key = keep(rd, CASE_TAP_KEY_SIZE, line + 2);
			pair->value = keep(rd, sizeof value, value);
			p->ndiag++;
			rd->npairs++;
		} else if (strncmp(line, "# id: ", 6) == 0) {
			snprintf(out->id, sizeof out->id, "%s", line + 6);
		} else if (strncmp(line, "# claim: ", 9) == 0) {
			out->claim = keep(rd, CASE_TAP_CLAIM_SIZE, line + 9);
		} else if (strncmp(line, "# cite: ", 8) == 0) {
			if (out->ncites < MAX_CITES)
				out->cites[out->ncites++] = keep(rd, CASE_TAP_CITE_SIZE, line + 8);
		} else if (strncmp(line, "# quiet: ", 9) == 0) {
			out->quiet_ms += (unsigned)strtoul(line + 9, NULL, 10);
			out->nquiet++;
		} else if (line[0] == '#') {
			continue; /* a comment */
		} else if (strncmp(line, "1..", 3) == 0) {
			char *end;
			unsigned long planned = strtoul(line + 3, &end, 10);

			if (out->have_plan)
				return fail(out, lineno, line, "a second plan");
			if (*end || line[3] < '0' || line[3] > '9' || planned > MAX_POINTS)
				return fail(out, lineno, line, "malformed plan");
			out->have_plan = 1;
			out->planned = (unsigned)planned;
		} else if (strncmp(line, "Bail out!", 9) == 0) {
			return fail(out, lineno, line, "the case bailed out");
		} else if (strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0) {
			if (out->npoints == MAX_POINTS)
				return fail(out, lineno, line, "more than %d points", MAX_POINTS);
			if (parse_point(line, out->npoints + 1, &out->points[out->npoints], rd) == -1)
				return fail(out, lineno, line, "malformed or out-of-order test point");
			out->npoints++;
		} else if (strcmp(line, "  ---") == 0 && out->npoints > 0) {
			in_yaml = 1;
		} else if (line[0] == '\0' && pos >= len) {
			continue;
		} else {
			return fail(out, lineno, line, "unparseable output");
		}
	}
	if (in_yaml)
		return fail(out, 0, NULL, "output ends inside YAML diagnostics");
	if (!out->have_plan)
		return fail(out, 0, NULL, "no plan (1..N): the case printed %u points and no plan",
			    out->npoints);
	if (out->npoints != out->planned)
		return fail(out, 0, NULL, "planned %u points, printed %u", out->planned, out->npoints);
	return 0;
}

static void start_reading(struct case_tap *out, struct reading *rd, char *strings)
{
	memset(out, 0, sizeof *out);
	out->claim = "";
	rd->strings = strings;
	rd->used = 0;
	rd->npairs = 0;
}

int case_tap_parse(const char *text, size_t len, struct case_tap *out)
{
	struct reading rd;
	struct case_tap_text *t;
	struct diag_pair *pair;
	int status;

	start_reading(out, &rd, NULL);
	status = read_tap(text, len, out, &rd); /* how much the texts take */
	if (rd.used == 0 && rd.npairs == 0)
		return status; /* no text: every string is "" already */
	t = malloc(sizeof *t + rd.npairs * sizeof *t->pairs + rd.used);
	if (!t) { /* the texts read as "", and the case as not parsed */
		status = fail(out, 0, NULL, "out of memory for the case's output (%zu bytes)", rd.used);
		return status;
	}
	t->next = NULL;
	start_reading(out, &rd, (char *)(t->pairs + rd.npairs));
	status = read_tap(text, len, out, &rd);
	out->text = t;
	pair = t->pairs;
	for (unsigned i = 0; i < out->npoints; i++) { /* YAML pairs follow a parsed point */
		struct point *p = &out->points[i];

		memcpy(pair, rd.pairs[i], p->ndiag * sizeof *pair);
		p->diag = p->ndiag ? pair : NULL;
		pair += p->ndiag;
	}
	return status;
}

void case_tap_free(struct case_tap *t)
{
	while (t->text) {
		struct case_tap_text *next = t->text->next;
		free(t->text);
		t->text = next;
	}
	if (t->claim)
		t->claim = "";
	t->ncites = 0;
	for (unsigned i = 0; i < t->npoints && i < MAX_POINTS; i++) {
		t->points[i].skip_reason = "";
		t->points[i].diag = NULL;
		t->points[i].ndiag = 0;
	}
}

void case_tap_adopt(struct case_tap *into, struct case_tap *from)
{
	struct case_tap_text **end = &into->text;

	while (*end)
		end = &(*end)->next;
	*end = from->text;
	from->text = NULL;
}
