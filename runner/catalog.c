/* catalog.c: finding the cases and selecting them by filter. */
#include "catalog.h"
#include "entries.h"
#include "platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int glob_match(const char *p, const char *t)
{
	const char *star = NULL, *resume = NULL;

	while (*t) {
		if (*p == '*') {
			star = p++;
			resume = t;
		} else if (*p == '?' || *p == *t) {
			p++, t++;
		} else if (star) {
			p = star + 1;
			t = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* What an entry is, when it is not a program the runner can start. */
static const char *why_unrunnable(enum entry_kind kind)
{
	switch (kind) {
	case ENTRY_FILE: return "not an executable file";
	case ENTRY_DIRECTORY: return "a directory, not a program";
	case ENTRY_DANGLING: return "a dangling symlink";
	case ENTRY_LOOP: return "a symlink loop";
	default: return "not a regular file";
	}
}

struct loading {
	struct catalog *cat;
	size_t cap;
	const char *dir;
	const char *suffix;
	int failed;
};

static void add_case(const char *name, enum entry_kind kind, int is_link, void *ctx)
{
	struct loading *l = ctx;
	const char *suffix = l->suffix;
	size_t len = strlen(name), slen = strlen(suffix);
	struct case_entry *e;

	(void)is_link; /* a link to a case is a case */
	if (l->failed || name[0] == '.') /* dot-files: the runner's own (.times), an editor's */
		return;
	if (l->cat->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct case_entry *grown = realloc(l->cat->cases, cap * sizeof *grown);
		if (!grown) {
			l->failed = 1;
			return;
		}
		l->cat->cases = grown, l->cap = cap;
	}
	e = &l->cat->cases[l->cat->n++];
	if (slen && len > slen && strcmp(name + len - slen, suffix) == 0)
		len -= slen;
	if (len >= sizeof e->id)
		len = sizeof e->id - 1;
	memcpy(e->id, name, len);
	e->id[len] = '\0';
	snprintf(e->path, sizeof e->path, "%s/%s", l->dir, name);
	e->is_file = kind == ENTRY_FILE;
	e->executable = e->is_file && plat_is_executable(e->path);
	snprintf(e->unrunnable, sizeof e->unrunnable, "%s", e->executable ? "" : why_unrunnable(kind));
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct case_entry *)a)->id, ((const struct case_entry *)b)->id);
}

int catalog_load(struct catalog *cat, const char *dir, char *err, size_t errsize)
{
	return catalog_load_programs(cat, dir, plat_exe_suffix(), err, errsize);
}

int catalog_load_programs(struct catalog *cat, const char *dir, const char *suffix, char *err,
			  size_t errsize)
{
	struct loading l = {.cat = cat, .cap = 0, .dir = dir, .suffix = suffix, .failed = 0};

	cat->cases = NULL;
	cat->n = 0;
	if (plat_list_entries(dir, add_case, &l) == -1) {
		snprintf(err, errsize, "cannot read the cases directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (l.failed) {
		snprintf(err, errsize, "out of memory listing %s", dir);
		catalog_free(cat);
		return -1;
	}
	if (cat->n == 0) {
		snprintf(err, errsize, "no cases in %s (run make first?)", dir);
		return -1;
	}
	qsort(cat->cases, cat->n, sizeof *cat->cases, by_id);
	return 0;
}

static int selects(const char *filter, const char *id)
{
	char group[160];

	if (glob_match(filter, id))
		return 1;
	snprintf(group, sizeof group, "%s.*", filter);
	return glob_match(group, id);
}

int catalog_select(struct catalog *cat, const char *const *filters, size_t nfilters, char *err,
		   size_t errsize)
{
	size_t kept = 0;

	if (nfilters == 0)
		return 0;
	for (size_t f = 0; f < nfilters; f++) {
		size_t i;
		for (i = 0; i < cat->n && !selects(filters[f], cat->cases[i].id); i++)
			;
		if (i == cat->n) {
			snprintf(err, errsize, "no case matches '%s' (see: sockconf list)", filters[f]);
			return -1;
		}
	}
	for (size_t i = 0; i < cat->n; i++) {
		for (size_t f = 0; f < nfilters; f++)
			if (selects(filters[f], cat->cases[i].id)) {
				cat->cases[kept++] = cat->cases[i];
				break;
			}
	}
	cat->n = kept;
	return 0;
}

const struct case_entry *catalog_find(const struct catalog *cat, const char *id)
{
	for (size_t i = 0; i < cat->n; i++)
		if (strcmp(cat->cases[i].id, id) == 0)
			return &cat->cases[i];
	return NULL;
}

void catalog_free(struct catalog *cat)
{
	free(cat->cases);
	cat->cases = NULL;
	cat->n = 0;
}
