/* case_tap.c: the strict reader of a case's TAP (see case_tap.h). */
#include "case_tap.h"
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Copy, truncating to size: over-long values are cut, not rejected. */
static void copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* "ok 2 - inet6 # SKIP reason" -> point; 0, or -1 */
static int parse_point(const char *line, unsigned expect_number, struct point *p)
{
	const char *s = line;
	char *end;
	unsigned long number;
	const char *directive;
	size_t namelen;

	memset(p, 0, sizeof *p);
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
		copy(p->skip_reason, sizeof p->skip_reason, directive + 7 + (directive[7] == ' '));
	}
	return 0;
}

int case_tap_parse(const char *text, size_t len, struct case_tap *out)
{
	size_t pos = 0;
	unsigned lineno = 0;
	int in_yaml = 0;

	memset(out, 0, sizeof *out);
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
			char *colon;

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
			copy(p->diag[p->ndiag].key, sizeof p->diag[p->ndiag].key, line + 2);
			if (tap_yaml_unquote(p->diag[p->ndiag].value, sizeof p->diag[p->ndiag].value,
					     colon + 2) == -1)
				return fail(out, lineno, colon + 2, "malformed quoted string");
			p->ndiag++;
		} else if (strncmp(line, "# id: ", 6) == 0) {
			copy(out->id, sizeof out->id, line + 6);
		} else if (strncmp(line, "# claim: ", 9) == 0) {
			copy(out->claim, sizeof out->claim, line + 9);
		} else if (strncmp(line, "# cite: ", 8) == 0) {
			if (out->ncites < MAX_CITES)
				copy(out->cites[out->ncites++], sizeof out->cites[0], line + 8);
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
			if (parse_point(line, out->npoints + 1, &out->points[out->npoints]) == -1)
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
