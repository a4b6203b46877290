/* entries_win.c: a directory's entries and their kinds (entries.h), from FindFirstFile's attributes. */
#include "entries.h"

#include <windows.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A symlink or junction is a reparse point; what it names must be opened to be known. */
static enum entry_kind kind_of(const char *path, DWORD attributes)
{
	DWORD target;

	if (!(attributes & FILE_ATTRIBUTE_REPARSE_POINT))
		return attributes & FILE_ATTRIBUTE_DIRECTORY ? ENTRY_DIRECTORY
		       : attributes & FILE_ATTRIBUTE_DEVICE  ? ENTRY_OTHER
							     : ENTRY_FILE;
	target = GetFileAttributesA(path); /* follows the link */
	if (target == INVALID_FILE_ATTRIBUTES) {
		DWORD err = GetLastError();
		return err == ERROR_CANT_RESOLVE_FILENAME ? ENTRY_LOOP
		       : err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND ? ENTRY_DANGLING
										      : ENTRY_OTHER;
	}
	return target & FILE_ATTRIBUTE_DIRECTORY ? ENTRY_DIRECTORY : ENTRY_FILE;
}

int plat_list_entries(const char *dir,
		      void (*fn)(const char *name, enum entry_kind kind, int is_link, void *ctx),
		      void *ctx)
{
	WIN32_FIND_DATAA fd;
	char pattern[MAX_PATH * 2], path[MAX_PATH * 2];
	HANDLE h;

	snprintf(pattern, sizeof pattern, "%s\\*", dir);
	h = FindFirstFileA(pattern, &fd);
	if (h == INVALID_HANDLE_VALUE) {
		DWORD err = GetLastError();

		if (err == ERROR_FILE_NOT_FOUND) /* an empty directory (not even "." on some roots) */
			return 0;
		errno = err == ERROR_PATH_NOT_FOUND ? ENOENT : err == ERROR_ACCESS_DENIED ? EACCES : EIO;
		return -1;
	}
	do {
		if (strcmp(fd.cFileName, ".") == 0 || strcmp(fd.cFileName, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s\\%s", dir, fd.cFileName);
		fn(fd.cFileName, kind_of(path, fd.dwFileAttributes),
		   (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0, ctx);
	} while (FindNextFileA(h, &fd));
	FindClose(h);
	return 0;
}
