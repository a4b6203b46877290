/*
 * platform_win.h: what lib's two Windows files (platform_win.c and
 * stack_win.c) share.  Included only when building for Windows.
 */
#ifndef SOCKCONF_PLATFORM_WIN_H
#define SOCKCONF_PLATFORM_WIN_H

#include "platform.h"

#ifndef ESHUTDOWN
#define ESHUTDOWN WSAESHUTDOWN /* Winsock's "socket shut down": see sc_win_errno */
#endif

/*
 * A Winsock error code (WSAGetLastError(), SO_ERROR) as the errno value a
 * POSIX stack reports for the same condition, using this C library's
 * <errno.h> (mingw-w64 and MSVC: ECONNRESET is 108, not 10054).  0 stays 0;
 * a code with no errno counterpart is returned unchanged (10000 and up), so
 * diagnostics still show it.
 *
 * WSAESHUTDOWN stays distinct: ESHUTDOWN, which neither mingw-w64's nor
 * MSVC's <errno.h> defines, is defined above as WSAESHUTDOWN (10058, far
 * from the C library's errno values).  Mapping it to EPIPE would be right
 * for send() after SHUT_WR, but Winsock also fails recv() after SD_RECEIVE
 * with it, where POSIX returns 0 and EPIPE would be nonsense; the
 * catalogue records "Windows: WSAESHUTDOWN" as a difference to show, not
 * to hide.  (errnames.c names it only if platform.h defines ESHUTDOWN too:
 * the definition belongs in platform.h's _WIN32 block.)
 */
int sc_win_errno(int wsa);

/* WSAStartup once per process; 0, or the Winsock error. */
int sc_win_startup(void);

#endif
