/* report.c: writing the run's TAP (see report.h). */
#include "report.h"
#include "tap.h"

#include <string.h>

/* A case's key is at most 31 bytes (case_tap.h); room for a '_' before and "_999" after. */
#define DIAG_KEY_SIZE 48

void report_start(FILE *out, const struct identity *id, size_t npoints)
{
	/* 13: Debian 12's prove rejects 14.  The plan comes right after the
	 * version: TAP 13 lets comments precede a leading plan, but tappy takes
	 * a plan only on line 1, line 2 after the version, or the last line. */
	fprintf(out, "TAP version 13\n1..%zu\n", npoints);
	identity_write(out, id);
}

/* The keys the runner adds after a case's own in a family's YAML block. */
static const char *const runner_family_keys[] = {
	"verdict", "kind", "divergence", "documented", "sources", "recorded",
};

/* A word every YAML reader takes for a boolean or null rather than a string. */
static int yaml_reserved_word(const char *s)
{
	static const char *const words[] = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t k = 0;
		while (s[k] && words[i][k] && (s[k] | 0x20) == words[i][k])
			k++;
		if (!s[k] && !words[i][k])
			return 1;
	}
	return 0;
}

static int key_taken(const char *key, char taken[][DIAG_KEY_SIZE], unsigned ntaken)
{
	for (size_t i = 0; i < sizeof runner_family_keys / sizeof runner_family_keys[0]; i++)
		if (strcmp(key, runner_family_keys[i]) == 0)
			return 1;
	for (unsigned i = 0; i < ntaken; i++)
		if (strcmp(key, taken[i]) == 0)
			return 1;
	return 0;
}

/*
 * A case's key as the block's key: a plain YAML string ([A-Za-z_][A-Za-z0-9_-]*,
 * no boolean or null word, '_' put before anything else) that no earlier key of
 * the block and none of the runner's has.  A case printing a key twice, or one
 * of the runner's, gets "key_2", "key_3": the block stays valid YAML, whose keys
 * are unique, and nothing the case said is lost.
 */
static void block_key(char *out, const char *key, char taken[][DIAG_KEY_SIZE], unsigned ntaken)
{
	char base[DIAG_KEY_SIZE - 4];
	size_t n = 0;

	if (!((*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z') || *key == '_') ||
	    yaml_reserved_word(key))
		base[n++] = '_';
	for (; *key && n + 1 < sizeof base; key++) {
		char c = *key;
		int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '_' || c == '-';
		base[n++] = plain ? c : '_';
	}
	base[n] = '\0';
	snprintf(out, DIAG_KEY_SIZE, "%s", base);
	for (unsigned k = 2; key_taken(out, taken, ntaken) && k < 1000; k++)
		snprintf(out, DIAG_KEY_SIZE, "%s_%u", base, k);
}

static void write_diag(FILE *out, int indent, const struct point *p)
{
	char taken[MAX_DIAG][DIAG_KEY_SIZE];

	for (unsigned i = 0; i < p->ndiag; i++) { /* at most MAX_DIAG: case_tap.c */
		block_key(taken[i], p->diag[i].key, taken, i);
		tap_yaml_pair(out, indent, taken[i], p->diag[i].value);
	}
}

/* A point whose wire checks were skipped says so, and which, wherever it is shown. */
static void write_partial(FILE *out, int indent, const struct point *p)
{
	static const char *const keys[] = {"partial", "unchecked"};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (point_diag(p, keys[i]))
			tap_yaml_pair(out, indent, keys[i], point_diag(p, keys[i]));
}

/* key: and one "- item" line per value: how YAML says one key, several values. */
static void write_list(FILE *out, int indent, const char *key, const char *const *items, unsigned n)
{
	if (n == 0)
		return;
	fprintf(out, "%*s%s:\n", indent, "", key);
	for (unsigned i = 0; i < n; i++) {
		char q[1100];
		tap_yaml_quote(q, sizeof q, items[i]);
		fprintf(out, "%*s- %s\n", indent + 2, "", q);
	}
}

static void write_record(FILE *out, int indent, const struct divergence *rec)
{
	const char *sources[MAX_SOURCES];

	for (unsigned s = 0; s < rec->nsources; s++) /* at most MAX_SOURCES: divergence.c */
		sources[s] = rec->sources[s];
	/* the reason under the kind's own name: "divergence: Linux keeps ..." */
	tap_yaml_pair(out, indent, "kind", record_kind_name(rec->kind));
	tap_yaml_pair(out, indent, record_kind_name(rec->kind), rec->why);
	write_list(out, indent, "sources", sources, rec->nsources);
	tap_yaml_pair(out, indent, "recorded", rec->where);
}

/*
 * Text a case printed, put on a line of TAP: each character of `blank`, and
 * a line break, becomes `with`; any other control character, and any byte
 * that is no printable UTF-8 character, becomes '?'.  Readers that decode
 * the file as UTF-8 (tappy, Python) refuse the whole file for one bad byte.
 */
static const char *line_text(const char *s, const char *blank, char with, char *buf, size_t size)
{
	size_t n = 0;

	while (*s && n + 1 < size) {
		unsigned long cp;
		size_t len = tap_utf8_char(s, &cp);

		if (*s == '\n' || *s == '\r' || strchr(blank, *s)) {
			buf[n++] = with, s++;
		} else if (len == 0 || cp < 0x20 || cp == 0x7f || tap_yaml_unprintable(cp)) {
			buf[n++] = '?', s += len ? len : 1;
		} else {
			if (n + len >= size)
				break; /* a whole character or none */
			memcpy(buf + n, s, len);
			n += len, s += len;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* A value shown on a test line: one line, no '#' to start a directive. */
static const char *one_line(const char *s, char *buf, size_t size)
{
	return line_text(s, "#", ' ', buf, size);
}

/* A recorded family's TODO, in its record's words. */
static const char *as_recorded(enum record_kind kind)
{
	return kind == KIND_DOCUMENTED ? "conforms to its own documents" : "diverges as recorded";
}

static const char *no_longer_holds(enum record_kind kind)
{
	return kind == KIND_DOCUMENTED ? "documented record no longer holds"
				       : "recorded divergence no longer diverges";
}

static void report_family(FILE *out, unsigned k, const struct point *p, enum family_verdict fv,
			  const struct divergence *rec)
{
	const char *got = point_diag(p, "got");
	char line[256], name[sizeof p->family], why[CASE_TAP_SKIP_SIZE];
	/* a broken case's points are shown as it printed them: each must stay one TAP point */
	const char *family = line_text(p->family, " \t#", '_', name, sizeof name);

	switch (fv) {
	case FV_PASS:
		fprintf(out, "    ok %u - %s\n", k, family);
		if (point_diag(p, "partial")) { /* ok by its socket checks, its wire part skipped */
			fprintf(out, "      ---\n");
			write_diag(out, 6, p);
			fprintf(out, "      ...\n");
		}
		return;
	case FV_SKIP:
		fprintf(out, "    ok %u - %s # SKIP %s\n", k, family,
			line_text(p->skip_reason, "", ' ', why, sizeof why));
		return;
	case FV_NO_LONGER_DIVERGES:
		fprintf(out, "    ok %u - %s # TODO %s\n", k, family, no_longer_holds(rec->kind));
		fprintf(out, "      ---\n");
		write_partial(out, 6, p);
		write_record(out, 6, rec);
		fprintf(out, "      ...\n");
		return;
	case FV_DIVERGES:
		fprintf(out, "    not ok %u - %s # TODO %s: got %s\n", k, family, as_recorded(rec->kind),
			got ? one_line(got, line, sizeof line) : "(see diagnostics)");
		break;
	case FV_FAIL:
	case FV_DIVERGES_OTHERWISE:
		fprintf(out, "    not ok %u - %s\n", k, family);
		break;
	}
	fprintf(out, "      ---\n");
	write_diag(out, 6, p);
	if (fv == FV_DIVERGES_OTHERWISE) {
		char msg[600];
		snprintf(msg, sizeof msg, "%s: the record says got %s",
			 rec->kind == KIND_DOCUMENTED ? "differs, but not as its own documents say"
						      : "diverges, but not as recorded",
			 rec->got);
		tap_yaml_pair(out, 6, "verdict", msg);
	}
	if (rec)
		write_record(out, 6, rec);
	fprintf(out, "      ...\n");
}

/*
 * A case every family skipped: why.  The reason itself when the families
 * share one ("packet capture is not permitted here (needs CAP_NET_RAW)"),
 * else each reason after the families that gave it
 * ("inet, inet6: packet capture ...; unix: AF_UNIX sockets put nothing on a wire").
 */
static const char *skip_reason_of(const struct point *p)
{
	return p->skip_reason[0] ? p->skip_reason : "no reason given";
}

static const char *skip_reasons(const struct case_tap *t, char *buf, size_t size)
{
	char raw[1024];
	size_t n = 0;
	unsigned groups = 0;

	raw[0] = '\0';
	for (unsigned i = 0; i < t->npoints && n < sizeof raw; i++) {
		const char *why = skip_reason_of(&t->points[i]);
		unsigned k = 0;

		while (k < i && strcmp(skip_reason_of(&t->points[k]), why) != 0)
			k++;
		if (k < i)
			continue; /* written with the earlier family that gave it */
		n += (size_t)snprintf(raw + n, sizeof raw - n, "%s%s", groups++ ? "; " : "",
				      t->points[i].family);
		for (k = i + 1; k < t->npoints && n < sizeof raw; k++)
			if (strcmp(skip_reason_of(&t->points[k]), why) == 0)
				n += (size_t)snprintf(raw + n, sizeof raw - n, ", %s", t->points[k].family);
		if (n < sizeof raw)
			n += (size_t)snprintf(raw + n, sizeof raw - n, ": %s", why);
	}
	if (groups == 1) /* one reason: naming the families adds nothing */
		snprintf(raw, sizeof raw, "%s", skip_reason_of(&t->points[0]));
	return line_text(raw, "", ' ', buf, size);
}

static const char *directive(const struct case_result *r, char *buf, size_t size)
{
	switch (r->verdict) {
	case CV_TODO:
		return r->todo_kind == KIND_DOCUMENTED ? " # TODO conforms to its own documents"
						       : " # TODO diverges as recorded";
	case CV_TODO_PASSED:
		return r->todo_kind == KIND_DOCUMENTED ? " # TODO documented record no longer holds"
						       : " # TODO recorded divergence no longer diverges";
	case CV_SKIP: {
		char why[1024];
		snprintf(buf, size, " # SKIP %s", skip_reasons(&r->tap, why, sizeof why));
		return buf;
	}
	default: return "";
	}
}

void report_case(FILE *out, unsigned number, const struct case_result *r)
{
	const struct case_tap *t = &r->tap;
	char skip[1100];

	if (r->tap_ok || t->npoints) {
		char text[CASE_TAP_CLAIM_SIZE > CASE_TAP_CITE_SIZE ? CASE_TAP_CLAIM_SIZE : CASE_TAP_CITE_SIZE];

		fprintf(out, "# Subtest: %s\n", r->entry->id);
		/* what the case asserts and why, so a results file explains itself */
		if (t->claim && t->claim[0])
			fprintf(out, "    # claim: %s\n", line_text(t->claim, "", ' ', text, sizeof text));
		for (unsigned i = 0; i < t->ncites; i++)
			fprintf(out, "    # cite: %s\n",
				line_text(t->cites[i], "", ' ', text, sizeof text));
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
		directive(r, skip, sizeof skip));
	if (r->verdict == CV_PASS || r->verdict == CV_SKIP)
		return;
	fprintf(out, "  ---\n");
	if (r->broken)
		tap_yaml_pair(out, 2, "message", r->error);
	if (t->claim && t->claim[0]) /* NULL: the case never started */
		tap_yaml_pair(out, 2, "claim", t->claim);
	{
		const char *cites[MAX_CITES];
		for (unsigned i = 0; i < t->ncites; i++) /* at most MAX_CITES: case_tap.c */
			cites[i] = t->cites[i];
		write_list(out, 2, "cites", cites, t->ncites);
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
	case CV_TODO:
		if (r->todo_kind == KIND_DOCUMENTED)
			t->documented++;
		else
			t->todo++;
		break;
	case CV_TODO_PASSED:
		if (r->todo_kind == KIND_DOCUMENTED)
			t->documented_passed++;
		else
			t->todo_passed++;
		break;
	}
}

void report_end(FILE *out, const struct tally *t)
{
	fprintf(out, "# %u conform, %u follow their own documents, %u diverge as recorded, "
		     "%u recorded divergences no longer diverge, %u documented records no longer "
		     "hold, %u skipped, %u do not conform\n",
		t->pass, t->documented, t->todo, t->todo_passed, t->documented_passed, t->skip,
		t->fail);
}
