/* entries_posix.c: a directory's entries and their kinds (entries.h), by lstat and stat. */
#include "entries.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* What path is, and whether it is a symlink: lstat, then stat for what a link names. */
static enum entry_kind kind_of(const char *path, int *is_link)
{
	struct stat st;

	*is_link = 0;
	if (lstat(path, &st) == -1)
		return ENTRY_OTHER;
	if (S_ISLNK(st.st_mode)) {
		*is_link = 1;
		if (stat(path, &st) == -1)
			return errno == ELOOP ? ENTRY_LOOP : errno == ENOENT ? ENTRY_DANGLING : ENTRY_OTHER;
	}
	return S_ISREG(st.st_mode) ? ENTRY_FILE : S_ISDIR(st.st_mode) ? ENTRY_DIRECTORY : ENTRY_OTHER;
}

int plat_list_entries(const char *dir,
		      void (*fn)(const char *name, enum entry_kind kind, int is_link, void *ctx),
		      void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		enum entry_kind kind;
		int is_link;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		kind = kind_of(path, &is_link);
		fn(e->d_name, kind, is_link, ctx);
	}
	closedir(d);
	return 0;
}
