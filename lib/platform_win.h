/*
 * platform_win.h: what lib's two Windows files (platform_win.c and
 * stack_win.c) share.  Included only when building for Windows.
 */
#ifndef SOCKCONF_PLATFORM_WIN_H
#define SOCKCONF_PLATFORM_WIN_H

#include "platform.h"

/*
 * A Winsock error code (WSAGetLastError(), SO_ERROR) as the errno value a
 * POSIX stack reports for the same condition, using this C library's
 * <errno.h> (mingw-w64 and MSVC: ECONNRESET is 108, not 10054).  0 stays 0;
 * a code with no errno counterpart is returned unchanged (10000 and up), so
 * diagnostics still show it.
 *
 * WSAESHUTDOWN becomes ESHUTDOWN where <errno.h> has it, otherwise EPIPE:
 * neither mingw-w64 nor MSVC defines ESHUTDOWN, and EPIPE is what POSIX
 * send() reports for the same condition (a send after SHUT_WR), so a case
 * asserting the POSIX errno observes Windows' documented equivalent.
 */
int sc_win_errno(int wsa);

/* WSAStartup once per process; 0, or the Winsock error. */
int sc_win_startup(void);

#endif
