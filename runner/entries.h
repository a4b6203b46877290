/*
 * entries.h: every entry of a directory, with what kind of thing it is.
 * The cases directory is read this way so that an entry the runner cannot
 * run (a dangling symlink, a directory) is reported, not passed over.
 * entries_posix.c and entries_win.c implement it.
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

/* Call fn for each entry of dir, dot-files excepted.  0, or -1 with errno. */
int plat_list_entries(const char *dir, void (*fn)(const char *name, enum entry_kind kind, void *ctx),
		      void *ctx);

#endif
