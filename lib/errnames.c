/*
 * errno names, for diagnostics: "ECONNRESET (104)", not "104".  The
 * numbers differ between C libraries (ECONNRESET is 104 on Linux, 54 on the
 * BSDs, 108 in mingw-w64's and MSVC's <errno.h>), so a number alone says
 * little once a results file leaves the machine that wrote it.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h" /* errno_text */
#include "outcome.h"

#include <stdio.h>
#include <string.h>

#define E(name) {name, #name}
static const struct {
	int value;
	const char *name;
} errnames[] = {
	/* first the errors socket calls report: where two names share a value
	 * (EAGAIN and EWOULDBLOCK, EOPNOTSUPP and ENOTSUP on Linux), the first wins */
	E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(EBADF), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOSPC), E(EPIPE),
	E(ERANGE), E(ENOSYS),
#ifdef EWOULDBLOCK
	E(EWOULDBLOCK),
#endif
	E(EINPROGRESS), E(EALREADY), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE),
	E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EADDRINUSE),
	E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED),
	E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED),
	E(EHOSTUNREACH),
#ifdef ESHUTDOWN
	E(ESHUTDOWN), /* on Windows platform.h defines it as WSAESHUTDOWN */
#endif
#ifdef ENOTSUP
	E(ENOTSUP),
#endif
	/* then those lib's own calls (files, processes, threads) may leave */
#ifdef ESRCH
	E(ESRCH),
#endif
#ifdef ECHILD
	E(ECHILD),
#endif
#ifdef ENXIO
	E(ENXIO),
#endif
#ifdef ENODEV
	E(ENODEV),
#endif
#ifdef ENOTDIR
	E(ENOTDIR),
#endif
#ifdef EISDIR
	E(EISDIR),
#endif
#ifdef ENOTTY
	E(ENOTTY),
#endif
#ifdef ESPIPE
	E(ESPIPE),
#endif
#ifdef EROFS
	E(EROFS),
#endif
#ifdef ENAMETOOLONG
	E(ENAMETOOLONG),
#endif
#ifdef ENOTEMPTY
	E(ENOTEMPTY),
#endif
#ifdef ELOOP
	E(ELOOP),
#endif
#ifdef EDEADLK
	E(EDEADLK),
#endif
#ifdef ECANCELED
	E(ECANCELED),
#endif
#ifdef EOVERFLOW
	E(EOVERFLOW),
#endif
#ifdef EPROTO
	E(EPROTO),
#endif
	/* beyond POSIX: Linux and the BSDs have them for sockets too */
#ifdef EHOSTDOWN
	E(EHOSTDOWN),
#endif
#ifdef ESOCKTNOSUPPORT
	E(ESOCKTNOSUPPORT),
#endif
#ifdef EPFNOSUPPORT
	E(EPFNOSUPPORT),
#endif
#ifdef ETOOMANYREFS
	E(ETOOMANYREFS),
#endif
#ifdef WSABASEERR
	/*
	 * Winsock's codes (10000 and up, clear of the C library's errno
	 * values).  lib turns those with an errno counterpart into errno
	 * (sc_win_errno); the rest reach diagnostics as they are, and a name
	 * for each with a counterpart serves a code read before translation.
	 */
	E(WSAEINTR), E(WSAEBADF), E(WSAEACCES), E(WSAEFAULT), E(WSAEINVAL), E(WSAEMFILE),
	E(WSAEWOULDBLOCK), E(WSAEINPROGRESS), E(WSAEALREADY), E(WSAENOTSOCK), E(WSAEDESTADDRREQ),
	E(WSAEMSGSIZE), E(WSAEPROTOTYPE), E(WSAENOPROTOOPT), E(WSAEPROTONOSUPPORT),
	E(WSAESOCKTNOSUPPORT), E(WSAEOPNOTSUPP), E(WSAEPFNOSUPPORT), E(WSAEAFNOSUPPORT),
	E(WSAEADDRINUSE), E(WSAEADDRNOTAVAIL), E(WSAENETDOWN), E(WSAENETUNREACH), E(WSAENETRESET),
	E(WSAECONNABORTED), E(WSAECONNRESET), E(WSAENOBUFS), E(WSAEISCONN), E(WSAENOTCONN),
	E(WSAESHUTDOWN), E(WSAETOOMANYREFS), E(WSAETIMEDOUT), E(WSAECONNREFUSED), E(WSAELOOP),
	E(WSAENAMETOOLONG), E(WSAEHOSTDOWN), E(WSAEHOSTUNREACH), E(WSAENOTEMPTY), E(WSAEPROCLIM),
	E(WSAEUSERS), E(WSAEDQUOT), E(WSAESTALE), E(WSAEREMOTE), E(WSASYSNOTREADY),
	E(WSAVERNOTSUPPORTED), E(WSANOTINITIALISED), E(WSAEDISCON), E(WSAENOMORE),
	E(WSAECANCELLED), E(WSAEINVALIDPROCTABLE), E(WSAEINVALIDPROVIDER),
	E(WSAEPROVIDERFAILEDINIT), E(WSASYSCALLFAILURE), E(WSASERVICE_NOT_FOUND),
	E(WSATYPE_NOT_FOUND), E(WSAEREFUSED), E(WSAHOST_NOT_FOUND), E(WSATRY_AGAIN),
	E(WSANO_RECOVERY), E(WSANO_DATA),
#endif
};
#undef E

const char *sc_errno_name(int err)
{
	for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (errnames[i].value == err)
			return errnames[i].name;
	return NULL;
}

int sc_is_errno_name(const char *name)
{
	for (size_t i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
		if (strcmp(errnames[i].name, name) == 0)
			return 1;
	return 0;
}

void sc_format_errno(char *out, size_t outsize, int err)
{
	const char *name = sc_errno_name(err);

	if (name)
		snprintf(out, outsize, "%s (%d)", name, err);
	else
		snprintf(out, outsize, "errno %d", err);
}

const char *errno_text(int err)
{
	static char ring[4][48]; /* a few in one note() stay apart */
	static unsigned next;
	char *out = ring[next++ % 4];
	const char *name = sc_errno_name(err);

	if (name)
		snprintf(out, sizeof ring[0], "%s (%d)", name, err);
	else
		snprintf(out, sizeof ring[0], "%d", err);
	return out;
}
