/* errno names, for diagnostics: "ECONNRESET", not "104". */
#include "outcome.h"

#include <stdio.h>

#define E(name) {name, #name}
static const struct {
	int value;
	const char *name;
} errnames[] = {
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
	E(ESHUTDOWN),
#endif
#ifdef ENOTSUP
	E(ENOTSUP),
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

void sc_format_errno(char *out, size_t outsize, int err)
{
	const char *name = sc_errno_name(err);

	if (name)
		snprintf(out, outsize, "%s (%d)", name, err);
	else
		snprintf(out, outsize, "errno %d", err);
}
