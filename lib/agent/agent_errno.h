/*
 * agent_errno.h: port_errname() for a port whose stack's errors are the
 * C library's <errno.h> numbers (the host kernel's; lwIP built with
 * LWIP_ERRNO_STDINCLUDE, as Debian's is).  Include it from the port's .c.
 *
 * A list, not a switch: two names may share a number (EAGAIN and
 * EWOULDBLOCK, EOPNOTSUPP and ENOTSUP on Linux), and the first listed is
 * the name the protocol spells (PROTOCOL.md: EWOULDBLOCK is EAGAIN).
 */
#include <errno.h>
#include <stddef.h>

static const struct {
	int err;
	const char *name;
} agent_errno_names[] = {
#ifdef EAGAIN
	{EAGAIN, "EAGAIN"},
#endif
#ifdef EWOULDBLOCK
	{EWOULDBLOCK, "EWOULDBLOCK"},
#endif
#ifdef EPIPE
	{EPIPE, "EPIPE"},
#endif
#ifdef ECONNRESET
	{ECONNRESET, "ECONNRESET"},
#endif
#ifdef ENOTCONN
	{ENOTCONN, "ENOTCONN"},
#endif
#ifdef EBADF
	{EBADF, "EBADF"},
#endif
#ifdef ESHUTDOWN
	{ESHUTDOWN, "ESHUTDOWN"},
#endif
#ifdef EINVAL
	{EINVAL, "EINVAL"},
#endif
#ifdef ETIMEDOUT
	{ETIMEDOUT, "ETIMEDOUT"},
#endif
#ifdef ECONNREFUSED
	{ECONNREFUSED, "ECONNREFUSED"},
#endif
#ifdef EINPROGRESS
	{EINPROGRESS, "EINPROGRESS"},
#endif
#ifdef EALREADY
	{EALREADY, "EALREADY"},
#endif
#ifdef EISCONN
	{EISCONN, "EISCONN"},
#endif
#ifdef ECONNABORTED
	{ECONNABORTED, "ECONNABORTED"},
#endif
#ifdef ENOTSOCK
	{ENOTSOCK, "ENOTSOCK"},
#endif
#ifdef EOPNOTSUPP
	{EOPNOTSUPP, "EOPNOTSUPP"},
#endif
#ifdef ENOTSUP
	{ENOTSUP, "ENOTSUP"},
#endif
#ifdef ENOPROTOOPT
	{ENOPROTOOPT, "ENOPROTOOPT"},
#endif
#ifdef EADDRINUSE
	{EADDRINUSE, "EADDRINUSE"},
#endif
#ifdef EADDRNOTAVAIL
	{EADDRNOTAVAIL, "EADDRNOTAVAIL"},
#endif
#ifdef EAFNOSUPPORT
	{EAFNOSUPPORT, "EAFNOSUPPORT"},
#endif
#ifdef EPROTONOSUPPORT
	{EPROTONOSUPPORT, "EPROTONOSUPPORT"},
#endif
#ifdef EPROTOTYPE
	{EPROTOTYPE, "EPROTOTYPE"},
#endif
#ifdef ESOCKTNOSUPPORT
	{ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
#endif
#ifdef EPFNOSUPPORT
	{EPFNOSUPPORT, "EPFNOSUPPORT"},
#endif
#ifdef EMSGSIZE
	{EMSGSIZE, "EMSGSIZE"},
#endif
#ifdef ENOBUFS
	{ENOBUFS, "ENOBUFS"},
#endif
#ifdef ENOMEM
	{ENOMEM, "ENOMEM"},
#endif
#ifdef EINTR
	{EINTR, "EINTR"},
#endif
#ifdef EFAULT
	{EFAULT, "EFAULT"},
#endif
#ifdef EACCES
	{EACCES, "EACCES"},
#endif
#ifdef EPERM
	{EPERM, "EPERM"},
#endif
#ifdef EMFILE
	{EMFILE, "EMFILE"},
#endif
#ifdef ENFILE
	{ENFILE, "ENFILE"},
#endif
#ifdef ENETUNREACH
	{ENETUNREACH, "ENETUNREACH"},
#endif
#ifdef ENETDOWN
	{ENETDOWN, "ENETDOWN"},
#endif
#ifdef ENETRESET
	{ENETRESET, "ENETRESET"},
#endif
#ifdef EHOSTUNREACH
	{EHOSTUNREACH, "EHOSTUNREACH"},
#endif
#ifdef EHOSTDOWN
	{EHOSTDOWN, "EHOSTDOWN"},
#endif
#ifdef EDESTADDRREQ
	{EDESTADDRREQ, "EDESTADDRREQ"},
#endif
#ifdef ENOSYS
	{ENOSYS, "ENOSYS"},
#endif
#ifdef EIO
	{EIO, "EIO"},
#endif
#ifdef ENOENT
	{ENOENT, "ENOENT"},
#endif
#ifdef ENODEV
	{ENODEV, "ENODEV"},
#endif
#ifdef ENXIO
	{ENXIO, "ENXIO"},
#endif
#ifdef EEXIST
	{EEXIST, "EEXIST"},
#endif
#ifdef ENOSPC
	{ENOSPC, "ENOSPC"},
#endif
#ifdef ENOTTY
	{ENOTTY, "ENOTTY"},
#endif
#ifdef ERANGE
	{ERANGE, "ERANGE"},
#endif
#ifdef EDOM
	{EDOM, "EDOM"},
#endif
#ifdef EILSEQ
	{EILSEQ, "EILSEQ"},
#endif
#ifdef EPROTO
	{EPROTO, "EPROTO"},
#endif
#ifdef ECANCELED
	{ECANCELED, "ECANCELED"},
#endif
#ifdef EOVERFLOW
	{EOVERFLOW, "EOVERFLOW"},
#endif
#ifdef EBUSY
	{EBUSY, "EBUSY"},
#endif
#ifdef ENAMETOOLONG
	{ENAMETOOLONG, "ENAMETOOLONG"},
#endif
#ifdef ENOTDIR
	{ENOTDIR, "ENOTDIR"},
#endif
#ifdef EISDIR
	{EISDIR, "EISDIR"},
#endif
#ifdef ELOOP
	{ELOOP, "ELOOP"},
#endif
#ifdef ETXTBSY
	{ETXTBSY, "ETXTBSY"},
#endif
#ifdef ESRCH
	{ESRCH, "ESRCH"},
#endif
#ifdef ECHILD
	{ECHILD, "ECHILD"},
#endif
#ifdef EDEADLK
	{EDEADLK, "EDEADLK"},
#endif
#ifdef ENOLCK
	{ENOLCK, "ENOLCK"},
#endif
#ifdef ENOTEMPTY
	{ENOTEMPTY, "ENOTEMPTY"},
#endif
#ifdef ETOOMANYREFS
	{ETOOMANYREFS, "ETOOMANYREFS"},
#endif
#ifdef EROFS
	{EROFS, "EROFS"},
#endif
#ifdef ESPIPE
	{ESPIPE, "ESPIPE"},
#endif
#ifdef EXDEV
	{EXDEV, "EXDEV"},
#endif
#ifdef E2BIG
	{E2BIG, "E2BIG"},
#endif
#ifdef ENOEXEC
	{ENOEXEC, "ENOEXEC"},
#endif
#ifdef EMLINK
	{EMLINK, "EMLINK"},
#endif
#ifdef ENOSR
	{ENOSR, "ENOSR"},
#endif
#ifdef ENOSTR
	{ENOSTR, "ENOSTR"},
#endif
#ifdef ETIME
	{ETIME, "ETIME"},
#endif
#ifdef ENODATA
	{ENODATA, "ENODATA"},
#endif
#ifdef ENOLINK
	{ENOLINK, "ENOLINK"},
#endif
#ifdef EBADMSG
	{EBADMSG, "EBADMSG"},
#endif
#ifdef EIDRM
	{EIDRM, "EIDRM"},
#endif
#ifdef ENOMSG
	{ENOMSG, "ENOMSG"},
#endif
#ifdef ENOTRECOVERABLE
	{ENOTRECOVERABLE, "ENOTRECOVERABLE"},
#endif
#ifdef EOWNERDEAD
	{EOWNERDEAD, "EOWNERDEAD"},
#endif
#ifdef EREMOTEIO
	{EREMOTEIO, "EREMOTEIO"},
#endif
};

const char *port_errname(int err)
{
	for (size_t i = 0; i < sizeof agent_errno_names / sizeof agent_errno_names[0]; i++)
		if (agent_errno_names[i].err == err)
			return agent_errno_names[i].name;
	return NULL;
}
