/* divergence.c: reading the divergence records (format in divergence.h). */
#include "divergence.h"
#include "catalog.h"
#include "platform.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned family_bit(const char *family)
{
	if (strcmp(family, "inet") == 0)
		return 1;
	if (strcmp(family, "inet6") == 0)
		return 2;
	if (strcmp(family, "unix") == 0)
		return 4;
	return 0;
}

static int problem(char *err, size_t errsize, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errsize, "%s:%u: ", file, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errsize)
		vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int valid_id(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
			return 0;
	return 1;
}

const char *record_kind_name(enum record_kind k)
{
	return k == KIND_DOCUMENTED ? "documented" : "divergence";
}

/*
 * Where each platform's own reference lives.  A documented record cites at
 * least one page under these, for the platform its on: glob names first
 * (the label's first word: linux-*, gvisor-*).  gVisor implements Linux's
 * system call interface and documents only where it falls short
 * (https://gvisor.dev/docs/user_guide/compatibility), so Linux's pages are
 * its reference too; Wine implements the Windows API, whose reference is
 * Microsoft's.  lwIP's runs are labelled lwip-* (the stack is the platform),
 * so on: linux-* never applies to them.
 */
#define LINUX_DOCUMENTS "https://man7.org/linux/man-pages/", "https://docs.kernel.org/", \
			"https://www.kernel.org/doc/"
static const struct own_documents {
	const char *platform;
	const char *under[5];
} own_documents[] = {
	{"linux", {LINUX_DOCUMENTS}},
	{"gvisor", {"https://gvisor.dev/docs/", LINUX_DOCUMENTS}},
	{"windows", {"https://learn.microsoft.com/"}},
	{"wine", {"https://learn.microsoft.com/"}},
	{"freebsd", {"https://man.freebsd.org/"}},
	{"openbsd", {"https://man.openbsd.org/"}},
	{"netbsd", {"https://man.netbsd.org/"}},
	{"darwin", {"https://developer.apple.com/"}},
	/* lwIP's documents are its manual and its source: the project's pages, its
	 * git trees (GitHub mirror, Savannah) and the Debian source package */
	{"lwip", {"https://www.nongnu.org/lwip/", "https://github.com/lwip-tcpip/lwip/",
		  "https://git.savannah.nongnu.org/cgit/lwip.git/", "https://sources.debian.org/src/lwip/"}},
};

/* The platform an on: glob names: its first word, when a '-' or the end follows it. */
static const struct own_documents *platform_of(const char *on)
{
	size_t n = strcspn(on, "-*?[");

	if (on[n] != '-' && on[n] != '\0')
		return NULL;
	for (size_t i = 0; i < sizeof own_documents / sizeof own_documents[0]; i++)
		if (strlen(own_documents[i].platform) == n &&
		    strncmp(own_documents[i].platform, on, n) == 0)
			return &own_documents[i];
	return NULL;
}

static int cites_own_documents(const struct divergence *r, const struct own_documents *p)
{
	for (unsigned s = 0; s < r->nsources; s++)
		for (size_t k = 0; k < sizeof p->under / sizeof p->under[0] && p->under[k]; k++)
			if (strncmp(r->sources[s], p->under[k], strlen(p->under[k])) == 0)
				return 1;
	return 0;
}

/* A finished record must have its required fields, and a documented one its document. */
static int finish(const struct divergence *r, char *err, size_t errsize)
{
	const char *missing = !r->on[0]	       ? "on"
			      : r->kind == KIND_UNSET ? "kind"
			      : !r->why[0]	       ? "why"
			      : !r->nsources	       ? "source"
						       : NULL;
	const struct own_documents *p;

	if (missing) {
		snprintf(err, errsize, "%s: divergence %s has no '%s:' line%s", r->where, r->id,
			 missing, strcmp(missing, "kind") == 0 ? " (documented or divergence)" : "");
		return -1;
	}
	if (!r->on[strspn(r->on, "*?")]) {
		snprintf(err, errsize,
			 "%s: divergence %s: 'on: %s' matches every platform; a record is one "
			 "platform's (on: linux-*, gvisor-*, ...)",
			 r->where, r->id, r->on);
		return -1;
	}
	if (r->kind != KIND_DOCUMENTED)
		return 0;
	if (!(p = platform_of(r->on))) {
		snprintf(err, errsize,
			 "%s: documented record %s: 'on: %s' names no platform whose documents are "
			 "known (linux-*, gvisor-*, windows-*, freebsd-*, ...)",
			 r->where, r->id, r->on);
		return -1;
	}
	if (!cites_own_documents(r, p)) {
		snprintf(err, errsize,
			 "%s: documented record %s cites none of %s's own documents (a source "
			 "under %s%s)",
			 r->where, r->id, p->platform, p->under[0], p->under[1] ? ", ..." : "");
		return -1;
	}
	return 0;
}

static int set_field(struct divergence *r, const char *key, char *value, const char *file,
		     unsigned line, char *err, size_t errsize)
{
	if (!*value)
		return problem(err, errsize, file, line, "'%s:' has no value", key);
	if ((strcmp(key, "on") == 0 && r->on[0]) || (strcmp(key, "why") == 0 && r->why[0]) ||
	    (strcmp(key, "got") == 0 && r->has_got) || (strcmp(key, "family") == 0 && r->families) ||
	    (strcmp(key, "kind") == 0 && r->kind != KIND_UNSET) ||
	    (strcmp(key, "when") == 0 && r->sometimes))
		return problem(err, errsize, file, line, "a second '%s:' in one record", key);
	if (strcmp(key, "on") == 0) {
		snprintf(r->on, sizeof r->on, "%s", value);
	} else if (strcmp(key, "family") == 0) {
		if (!value[strspn(value, " ,")])
			return problem(err, errsize, file, line, "'family:' names no family");
		for (char *tok = strtok(value, " ,"); tok; tok = strtok(NULL, " ,")) {
			unsigned bit = family_bit(tok);
			if (!bit)
				return problem(err, errsize, file, line,
					       "unknown family '%s' (inet, inet6 or unix)", tok);
			r->families |= bit;
		}
	} else if (strcmp(key, "kind") == 0) {
		if (strcmp(value, "documented") == 0)
			r->kind = KIND_DOCUMENTED;
		else if (strcmp(value, "divergence") == 0)
			r->kind = KIND_DIVERGENCE;
		else
			return problem(err, errsize, file, line,
				       "unknown kind '%s' (documented or divergence)", value);
	} else if (strcmp(key, "got") == 0) {
		r->has_got = 1;
		snprintf(r->got, sizeof r->got, "%s", value);
	} else if (strcmp(key, "when") == 0) {
		if (strcmp(value, "sometimes") != 0)
			return problem(err, errsize, file, line, "unknown when '%s' (sometimes)", value);
		r->sometimes = 1;
	} else if (strcmp(key, "why") == 0) {
		snprintf(r->why, sizeof r->why, "%s", value);
	} else if (strcmp(key, "source") == 0) {
		if (r->nsources == MAX_SOURCES)
			return problem(err, errsize, file, line, "more than %d sources", MAX_SOURCES);
		snprintf(r->sources[r->nsources++], sizeof r->sources[0], "%s", value);
	} else {
		return problem(err, errsize, file, line,
			       "unknown key '%s' (on, family, kind, got, when, why, source)", key);
	}
	return 0;
}

/*
 * Whether some label matches both globs: a walk over pairs of positions in
 * the two, where each step both consume one character of a common text
 * ('*' may also match nothing).  Globs fit in struct divergence's on.
 */
static int globs_overlap(const char *a, const char *b)
{
	enum { MAX = sizeof ((struct divergence *)0)->on };
	static unsigned char seen[MAX][MAX]; /* static: too large for a stack frame */
	static unsigned char stack[MAX * MAX][2]; /* each pair is pushed once */
	size_t top = 0, la = strlen(a), lb = strlen(b);

	memset(seen, 0, sizeof seen);
	stack[top][0] = 0, stack[top][1] = 0, top++;
	seen[0][0] = 1;
	while (top) {
		size_t i = stack[--top][0], j = stack[top][1], next[3][2];
		unsigned nnext = 0;

		if (i == la && j == lb)
			return 1;
		if (i < la && a[i] == '*') { /* a's star matches nothing, or b's next character */
			next[nnext][0] = i + 1, next[nnext++][1] = j;
			if (j < lb && b[j] != '*')
				next[nnext][0] = i, next[nnext++][1] = j + 1;
		}
		if (j < lb && b[j] == '*') {
			next[nnext][0] = i, next[nnext++][1] = j + 1;
			if (i < la && a[i] != '*')
				next[nnext][0] = i + 1, next[nnext++][1] = j;
		}
		if (i < la && j < lb && a[i] != '*' && b[j] != '*' &&
		    (a[i] == '?' || b[j] == '?' || a[i] == b[j]))
			next[nnext][0] = i + 1, next[nnext++][1] = j + 1;
		for (unsigned k = 0; k < nnext; k++)
			if (!seen[next[k][0]][next[k][1]]) {
				seen[next[k][0]][next[k][1]] = 1;
				stack[top][0] = (unsigned char)next[k][0];
				stack[top][1] = (unsigned char)next[k][1];
				top++;
			}
	}
	return 0;
}

/* Two records conflict when one failure could match both: which applies would be chance. */
static int conflicts(const struct divergence *a, const struct divergence *b)
{
	return strcmp(a->id, b->id) == 0 && (!a->families || !b->families || (a->families & b->families)) &&
	       globs_overlap(a->on, b->on);
}

/*
 * A message shown on a terminal: control characters (ESC starting an
 * escape sequence, a newline making a second line) become \xNN, and so do
 * the C1 controls' UTF-8 encodings (U+0080..U+009F).
 */
static void escape_controls(char *msg, size_t size)
{
	char raw[2048];
	size_t n = 0;

	snprintf(raw, sizeof raw, "%s", msg);
	for (const unsigned char *c = (const unsigned char *)raw; *c && n + 1 < size; c++) {
		int c1 = c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f;

		if (*c < 0x20 || *c == 0x7f || c1) {
			if (n + 5 > size - 1)
				break;
			if (c1) /* shown as the code point, and its second byte consumed */
				snprintf(msg + n, size - n, "\\x%02x", (unsigned)*++c);
			else
				snprintf(msg + n, size - n, "\\x%02x", (unsigned)*c);
			n += 4;
		} else {
			msg[n++] = (char)*c;
		}
	}
	msg[n] = '\0';
}

static int parse_records(struct divergences *d, const char *text, const char *filename, char *err,
			 size_t errsize)
{
	struct divergence *cur = NULL;
	unsigned lineno = 0;
	const char *p = text;

	while (*p) {
		char buf[2048], *line, *colon;
		size_t n = strcspn(p, "\n");

		lineno++;
		if (n >= sizeof buf)
			return problem(err, errsize, filename, lineno, "line too long");
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (p[n] == '\n');
		line = trim(buf);
		if (!*line || *line == '#')
			continue;
		if (buf[0] != ' ' && buf[0] != '\t') { /* a new record: the case id */
			struct divergence *grown;

			if (cur && finish(cur, err, errsize) == -1)
				return -1;
			if (!valid_id(line))
				return problem(err, errsize, filename, lineno,
					       "expected a case id, got '%s'", line);
			grown = realloc(d->items, (d->n + 1) * sizeof *grown);
			if (!grown)
				return problem(err, errsize, filename, lineno, "out of memory");
			d->items = grown;
			cur = &d->items[d->n++];
			memset(cur, 0, sizeof *cur);
			snprintf(cur->id, sizeof cur->id, "%s", line);
			snprintf(cur->where, sizeof cur->where, "%s:%u", filename, lineno);
			continue;
		}
		if (!cur)
			return problem(err, errsize, filename, lineno,
				       "an indented line before any case id");
		colon = strchr(line, ':');
		if (!colon)
			return problem(err, errsize, filename, lineno, "expected 'key: value', got '%s'",
				       line);
		*colon = '\0';
		if (set_field(cur, trim(line), trim(colon + 1), filename, lineno, err, errsize) == -1)
			return -1;
	}
	if (cur && finish(cur, err, errsize) == -1)
		return -1;
	return 0;
}

int divergences_parse(struct divergences *d, const char *text, const char *filename, char *err,
		      size_t errsize)
{
	size_t first = d->n;

	if (parse_records(d, text, filename, err, errsize) == -1) {
		escape_controls(err, errsize);
		return -1;
	}
	for (size_t i = first; i < d->n; i++)
		for (size_t k = 0; k < i; k++)
			if (conflicts(&d->items[k], &d->items[i])) {
				snprintf(err, errsize,
					 "%s: the record for %s conflicts with %s's: both can match one "
					 "label (on: %s, on: %s) and family; make their on: or family: "
					 "lines exclusive",
					 d->items[i].where, d->items[i].id, d->items[k].where,
					 d->items[k].on, d->items[i].on);
				escape_controls(err, errsize);
				return -1;
			}
	return 0;
}

/* A divergence file is a page of records; anything near this size is some other file. */
#define MAX_DIVERGENCE_FILE (1024 * 1024)

struct listing {
	char **names;
	size_t n;
	int failed;
};

static void note_name(const char *name, void *ctx)
{
	struct listing *l = ctx;
	char **grown = l->failed ? NULL : realloc(l->names, (l->n + 1) * sizeof *grown);

	if (!grown || !(grown[l->n] = malloc(strlen(name) + 1))) {
		l->names = grown ? grown : l->names;
		l->failed = 1;
		return;
	}
	strcpy(grown[l->n], name);
	l->names = grown;
	l->n++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_file(struct divergences *d, const char *dir, const char *name, char *err, size_t errsize)
{
	char path[1024], *text = NULL;
	FILE *f;
	long size;
	int status = -1;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
	else if (size > MAX_DIVERGENCE_FILE)
		snprintf(err, errsize, "%s: %ld bytes; a divergence file is at most 1 MiB (%d bytes)", path,
			 size, MAX_DIVERGENCE_FILE);
	else if (!(text = malloc((size_t)size + 1)) || fread(text, 1, (size_t)size, f) != (size_t)size)
		snprintf(err, errsize, "cannot read %s", path);
	else if ((text[size] = '\0', strlen(text) != (size_t)size))
		snprintf(err, errsize, "%s: contains a NUL byte", path);
	else
		status = divergences_parse(d, text, name, err, errsize);
	free(text);
	if (f)
		fclose(f);
	return status;
}

/* The files are read in name order: which record a message names must not depend on the file system. */
int divergences_load(struct divergences *d, const char *dir, char *err, size_t errsize)
{
	struct listing l = {NULL, 0, 0};
	int status = 0;

	d->items = NULL;
	d->n = 0;
	if (plat_list_files(dir, ".txt", note_name, &l) == -1) {
		snprintf(err, errsize, "cannot read the divergences directory %s: %s", dir,
			 strerror(errno));
		status = -1;
	} else if (l.failed) {
		snprintf(err, errsize, "out of memory listing %s", dir);
		status = -1;
	} else {
		if (l.n) /* qsort(NULL, 0) is undefined */
			qsort(l.names, l.n, sizeof *l.names, by_name);
		for (size_t i = 0; i < l.n && status == 0; i++)
			status = load_file(d, dir, l.names[i], err, errsize);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.names[i]);
	free(l.names);
	if (status == -1) {
		escape_controls(err, errsize);
		divergences_free(d);
	}
	return status;
}

/*
 * Platforms that implement another's interface, whose documented outcomes
 * are theirs too unless a record of their own says otherwise: Wine
 * implements the Windows API, so a wine-* run applies the windows-*
 * records, and a wine-* record for the same case and family wins (Wine
 * departing from Windows).  A windows-* run applies no wine-* record.
 */
static const struct implements {
	const char *platform, *implemented;
} implements[] = {
	{"wine", "windows"},
};

static const struct divergence *find_on(const struct divergences *d, const char *label,
					const char *id, unsigned bit)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct divergence *r = &d->items[i];

		if (strcmp(r->id, id) == 0 && glob_match(r->on, label) &&
		    (r->families == 0 || (r->families & bit)))
			return r;
	}
	return NULL;
}

const struct divergence *divergence_find(const struct divergences *d, const char *label,
					 const char *id, const char *family)
{
	unsigned bit = family_bit(family);
	const struct divergence *own = find_on(d, label, id, bit);

	for (size_t i = 0; !own && i < sizeof implements / sizeof implements[0]; i++) {
		size_t n = strlen(implements[i].platform);
		char as[300];

		/* wine-8.0-winsock-x86_64 is looked up as windows-8.0-winsock-x86_64 */
		if (strncmp(label, implements[i].platform, n) != 0 || label[n] != '-')
			continue;
		snprintf(as, sizeof as, "%s%s", implements[i].implemented, label + n);
		own = find_on(d, as, id, bit);
	}
	return own;
}

void divergences_free(struct divergences *d)
{
	free(d->items);
	d->items = NULL;
	d->n = 0;
}

void divergence_recorded_got_env(const struct divergences *d, const char *label, const char *id,
				 char *out, size_t outsize)
{
	static const char *const families[] = {"inet", "inet6", "unix"};
	const char *name = "SOCKCONF_RECORDED_GOT=";
	size_t len = 0;

	out[0] = '\0';
	for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
		const struct divergence *r = divergence_find(d, label, id, families[f]);
		int n;

		/* lower-case words only: a number, an errno or a TCP state is a call's result, not a wait's */
		if (!r || !r->has_got || r->sometimes || !r->got[0] ||
		    strspn(r->got, "abcdefghijklmnopqrstuvwxyz") != strlen(r->got))
			continue;
		n = snprintf(out + len, outsize - len, "%s%s:%s", len ? "," : name, families[f], r->got);
		if (n < 0 || (size_t)n >= outsize - len) {
			out[0] = '\0'; /* too long to pass whole: the waits keep their bound */
			return;
		}
		len += (size_t)n;
	}
}
