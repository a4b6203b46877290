/* junit.c: the run as JUnit XML (see junit.h). */
#include "junit.h"
#include "platform.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ----------------------------------------------------------------------------- */

static void put(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void put_seconds(struct text *t, double ms)
{
	char num[48];

	snprintf(num, sizeof num, "%.3f", ms / 1000.0);
	put(t, num);
}

static void put_count(struct text *t, const char *name, unsigned n)
{
	char num[48];

	snprintf(num, sizeof num, " %s=\"%u\"", name, n);
	put(t, num);
}

/*
 * The length of the well-formed UTF-8 sequence at p, or 0 when p starts
 * none (a stray continuation byte, an overlong form, a surrogate, past
 * U+10FFFF, cut short).  *cp gets the code point.
 */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end, unsigned long *cp)
{
	unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range */
	size_t n;

	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		lo = p[0] == 0xE0 ? 0xA0 : 0x80;
		hi = p[0] == 0xED ? 0x9F : 0xBF; /* ED A0.. would be a surrogate */
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		lo = p[0] == 0xF0 ? 0x90 : 0x80;
		hi = p[0] == 0xF4 ? 0x8F : 0xBF;
	} else
		return 0;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	*cp = p[0] & (0xFF >> (n + 1));
	for (size_t i = 1; i < n; i++)
		*cp = *cp << 6 | (p[i] & 0x3F);
	return n;
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* n bytes of s (see xml_escape) */
static void escape_bytes(struct text *t, const char *s, size_t size, int attribute)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + size;

	while (p < end) {
		unsigned char c = *p;
		unsigned long cp;
		size_t n;

		if (c >= 0x80) {
			n = utf8_sequence(p, end, &cp);
			if (!n) {
				put(t, REPLACEMENT);
				p++;
			} else {
				/* U+FFFE and U+FFFF are well-formed UTF-8, but no XML 1.0 character */
				if (cp == 0xFFFE || cp == 0xFFFF)
					put(t, REPLACEMENT);
				else
					text_add(t, (const char *)p, n);
				p += n;
			}
			continue;
		}
		switch (c) {
		case '&': put(t, "&amp;"); break;
		case '<': put(t, "&lt;"); break;
		case '>': put(t, "&gt;"); break; /* also keeps "]]>" out of character data */
		case '"': put(t, attribute ? "&quot;" : "\""); break;
		/* a parser turns a raw CR into LF anywhere, and tab and LF into spaces in
		 * an attribute: references keep them as they were */
		case '\r': put(t, "&#13;"); break;
		case '\n': put(t, attribute ? "&#10;" : "\n"); break;
		case '\t': put(t, attribute ? "&#9;" : "\t"); break;
		default:
			if (c < 0x20) { /* not allowed in XML 1.0, even as a reference: show it */
				char picture[4] = {'\xE2', '\x90', (char)(0x80 + c), '\0'}; /* U+2400 + c */
				put(t, picture);
			} else
				text_add(t, (const char *)p, 1);
		}
		p++;
	}
}

void xml_escape(struct text *t, const char *s, int attribute)
{
	escape_bytes(t, s, strlen(s), attribute);
}

/* "key: value" as a line of element text; a value's later lines are indented under it. */
static void put_field(struct text *t, const char *key, const char *value)
{
	const char *nl;

	xml_escape(t, key, 0); /* a case names its own keys */
	put(t, ": ");
	while ((nl = strchr(value, '\n'))) {
		escape_bytes(t, value, (size_t)(nl - value), 0);
		put(t, "\n  ");
		value = nl + 1;
	}
	xml_escape(t, value, 0);
	put(t, "\n");
}

/* ---- what a testcase says ---------------------------------------------------------------- */

static void put_diagnostics(struct text *t, const struct point *p)
{
	for (unsigned i = 0; i < p->ndiag; i++)
		put_field(t, p->diag[i].key, p->diag[i].value);
}

static void put_record(struct text *t, const struct divergence *rec)
{
	put_field(t, "kind", record_kind_name(rec->kind));
	put_field(t, "why", rec->why);
	for (unsigned s = 0; s < rec->nsources; s++)
		put_field(t, "source", rec->sources[s]);
	put_field(t, "recorded", rec->where);
}

static void put_claim(struct text *t, const struct case_tap *tap)
{
	if (tap->claim && tap->claim[0]) /* NULL: the case never started */
		put_field(t, "claim", tap->claim);
}

static void put_cites(struct text *t, const struct case_tap *tap)
{
	for (unsigned i = 0; i < tap->ncites; i++)
		put_field(t, "cite", tap->cites[i]);
}

/* Newlines and tabs become spaces: a message attribute is one line. */
static void flatten(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

/* 1 when s ends with suffix ("x == 0" with "== 0"). */
static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return k <= n && strcmp(s + n - k, suffix) == 0;
}

/*
 * What failed, in one line: the check and what it got, and what it
 * expected where the check does not say (check_fails: "recv(...)" expects
 * "-1 ECONNRESET").
 */
static void failure_message(char *out, size_t size, const struct point *p,
			    const struct divergence *rec)
{
	const char *check = point_diag(p, "check"), *got = point_diag(p, "got");
	const char *expected = point_diag(p, "expected");
	const char *what = check ? check : point_diag(p, "message");
	size_t n;

	if (what && expected && got && !ends_with(what, expected))
		snprintf(out, size, "%s: expected %s, got %s", what, expected, got);
	else if (what && got)
		snprintf(out, size, "%s: got %s", what, got);
	else
		snprintf(out, size, "%s", what ? what : got ? got : "not ok");
	n = strlen(out);
	if (rec && rec->has_got)
		snprintf(out + n, size - n, " (the record says got %s)", rec->got);
	flatten(out);
}

static void testcase_start(struct text *t, const char *classname, const char *name, double ms)
{
	put(t, "    <testcase classname=\"");
	xml_escape(t, classname, 1);
	put(t, "\" name=\"");
	xml_escape(t, name, 1);
	put(t, "\" time=\"");
	put_seconds(t, ms);
	put(t, "\"");
}

static void family_testcase(struct junit_suite *s, const struct case_result *r,
			    const struct point *p, enum family_verdict fv,
			    const struct divergence *rec, double ms)
{
	struct text *t = &s->testcases;
	const char *got = point_diag(p, "got");
	char message[1200];
	/* a failure's type, and a record's verdict on it, in the record's kind's words */
	const char *otherwise = fv == FV_FAIL ? "does not conform"
				: rec && rec->kind == KIND_DOCUMENTED
					? "differs, but not as its own documents say"
					: "diverges, but not as recorded";

	s->tests++;
	s->ms += ms;
	testcase_start(t, r->entry->id, p->family, ms);
	switch (fv) {
	case FV_PASS:
		if (!point_diag(p, "partial")) {
			put(t, "/>\n");
			return;
		}
		/* passed on its socket checks; the note says which wire checks were skipped, and why */
		put(t, ">\n      <system-out>conforms on its socket checks alone\n");
		put_diagnostics(t, p);
		put(t, "</system-out>\n    </testcase>\n");
		return;
	case FV_SKIP:
		s->skipped++;
		put(t, ">\n      <skipped message=\"");
		xml_escape(t, p->skip_reason, 1);
		put(t, "\"/>\n    </testcase>\n");
		return;
	case FV_DIVERGES: /* ran, and did what the record says: not a failure (README, JUnit) */
		put(t, rec->kind == KIND_DOCUMENTED
			       ? ">\n      <system-out>conforms to its own documents: "
			       : ">\n      <system-out>diverges as recorded: ");
		if (got) {
			put(t, "got ");
			xml_escape(t, got, 0);
		} else
			put(t, "the check below failed");
		put(t, "\n");
		put_record(t, rec);
		put_claim(t, &r->tap);
		put_diagnostics(t, p);
		put_cites(t, &r->tap);
		put(t, "</system-out>\n    </testcase>\n");
		return;
	case FV_NO_LONGER_DIVERGES:
		put(t, rec->kind == KIND_DOCUMENTED
			       ? ">\n      <system-out>documented record no longer holds: this family "
				 "conforms now\n"
			       : ">\n      <system-out>recorded divergence no longer diverges: this "
				 "family conforms now\n");
		if (point_diag(p, "partial"))
			put_field(t, "partial", point_diag(p, "partial"));
		put_record(t, rec);
		put(t, "</system-out>\n    </testcase>\n");
		return;
	case FV_FAIL:
	case FV_DIVERGES_OTHERWISE:
		s->failures++;
		failure_message(message, sizeof message, p, fv == FV_DIVERGES_OTHERWISE ? rec : NULL);
		put(t, ">\n      <failure type=\"");
		put(t, otherwise);
		put(t, "\" message=\"");
		xml_escape(t, message, 1);
		put(t, "\">");
		/* GitLab shows a failure's text, not its message: the text starts with it */
		xml_escape(t, message, 0);
		put(t, "\n");
		put_claim(t, &r->tap);
		put_diagnostics(t, p);
		if (rec) {
			put_field(t, "verdict", otherwise);
			put_field(t, "recorded got", rec->got);
			put_record(t, rec);
		}
		put_cites(t, &r->tap);
		put(t, "</failure>\n    </testcase>\n");
		return;
	}
}

/* The case as a whole could not be judged: why, as the TAP's case point says. */
static void broken_testcase(struct junit_suite *s, const struct case_result *r, double ms)
{
	struct text *t = &s->testcases;
	const char *type = r->start_failed ? "not started"
			   : r->timed_out  ? "hang"
			   : r->exit.signo ? "crash"
					   : "bad output";
	char message[sizeof r->error], how[96];

	s->tests++;
	s->errors++;
	s->ms += ms;
	snprintf(message, sizeof message, "%s", r->error);
	flatten(message);
	testcase_start(t, r->entry->id, r->entry->id, ms);
	put(t, ">\n      <error type=\"");
	put(t, type);
	put(t, "\" message=\"");
	xml_escape(t, message, 1);
	put(t, "\">");
	xml_escape(t, message, 0);
	put(t, "\n");
	if (r->exit.signo) {
		snprintf(how, sizeof how, "%s (%d)", signal_name(r->exit.signo), r->exit.signo);
		put_field(t, "signal", how);
	} else if (!r->start_failed && !r->timed_out) {
		snprintf(how, sizeof how, "%d", r->exit.code);
		put_field(t, "exit", how);
	}
	if (r->stderr_tail[0])
		put_field(t, "stderr", r->stderr_tail);
	put_claim(t, &r->tap);
	put_cites(t, &r->tap);
	put(t, "</error>\n    </testcase>\n");
}

/* ---- the report --------------------------------------------------------------------------- */

void junit_init(struct junit *j, const struct identity *id)
{
	memset(j, 0, sizeof *j);
	j->id = *id;
}

int junit_open(struct junit *j, const char *path, const struct identity *id)
{
	const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\');
	char dir[1200];

	junit_init(j, id);
	if (backslash && (!slash || backslash > slash))
		slash = backslash;
	if (slash && slash > path && (size_t)(slash - path) < sizeof dir) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		if (plat_mkdir_p(dir) == -1)
			return -1;
	}
	if (atomic_file_open(&j->file, path) == -1)
		return -1;
	j->have_file = 1;
	return 0;
}

void junit_round(struct junit *j)
{
	struct junit_suite *grown = realloc(j->suites, (j->nsuites + 1) * sizeof *grown);

	if (!grown) {
		j->out_of_memory = 1;
		return;
	}
	j->suites = grown;
	memset(&j->suites[j->nsuites++], 0, sizeof *grown);
}

void junit_case(struct junit *j, const struct case_result *r)
{
	const struct case_tap *tap = &r->tap;
	struct junit_suite *s;
	unsigned ntestcases = tap->npoints + (r->broken ? 1 : 0);
	double share;

	if (!j->nsuites)
		junit_round(j);
	if (!j->nsuites)
		return;
	s = &j->suites[j->nsuites - 1];
	share = ntestcases ? r->ms / ntestcases : 0;
	for (unsigned i = 0; i < tap->npoints; i++) {
		const struct point *p = &tap->points[i];

		if (r->tap_ok)
			family_testcase(s, r, p, r->fv[i], r->record[i], share);
		else /* a broken case's families as it printed them, as the TAP shows them */
			family_testcase(s, r, p, p->skip ? FV_SKIP : p->ok ? FV_PASS : FV_FAIL, NULL,
					share);
	}
	if (r->broken)
		broken_testcase(s, r, share);
	j->out_of_memory |= s->testcases.failed;
}

static void suite_name(struct text *t, const struct junit *j, size_t i)
{
	xml_escape(t, j->id.label, 1);
	if (j->nsuites > 1) {
		char round[48];
		snprintf(round, sizeof round, ", round %zu", i + 1);
		put(t, round);
	}
}

static void put_property(struct text *t, const char *name, const char *value)
{
	if (!value[0])
		return;
	put(t, "      <property name=\"");
	put(t, name);
	put(t, "\" value=\"");
	xml_escape(t, value, 1);
	put(t, "\"/>\n");
}

static void put_counts(struct text *t, unsigned tests, unsigned failures, unsigned errors,
		       unsigned skipped, double ms)
{
	put_count(t, "tests", tests);
	put_count(t, "failures", failures);
	put_count(t, "errors", errors);
	put_count(t, "skipped", skipped);
	put(t, " time=\"");
	put_seconds(t, ms);
	put(t, "\"");
}

int junit_write(const struct junit *j, FILE *out)
{
	struct text head = {NULL, 0, 0, 0};
	unsigned tests = 0, failures = 0, errors = 0, skipped = 0;
	double ms = 0;

	for (size_t i = 0; i < j->nsuites; i++) {
		tests += j->suites[i].tests;
		failures += j->suites[i].failures;
		errors += j->suites[i].errors;
		skipped += j->suites[i].skipped;
		ms += j->suites[i].ms;
	}
	put(&head, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	xml_escape(&head, j->id.label, 1);
	put(&head, "\"");
	put_counts(&head, tests, failures, errors, skipped, ms);
	put(&head, ">\n");
	if (head.s && !head.failed)
		fputs(head.s, out);
	for (size_t i = 0; i < j->nsuites; i++) {
		const struct junit_suite *s = &j->suites[i];

		head.len = 0;
		put(&head, "  <testsuite name=\"");
		suite_name(&head, j, i);
		put(&head, "\"");
		put_counts(&head, s->tests, s->failures, s->errors, s->skipped, s->ms);
		if (j->id.date[0]) {
			put(&head, " timestamp=\"");
			xml_escape(&head, j->id.date, 1);
			put(&head, "\"");
		}
		put(&head, ">\n    <properties>\n");
		put_property(&head, "label", j->id.label);
		put_property(&head, "target", j->id.target);
		put_property(&head, "os", j->id.os);
		put_property(&head, "kernel", j->id.kernel);
		put_property(&head, "stack", j->id.stack);
		if (j->id.stack_version[0])
			put_property(&head, "stack-version", j->id.stack_version);
		if (j->id.peer_stack[0])
			put_property(&head, "peer-stack", j->id.peer_stack);
		put_property(&head, "machine", j->id.machine);
		if (j->id.host[0])
			put_property(&head, "host", j->id.host);
		put(&head, "    </properties>\n");
		if (head.s && !head.failed)
			fputs(head.s, out);
		if (s->testcases.s)
			fputs(s->testcases.s, out);
		fputs("  </testsuite>\n", out);
	}
	fputs("</testsuites>\n", out);
	free(head.s);
	if (head.failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void junit_free(struct junit *j)
{
	for (size_t i = 0; i < j->nsuites; i++)
		free(j->suites[i].testcases.s);
	free(j->suites);
	j->suites = NULL;
	j->nsuites = 0;
	if (j->have_file)
		atomic_file_discard(&j->file); /* nothing once committed */
	j->have_file = 0;
}

int junit_finish(struct junit *j, int complete)
{
	int status = 0;

	if (complete && j->have_file) {
		if (j->out_of_memory) {
			junit_free(j);
			errno = ENOMEM;
			return -1;
		}
		if (junit_write(j, j->file.f) == -1) {
			junit_free(j);
			errno = ENOMEM;
			return -1;
		}
		status = atomic_file_commit(&j->file);
		j->have_file = 0;
	}
	{
		int saved = errno;
		junit_free(j);
		errno = saved;
	}
	return status;
}
