/* atomic_file.c: write under a temporary name, rename when whole (see atomic_file.h). */
#include "atomic_file.h"
#include "platform.h"

#include <errno.h>
#include <string.h>

int atomic_file_open(struct atomic_file *a, const char *path)
{
	const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\');
	const char *name;
	int dirlen, n;

	a->f = NULL;
	if (backslash && (!slash || backslash > slash))
		slash = backslash; /* a Windows path */
	name = slash ? slash + 1 : path;
	dirlen = (int)(name - path); /* with its separator */
	if (!*name || strlen(path) >= sizeof a->path) {
		errno = *name ? ENAMETOOLONG : EISDIR;
		return -1;
	}
	strcpy(a->path, path);
	n = snprintf(a->tmp, sizeof a->tmp, "%.*s.%s.tmp.%d", dirlen, path, name, plat_pid());
	if (n < 0 || (size_t)n >= sizeof a->tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	a->f = fopen(a->tmp, "wb");
	return a->f ? 0 : -1;
}

int atomic_file_commit(struct atomic_file *a)
{
	int failed;

	if (!a->f) {
		errno = EBADF;
		return -1;
	}
	errno = 0;
	failed = fflush(a->f) != 0 || ferror(a->f);
	failed |= fclose(a->f) != 0;
	a->f = NULL;
	if (failed || plat_rename_replace(a->tmp, a->path) == -1) {
		int saved = errno ? errno : EIO; /* a write error need not set errno */
		remove(a->tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

void atomic_file_discard(struct atomic_file *a)
{
	if (!a->f)
		return;
	fclose(a->f);
	a->f = NULL;
	remove(a->tmp);
}
