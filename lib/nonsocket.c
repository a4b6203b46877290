/*
 * nonsocket.c: an open descriptor that is not a socket (see nonsocket.h).
 *
 * A temporary file from tmpfile(), standard C, and its number from
 * fileno(): this compiles and works as it is on POSIX systems and with
 * mingw.  The descriptor reaches a socket call unchanged (lib has never
 * adopted it), so the default stack answers for it: the kernel sees a
 * regular file.  On Windows the number is a C runtime descriptor, which
 * Winsock likewise does not know as a socket; a Winsock-faithful variant
 * would hand out a kernel HANDLE of a file or pipe instead.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "nonsocket.h"

#include <stdio.h>

static void close_file(void *f)
{
	fclose(f);
}

int open_non_socket(void)
{
	FILE *f = tmpfile();

	if (!f) {
		char err[64];
		sc_format_errno(err, sizeof err, errno);
		sc_fail(NULL, "could not open a descriptor that is not a socket: tmpfile() failed: %s",
			err);
	}
	sc_at_family_end(close_file, f);
	return fileno(f);
}
