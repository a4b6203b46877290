/*
 * win_mutants.h: the Winsock calls the Windows mutants wrap (win_mutants.c,
 * make mutants-wine), where there is no LD_PRELOAD.
 *
 * The wrapping is the linker's: the mutant cases are the Windows build's
 * own objects (lib's and the cases'), linked again into a directory of
 * their own with win_mutants.o and `-Wl,--wrap=SYMBOL` for each call below
 * (win_mutants_list --link-flags prints them).  mingw-w64 declares most
 * Winsock functions dllimport, so lib's objects call them through the
 * import pointer __imp_NAME: --wrap=__imp_NAME sends those calls to the
 * pointer __wrap___imp_NAME (ours), and __real___imp_NAME is Winsock's.
 * WSAPoll is declared without dllimport and wrapped as a function.
 *
 * (Renaming by a force-included header, #define send sc_mut_send, does
 * not build: lib/sockconf.h defines setsockopt and getsockopt for the
 * cases without an #undef first, and -Werror makes the redefinition an
 * error; it would also compile lib and every case again, ~55 s on 2 CPUs,
 * where linking takes ~3 s.)
 *
 * WIN_MUTANT_IMPORTS(X) lists the dllimport calls: X(return type, name,
 * (parameters), (arguments)).
 */
#ifndef SOCKCONF_WIN_MUTANTS_H
#define SOCKCONF_WIN_MUTANTS_H

#ifdef _WIN32
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600 /* WSAPoll, as lib/platform.h asks */
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#endif

#define WIN_MUTANT_IMPORTS(X)                                                                     \
	X(int, closesocket, (SOCKET s), (s))                                                      \
	X(int, shutdown, (SOCKET s, int how), (s, how))                                           \
	X(int, send, (SOCKET s, const char *buf, int len, int flags), (s, buf, len, flags))       \
	X(int, recv, (SOCKET s, char *buf, int len, int flags), (s, buf, len, flags))             \
	X(int, setsockopt, (SOCKET s, int level, int name, const char *val, int len),            \
	  (s, level, name, val, len))                                                             \
	X(int, getsockopt, (SOCKET s, int level, int name, char *val, int *len),                  \
	  (s, level, name, val, len))                                                             \
	X(int, ioctlsocket, (SOCKET s, long cmd, u_long *arg), (s, cmd, arg))                     \
	X(int, WSAEventSelect, (SOCKET s, WSAEVENT event, long events), (s, event, events))       \
	X(int, WSAEnumNetworkEvents, (SOCKET s, WSAEVENT event, LPWSANETWORKEVENTS out),          \
	  (s, event, out))                                                                        \
	X(int, WSASendDisconnect, (SOCKET s, LPWSABUF data), (s, data))                           \
	X(int, WSARecvDisconnect, (SOCKET s, LPWSABUF data), (s, data))

/* The one call wrapped as a function, not through its import pointer. */
#define WIN_MUTANT_FUNCTIONS(X) X(int, WSAPoll, (LPWSAPOLLFD fds, ULONG n, INT timeout), (fds, n, timeout))

#ifdef _WIN32
/* Winsock's own: what each wrapper calls to pass a call through. */
#define WIN_MUTANT_REAL_IMPORT(ret, name, params, args) extern ret(WSAAPI *__real___imp_##name) params;
#define WIN_MUTANT_REAL_FUNCTION(ret, name, params, args) ret WSAAPI __real_##name params;
WIN_MUTANT_IMPORTS(WIN_MUTANT_REAL_IMPORT)
WIN_MUTANT_FUNCTIONS(WIN_MUTANT_REAL_FUNCTION)
#endif

#endif
