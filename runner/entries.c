/*
 * entries.c: the runner's two ways of picking files from a directory
 * (platform.h), made of its one walk (plat_list_entries, entries.h).
 */
#include "entries.h"
#include "platform.h"

#include <string.h>

struct picking {
	const char *affix; /* the suffix, or the prefix */
	void (*fn)(const char *name, void *ctx);
	void *ctx;
};

/* plat_list_files: a regular file or a link to one, dot-files excepted */
static void pick_suffixed(const char *name, enum entry_kind kind, int is_link, void *ctx)
{
	const struct picking *p = ctx;
	size_t len = strlen(name), slen = strlen(p->affix);

	(void)is_link;
	if (name[0] != '.' && kind == ENTRY_FILE && len >= slen && strcmp(name + len - slen, p->affix) == 0)
		p->fn(name, p->ctx);
}

/* plat_list_prefixed: a regular file itself, never what a link names (what
 * is picked may be removed: main.c's stale scratch) */
static void pick_prefixed(const char *name, enum entry_kind kind, int is_link, void *ctx)
{
	const struct picking *p = ctx;

	if (!is_link && kind == ENTRY_FILE && strncmp(name, p->affix, strlen(p->affix)) == 0)
		p->fn(name, p->ctx);
}

int plat_list_files(const char *dir, const char *suffix, void (*fn)(const char *name, void *ctx),
		    void *ctx)
{
	struct picking p = {suffix, fn, ctx};

	return plat_list_entries(dir, pick_suffixed, &p);
}

int plat_list_prefixed(const char *dir, const char *prefix, void (*fn)(const char *name, void *ctx),
		       void *ctx)
{
	struct picking p = {prefix, fn, ctx};

	return plat_list_entries(dir, pick_prefixed, &p);
}
