/*
 * atomic_file.h: a file that is whole or absent.  It is written under a
 * temporary name in the same directory ("DIR/.NAME.tmp.PID") and renamed
 * over its real name only once it is complete, so a reader never sees half
 * a results file, and an interrupted run leaves the old one (or none).
 */
#ifndef RUNNER_ATOMIC_FILE_H
#define RUNNER_ATOMIC_FILE_H

#include <stdio.h>

struct atomic_file {
	FILE *f;          /* write here; NULL once committed or discarded */
	char path[1200];  /* the real name */
	char tmp[1300];   /* the temporary one beside it */
};

/* Create the temporary file for path.  0, or -1 with errno (ENAMETOOLONG for a path too long). */
int atomic_file_open(struct atomic_file *a, const char *path);
/* Flush and close it, then rename it over path.  0, or -1 with errno; the temporary is removed. */
int atomic_file_commit(struct atomic_file *a);
/* Close and remove the temporary: path stays as it was. */
void atomic_file_discard(struct atomic_file *a);

#endif
