/* run_tap.c: the strict reader of a whole run's TAP (see run_tap.h). */
#include "run_tap.h"
#include "tap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *run_result_name(enum run_result r)
{
	switch (r) {
	case RR_PASS: return "ok";
	case RR_SKIP: return "skip";
	case RR_FAIL: return "not ok";
	case RR_TODO: return "todo";
	case RR_TODO_PASSED: return "todo passed";
	}
	return "?";
}

const char *run_yaml_get(const struct run_yaml *y, const char *key)
{
	for (size_t i = 0; i < y->n; i++)
		if (strcmp(y->pairs[i].key, key) == 0)
			return y->pairs[i].value;
	return NULL;
}

const struct run_case *run_tap_find(const struct run_tap *run, const char *id)
{
	for (size_t i = 0; i < run->ncases; i++)
		if (strcmp(run->cases[i].id, id) == 0)
			return &run->cases[i];
	return NULL;
}

static void yaml_free(struct run_yaml *y)
{
	for (size_t i = 0; i < y->n; i++) {
		free(y->pairs[i].key);
		free(y->pairs[i].value);
	}
	free(y->pairs);
	memset(y, 0, sizeof *y);
}

static void case_free(struct run_case *c)
{
	for (size_t i = 0; i < c->nfamilies; i++) {
		free(c->families[i].name);
		free(c->families[i].directive);
		yaml_free(&c->families[i].diag);
	}
	free(c->families);
	free(c->id);
	free(c->directive);
	yaml_free(&c->diag);
	yaml_free(&c->about);
	memset(c, 0, sizeof *c);
}

void run_tap_free(struct run_tap *run)
{
	for (size_t i = 0; i < run->ncases; i++)
		case_free(&run->cases[i]);
	free(run->cases);
	free(run->path);
	free(run->label);
	yaml_free(&run->header);
	memset(run, 0, sizeof *run);
}

/* ---- the parser ----------------------------------------------------------- */

enum where {
	IN_VERSION, /* line 1 */
	IN_HEADER,  /* the plan and the header comments, before or after it */
	IN_BODY,    /* between cases */
	IN_SUBTEST, /* after "# Subtest:", before the case's point */
	IN_FAMILY_YAML,
	IN_CASE_YAML,
	IN_TRAILING_BLANKS,
};

struct parser {
	struct run_tap *run;
	const char *name;
	char *err;
	size_t errsize;
	unsigned lineno;
	const char *line; /* the whole line, for messages */
	enum where where;
	int planned;            /* the plan has been read */
	unsigned points;        /* top-level points so far */
	/* the subtest being read */
	struct run_case sub;
	int have_sub;
	int sub_planned;
	unsigned sub_plan;
	/* the YAML block being read */
	struct run_yaml *yaml;
	char *list_key;         /* the key whose "- item" lines follow, or NULL */
	char **block_keys;      /* the keys of the block so far: YAML keys are unique */
	size_t nblock_keys;
	enum where after_yaml;
	int yaml_allowed;       /* the line before was a point */
};

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char why[400];

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (p->line)
		snprintf(p->err, p->errsize, "%s:%u: %s: \"%.120s%s\"", p->name, p->lineno, why, p->line,
			 strlen(p->line) > 120 ? "..." : "");
	else
		snprintf(p->err, p->errsize, "%s:%u: %s", p->name, p->lineno, why);
	return -1;
}

static int oom(struct parser *p)
{
	return fail(p, "out of memory");
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static char *dup_s(const char *s)
{
	return dup_n(s, strlen(s));
}

/* Take ownership of key and value (both freed on failure). */
static int yaml_add(struct run_yaml *y, char *key, char *value)
{
	if (!key || !value)
		goto fail;
	if (y->n == y->cap) {
		size_t cap = y->cap ? 2 * y->cap : 8;
		struct run_pair *pairs = realloc(y->pairs, cap * sizeof *pairs);
		if (!pairs)
			goto fail;
		y->pairs = pairs;
		y->cap = cap;
	}
	y->pairs[y->n].key = key;
	y->pairs[y->n].value = value;
	y->n++;
	return 0;
fail:
	free(key);
	free(value);
	return -1;
}

/* "ok 3 - name # SKIP why": 0, or -1 with the reason in p->err. */
static int parse_point(struct parser *p, const char *s, unsigned expect, const char *what,
		       enum run_result *result, char **name, char **directive)
{
	int ok;
	unsigned long number;
	char *end;
	const char *hash, *d;
	size_t namelen;

	*name = *directive = NULL;
	if (strncmp(s, "not ok ", 7) == 0)
		ok = 0, s += 7;
	else if (strncmp(s, "ok ", 3) == 0)
		ok = 1, s += 3;
	else
		return fail(p, "expected a test point (ok or not ok)");
	if (*s < '0' || *s > '9')
		return fail(p, "a test point without a number");
	errno = 0;
	number = strtoul(s, &end, 10);
	if (errno)
		return fail(p, "%s point number out of range", what);
	if (number != expect)
		return fail(p, "%s point number %lu where %u was due", what, number, expect);
	if (strncmp(end, " - ", 3) != 0)
		return fail(p, "expected \" - \" and a name after the point number");
	s = end + 3;
	hash = strstr(s, " # ");
	namelen = hash ? (size_t)(hash - s) : strlen(s);
	if (namelen == 0 || memchr(s, ' ', namelen) || memchr(s, '\t', namelen))
		return fail(p, "%s point without a %s, or with a space in it", what,
			    strcmp(what, "a family") == 0 ? "family name" : "case id");
	if (!hash) {
		*result = ok ? RR_PASS : RR_FAIL;
		d = "";
	} else if (strncmp(hash + 3, "SKIP", 4) == 0 && (hash[7] == ' ' || hash[7] == '\0')) {
		if (!ok)
			return fail(p, "a SKIP directive on a \"not ok\" point");
		*result = RR_SKIP;
		d = hash + 7 + (hash[7] == ' ');
	} else if (strncmp(hash + 3, "TODO", 4) == 0 && (hash[7] == ' ' || hash[7] == '\0')) {
		*result = ok ? RR_TODO_PASSED : RR_TODO;
		d = hash + 7 + (hash[7] == ' ');
	} else {
		return fail(p, "unknown directive (expected # SKIP or # TODO)");
	}
	*name = dup_n(s, namelen);
	*directive = dup_s(d);
	if (!*name || !*directive) {
		free(*name);
		free(*directive);
		*name = *directive = NULL;
		return oom(p);
	}
	return 0;
}

/* A TODO in a documented record's words (report.c); any other TODO is a divergence's. */
static int documented_todo(enum run_result result, const char *directive)
{
	static const char *const words[] = {"conforms to its own documents",
					    "documented record no longer holds"};

	if (result != RR_TODO && result != RR_TODO_PASSED)
		return 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strncmp(directive, words[i], strlen(words[i])) == 0)
			return 1;
	return 0;
}

/* "1..N" exactly: N, or -1 when the line is no plan. */
static long parse_plan(const char *s)
{
	char *end;
	unsigned long n;

	if (strncmp(s, "1..", 3) != 0 || s[3] < '0' || s[3] > '9')
		return -1;
	errno = 0;
	n = strtoul(s + 3, &end, 10);
	if (errno || *end || n > 10000000)
		return -1;
	return (long)n;
}

static void end_yaml(struct parser *p)
{
	for (size_t i = 0; i < p->nblock_keys; i++)
		free(p->block_keys[i]);
	free(p->block_keys);
	p->block_keys = NULL;
	p->nblock_keys = 0;
	free(p->list_key);
	p->list_key = NULL;
}

static void begin_yaml(struct parser *p, struct run_yaml *y, enum where inside, enum where after)
{
	end_yaml(p);
	p->yaml = y;
	p->list_key = NULL;
	p->where = inside;
	p->after_yaml = after;
	p->yaml_allowed = 0; /* one block a point */
}

/* The family whose YAML just ended: its record's kind: agrees with the words of its TODO. */
static int family_kind_agrees(struct parser *p)
{
	const struct run_family *f = &p->sub.families[p->sub.nfamilies - 1];
	const char *kind = run_yaml_get(&f->diag, "kind");

	if (!kind || (f->result != RR_TODO && f->result != RR_TODO_PASSED))
		return 0;
	if (strcmp(kind, "documented") != 0 && strcmp(kind, "divergence") != 0)
		return fail(p, "family %s: unknown record kind \"%.40s\" (documented or divergence)",
			    f->name, kind);
	if ((strcmp(kind, "documented") == 0) != f->documented)
		return fail(p, "family %s: its record's kind is %s, but its TODO says \"%.80s\"",
			    f->name, kind, f->directive);
	return 0;
}

/* One line of a YAML block, less its block's indent. */
static int yaml_line(struct parser *p, const char *s)
{
	const char *colon;
	size_t keylen;
	char *value;

	if (strcmp(s, "...") == 0) {
		if (p->where == IN_FAMILY_YAML && family_kind_agrees(p) == -1)
			return -1;
		end_yaml(p);
		p->where = p->after_yaml;
		return 0;
	}
	if (strncmp(s, "  - ", 4) == 0) {
		if (!p->list_key)
			return fail(p, "a YAML list item with no list key before it");
		value = malloc(strlen(s + 4) + 1);
		if (!value)
			return oom(p);
		if (tap_yaml_unquote(value, strlen(s + 4) + 1, s + 4) == -1) {
			free(value);
			return fail(p, "malformed quoted string in the YAML diagnostics");
		}
		if (yaml_add(p->yaml, dup_s(p->list_key), value) == -1)
			return oom(p);
		return 0;
	}
	keylen = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	colon = s + keylen;
	if (keylen == 0 || *colon != ':' || (colon[1] != ' ' && colon[1] != '\0') ||
	    (colon[1] == ' ' && colon[2] == '\0'))
		return fail(p, "malformed YAML diagnostics (expected key: \"value\", key: and a list, "
			       "or ...)");
	free(p->list_key);
	p->list_key = NULL;
	{
		char **more;

		for (size_t i = 0; i < p->nblock_keys; i++)
			if (strlen(p->block_keys[i]) == keylen && memcmp(p->block_keys[i], s, keylen) == 0)
				return fail(p, "the key %s twice in one YAML block (YAML keys are unique; "
					       "several values are a list)",
					    p->block_keys[i]);
		more = realloc(p->block_keys, (p->nblock_keys + 1) * sizeof *more);
		if (!more)
			return oom(p);
		p->block_keys = more;
		if (!(p->block_keys[p->nblock_keys] = dup_n(s, keylen)))
			return oom(p);
		p->nblock_keys++;
	}
	if (colon[1] == '\0') { /* "cites:", "sources:" and their items */
		p->list_key = dup_n(s, keylen);
		return p->list_key ? 0 : oom(p);
	}
	value = malloc(strlen(colon + 2) + 1);
	if (!value)
		return oom(p);
	if (tap_yaml_unquote(value, strlen(colon + 2) + 1, colon + 2) == -1) {
		free(value);
		return fail(p, "malformed quoted string in the YAML diagnostics");
	}
	if (yaml_add(p->yaml, dup_n(s, keylen), value) == -1)
		return oom(p);
	return 0;
}

/* A line of a subtest, less its four spaces. */
static int subtest_line(struct parser *p, const char *s, int yaml_allowed)
{
	struct run_case *c = &p->sub;
	long plan;

	if (strcmp(s, "  ---") == 0) {
		if (!yaml_allowed)
			return fail(p, "YAML diagnostics that follow no family point");
		begin_yaml(p, &c->families[c->nfamilies - 1].diag, IN_FAMILY_YAML, IN_SUBTEST);
		return 0;
	}
	if (strncmp(s, "# claim: ", 9) == 0)
		return yaml_add(&c->about, dup_s("claim"), dup_s(s + 9)) == -1 ? oom(p) : 0;
	if (strncmp(s, "# cite: ", 8) == 0)
		return yaml_add(&c->about, dup_s("cites"), dup_s(s + 8)) == -1 ? oom(p) : 0;
	if (s[0] == '#')
		return 0;
	if ((plan = parse_plan(s)) >= 0) {
		if (p->sub_planned)
			return fail(p, "a second plan in the subtest of %s", c->id);
		p->sub_planned = 1;
		p->sub_plan = (unsigned)plan;
		if (c->nfamilies && c->nfamilies != (size_t)plan)
			return fail(p, "the subtest of %s planned %ld families, printed %zu", c->id,
				    plan, c->nfamilies);
		return 0;
	}
	if (strncmp(s, "ok ", 3) == 0 || strncmp(s, "not ok ", 7) == 0) {
		struct run_family f;
		struct run_family *more;

		memset(&f, 0, sizeof f);
		if (p->sub_planned && c->nfamilies == p->sub_plan)
			return fail(p, "the subtest of %s planned %u families, this is one more", c->id,
				    p->sub_plan);
		if (parse_point(p, s, (unsigned)c->nfamilies + 1, "a family", &f.result, &f.name,
				&f.directive) == -1)
			return -1;
		f.documented = documented_todo(f.result, f.directive);
		for (size_t i = 0; i < c->nfamilies; i++)
			if (strcmp(c->families[i].name, f.name) == 0) {
				free(f.name);
				free(f.directive);
				return fail(p, "family %s twice in the subtest of %s", c->families[i].name,
					    c->id);
			}
		f.line = p->lineno;
		more = realloc(c->families, (c->nfamilies + 1) * sizeof *more);
		if (!more) {
			free(f.name);
			free(f.directive);
			return oom(p);
		}
		c->families = more;
		c->families[c->nfamilies++] = f;
		p->yaml_allowed = 1;
		return 0;
	}
	return fail(p, "unparseable line in the subtest of %s", c->id);
}

/* Two rounds of a case came to the same verdicts and observed values. */
static int same_outcome(const struct run_case *a, const struct run_case *b)
{
	const char *ma = run_yaml_get(&a->diag, "message"), *mb = run_yaml_get(&b->diag, "message");

	if (a->result != b->result || a->nfamilies != b->nfamilies)
		return 0;
	if ((ma || mb) && (!ma || !mb || strcmp(ma, mb) != 0))
		return 0;
	for (size_t i = 0; i < a->nfamilies; i++) {
		const struct run_family *fa = &a->families[i], *fb = &b->families[i];
		const char *ga = run_yaml_get(&fa->diag, "got"), *gb = run_yaml_get(&fb->diag, "got");

		if (strcmp(fa->name, fb->name) != 0 || fa->result != fb->result)
			return 0;
		if ((ga || gb) && (!ga || !gb || strcmp(ga, gb) != 0))
			return 0;
	}
	return 1;
}

/* The last case is complete (its YAML read): fold a repeated round into the first. */
static void settle_last_case(struct parser *p)
{
	struct run_tap *run = p->run;
	struct run_case *last;

	if (run->ncases == 0)
		return;
	last = &run->cases[run->ncases - 1];
	for (size_t i = 0; i + 1 < run->ncases; i++) {
		struct run_case *first = &run->cases[i];
		if (strcmp(first->id, last->id) != 0)
			continue;
		first->rounds++;
		if (!first->changed_round && !same_outcome(first, last))
			first->changed_round = first->rounds;
		case_free(last);
		run->ncases--;
		return;
	}
}

/*
 * A case's TODO is a documented record's when every family with the same
 * result rests on one (report.c): one divergence among them makes it a
 * divergence's.  -1 (said in p->err) when its words say otherwise.
 */
static int kind_disagrees(struct parser *p, const struct run_case *c)
{
	const struct run_family *divergence = NULL;
	int any = 0;

	if (c->result != RR_TODO && c->result != RR_TODO_PASSED)
		return 0;
	for (size_t i = 0; i < c->nfamilies; i++) {
		if (c->families[i].result != c->result)
			continue;
		any = 1;
		if (!c->families[i].documented && !divergence)
			divergence = &c->families[i];
	}
	if (any && c->documented && divergence)
		return fail(p, "%s says it follows its own documents, but its family %s is a recorded "
			       "divergence", c->id, divergence->name);
	if (any && !c->documented && !divergence)
		return fail(p, "%s says it diverges as recorded, but every family behind its TODO "
			       "follows its own documents", c->id);
	return 0;
}

static int case_point(struct parser *p, const char *s)
{
	struct run_tap *run = p->run;
	struct run_case c, *more;

	memset(&c, 0, sizeof c);
	settle_last_case(p);
	if (p->points == run->planned)
		return fail(p, "planned %u test points, this is one more", run->planned);
	if (parse_point(p, s, p->points + 1, "a case", &c.result, &c.id, &c.directive) == -1)
		return -1;
	c.line = p->lineno;
	c.rounds = 1;
	c.documented = documented_todo(c.result, c.directive);
	if (p->have_sub) {
		struct run_case *sub = &p->sub;
		if (strcmp(sub->id, c.id) != 0) {
			fail(p, "the point for %s follows the subtest of %s", c.id, sub->id);
			goto fail;
		}
		if (!p->sub_planned) {
			fail(p, "the subtest of %s has no plan", c.id);
			goto fail;
		}
		if (sub->nfamilies != p->sub_plan) {
			fail(p, "the subtest of %s planned %u families, printed %zu", c.id, p->sub_plan,
			     sub->nfamilies);
			goto fail;
		}
		c.families = sub->families;
		c.nfamilies = sub->nfamilies;
		c.about = sub->about;
		sub->families = NULL;
		sub->nfamilies = 0;
		memset(&sub->about, 0, sizeof sub->about);
		case_free(sub);
		p->have_sub = 0;
	}
	for (size_t i = 0; i < c.nfamilies; i++) {
		enum run_result fr = c.families[i].result;
		if ((fr == RR_FAIL && c.result != RR_FAIL) ||
		    (fr == RR_TODO && c.result != RR_FAIL && c.result != RR_TODO)) {
			fail(p, "%s is \"%s\" although its family %s is \"%s\"", c.id,
			     run_result_name(c.result), c.families[i].name, run_result_name(fr));
			goto fail;
		}
	}
	if (kind_disagrees(p, &c) == -1)
		goto fail;
	more = realloc(run->cases, (run->ncases + 1) * sizeof *more);
	if (!more) {
		oom(p);
		goto fail;
	}
	run->cases = more;
	run->cases[run->ncases++] = c;
	p->points++;
	p->where = IN_BODY;
	p->yaml_allowed = 1;
	return 0;
fail:
	case_free(&c);
	return -1;
}

static int header_line(struct parser *p, const char *s)
{
	const char *colon;

	if (strncmp(s, "# sysctl ", 9) == 0)
		return yaml_add(&p->run->header, dup_s("sysctl"), dup_s(s + 9)) == -1 ? oom(p) : 0;
	colon = strstr(s, ": ");
	if (s[1] == ' ' && colon && colon > s + 2 && !memchr(s + 2, ' ', (size_t)(colon - s - 2)))
		return yaml_add(&p->run->header, dup_n(s + 2, (size_t)(colon - s - 2)),
				dup_s(colon + 2)) == -1
			       ? oom(p)
			       : 0;
	return 0; /* any other comment */
}

static int body_line(struct parser *p, const char *s)
{
	int yaml_allowed = p->yaml_allowed;

	p->yaml_allowed = 0;
	if (p->where == IN_SUBTEST && strncmp(s, "    ", 4) == 0)
		return subtest_line(p, s + 4, yaml_allowed);
	if (strncmp(s, "Bail out!", 9) == 0)
		return fail(p, "the run bailed out: the file is not a whole run");
	if (strncmp(s, "# Subtest: ", 11) == 0) {
		settle_last_case(p);
		if (p->where == IN_SUBTEST)
			return fail(p, "a subtest begins before the subtest of %s had its test point",
				    p->sub.id);
		if (!s[11] || strchr(s + 11, ' '))
			return fail(p, "a subtest without a case id, or with a space in it");
		memset(&p->sub, 0, sizeof p->sub);
		p->sub.id = dup_s(s + 11);
		if (!p->sub.id)
			return oom(p);
		p->have_sub = 1;
		p->sub_planned = 0;
		p->sub_plan = 0;
		p->where = IN_SUBTEST;
		return 0;
	}
	if (strncmp(s, "ok ", 3) == 0 || strncmp(s, "not ok ", 7) == 0)
		return case_point(p, s);
	if (strcmp(s, "  ---") == 0 && p->where == IN_BODY) {
		if (!yaml_allowed)
			return fail(p, "YAML diagnostics that follow no test point");
		begin_yaml(p, &p->run->cases[p->run->ncases - 1].diag, IN_CASE_YAML, IN_BODY);
		return 0;
	}
	if (s[0] == '#')
		return 0; /* a comment: "# unstable: ...", the tally */
	if (parse_plan(s) >= 0)
		return fail(p, "a second plan");
	if (p->where == IN_SUBTEST)
		return fail(p, "unparseable line in the subtest of %s (subtest lines are indented by 4 "
			       "spaces)", p->sub.id);
	return fail(p, "unparseable line");
}

static int parse_line(struct parser *p, const char *s)
{
	long plan;

	if (s[0] == '\0' && p->where != IN_VERSION) {
		if (p->where == IN_BODY || p->where == IN_TRAILING_BLANKS ||
		    (p->where == IN_HEADER && p->planned)) {
			p->where = IN_TRAILING_BLANKS; /* blank lines may end the file, nothing else */
			return 0;
		}
		return fail(p, "a blank line");
	}
	switch (p->where) {
	case IN_VERSION:
		if (strcmp(s, "TAP version 13") != 0)
			return fail(p, "not a run's TAP: the first line must be \"TAP version 13\"");
		p->where = IN_HEADER;
		return 0;
	case IN_HEADER: /* report.c writes the plan first; comments before it are TAP too */
		if (s[0] == '#' && strncmp(s, "# Subtest: ", 11) != 0)
			return header_line(p, s);
		if (p->planned) { /* the header ends with the first line that is no comment */
			p->where = IN_BODY;
			return body_line(p, s);
		}
		if ((plan = parse_plan(s)) < 0)
			return fail(p, "expected the plan (1..N) or a header comment");
		p->planned = 1;
		p->run->planned = (unsigned)plan;
		return 0;
	case IN_FAMILY_YAML:
		if (strncmp(s, "      ", 6) != 0)
			return fail(p, "unterminated YAML diagnostics of a family point (expected "
				       "\"      ...\")");
		return yaml_line(p, s + 6);
	case IN_CASE_YAML:
		if (strncmp(s, "  ", 2) != 0)
			return fail(p, "unterminated YAML diagnostics (expected \"  ...\")");
		return yaml_line(p, s + 2);
	case IN_TRAILING_BLANKS:
		return fail(p, "text after a blank line");
	case IN_BODY:
	case IN_SUBTEST:
		return body_line(p, s);
	}
	return fail(p, "unparseable line");
}

const char *base_name(const char *path)
{
	const char *b = path;

	for (const char *s = path; *s; s++)
		if (*s == '/' || *s == '\\')
			b = s + 1;
	return b;
}

int run_tap_parse(struct run_tap *run, const char *text, size_t len, const char *name, char *err,
		  size_t errsize)
{
	struct parser p;
	char *buf = NULL;
	size_t pos = 0;
	int rc = -1;

	memset(run, 0, sizeof *run);
	memset(&p, 0, sizeof p);
	p.run = run;
	p.name = name;
	p.err = err;
	p.errsize = errsize;
	p.where = IN_VERSION;
	err[0] = '\0';

	buf = dup_n(text, len);
	run->path = dup_s(name);
	if (!buf || !run->path) {
		oom(&p);
		goto out;
	}
	while (pos < len) {
		size_t eol = pos, n;

		while (eol < len && buf[eol] != '\n')
			eol++;
		n = eol - pos;
		p.lineno++;
		p.line = NULL;
		if (memchr(buf + pos, '\0', n)) {
			fail(&p, "a NUL byte: this is no text file");
			goto out;
		}
		buf[eol < len ? eol : len] = '\0';
		if (n && buf[pos + n - 1] == '\r')
			buf[pos + --n] = '\0';
		p.line = buf + pos;
		if (parse_line(&p, buf + pos) == -1)
			goto out;
		pos = eol + 1;
	}
	p.line = NULL;
	switch (p.where) {
	case IN_VERSION:
		fail(&p, "empty file: a run's TAP starts with \"TAP version 13\"");
		goto out;
	case IN_HEADER:
		if (!p.planned) {
			fail(&p, "the file ends before the plan (1..N)");
			goto out;
		}
		break;
	case IN_FAMILY_YAML:
	case IN_CASE_YAML:
		fail(&p, "the file ends inside YAML diagnostics");
		goto out;
	case IN_SUBTEST:
		fail(&p, "the file ends inside the subtest of %s, before its test point", p.sub.id);
		goto out;
	case IN_BODY:
	case IN_TRAILING_BLANKS:
		break;
	}
	settle_last_case(&p);
	if (p.points != run->planned) {
		fail(&p, "planned %u test points, found %u: the file is cut short", run->planned,
		     p.points);
		goto out;
	}
	{
		const char *label = run_yaml_get(&run->header, "label");
		const char *b = base_name(name);
		size_t blen = strlen(b);

		if (blen > 4 && strcmp(b + blen - 4, ".tap") == 0)
			blen -= 4;
		run->label = label && *label ? dup_s(label) : dup_n(b, blen);
		if (!run->label) {
			oom(&p);
			goto out;
		}
	}
	rc = 0;
out:
	end_yaml(&p);
	if (p.have_sub)
		case_free(&p.sub);
	free(buf);
	if (rc == -1)
		run_tap_free(run);
	return rc;
}

int run_tap_load(struct run_tap *run, const char *path, char *err, size_t errsize)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	memset(run, 0, sizeof *run);
	if (!f) {
		snprintf(err, errsize, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;
		if (cap - len < 65536) {
			char *more = realloc(text, cap + 65536 * 4);
			if (!more) {
				free(text);
				fclose(f);
				snprintf(err, errsize, "%s: out of memory", path);
				return -1;
			}
			text = more;
			cap += 65536 * 4;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errsize, "%s: cannot read: %s", path, strerror(errno));
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	rc = run_tap_parse(run, text, len, path, err, errsize);
	free(text);
	return rc;
}
