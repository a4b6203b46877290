/*
 * catalog.h: the cases a run can see.  Every entry of the cases directory
 * is a case (the build puts nothing else there); its name, less the
 * platform's executable suffix, is its id.  An entry that cannot be run
 * (not executable, a dangling symlink, a directory) stays in the catalogue
 * with the reason, so the run reports it as a broken case.
 */
#ifndef RUNNER_CATALOG_H
#define RUNNER_CATALOG_H

#include <stddef.h>

struct case_entry {
	char id[128];
	char path[1024];
	int executable;
	char unrunnable[40]; /* why it cannot be run ("a dangling symlink"); "": it can */
	int is_file;         /* a regular file (or a link to one), runnable or not */
};

struct catalog {
	struct case_entry *cases; /* sorted by id */
	size_t n;
};

/* 0, or -1 with a message in err. */
int catalog_load(struct catalog *cat, const char *dir, char *err, size_t errsize);
/* The same for programs of another platform, whose names end with suffix
 * (".exe" under --target wine) instead of this one's. */
int catalog_load_programs(struct catalog *cat, const char *dir, const char *suffix, char *err,
			  size_t errsize);
/*
 * Keep the cases some filter selects (all, when there are none).  A filter
 * is an id, a glob, or a group ("rst" selects "rst.*").  -1 with a message
 * naming the first filter that selects nothing.
 */
int catalog_select(struct catalog *cat, const char *const *filters, size_t nfilters, char *err,
		   size_t errsize);
const struct case_entry *catalog_find(const struct catalog *cat, const char *id);
void catalog_free(struct catalog *cat);

/* Shell-style glob: '*' any run, '?' any one character. */
int glob_match(const char *pattern, const char *text);

#endif
