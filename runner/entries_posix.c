/* entries_posix.c: a directory's entries and their kinds (entries.h), by lstat and stat. */
#include "entries.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

static enum entry_kind kind_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return S_ISREG(st.st_mode) ? ENTRY_FILE : S_ISDIR(st.st_mode) ? ENTRY_DIRECTORY : ENTRY_OTHER;
	if (errno == ELOOP)
		return ENTRY_LOOP;
	/* stat follows the link and finds nothing; lstat finds the link itself */
	if (errno == ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return ENTRY_DANGLING;
	return ENTRY_OTHER;
}

int plat_list_entries(const char *dir, void (*fn)(const char *name, enum entry_kind kind, void *ctx),
		      void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		fn(e->d_name, kind_of(path), ctx);
	}
	closedir(d);
	return 0;
}
