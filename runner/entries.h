/*
 * entries.h: every entry of a directory, with what kind of thing it is.
 * The cases directory is read this way so that an entry the runner cannot
 * run (a dangling symlink, a directory) is reported, not passed over.
 * entries_posix.c and entries_win.c walk it; entries.c picks from the walk.
 */
#ifndef RUNNER_ENTRIES_H
#define RUNNER_ENTRIES_H

enum entry_kind {
	ENTRY_FILE,      /* a regular file, or a symlink to one */
	ENTRY_DIRECTORY, /* a directory, or a symlink to one */
	ENTRY_DANGLING,  /* a symlink to nothing */
	ENTRY_LOOP,      /* a symlink that leads back to itself */
	ENTRY_OTHER,     /* a FIFO, socket or device, or an entry that cannot be examined */
};

/* Call fn for each entry of dir but "." and "..", dot-files included, with
 * its kind (a link's: what it names) and whether it is a symlink (or, on
 * Windows, any reparse point).  0, or -1 with errno.  The one walk of a
 * directory: plat_list_files and plat_list_prefixed (entries.c) are made
 * of it. */
int plat_list_entries(const char *dir,
		      void (*fn)(const char *name, enum entry_kind kind, int is_link, void *ctx),
		      void *ctx);

#endif
