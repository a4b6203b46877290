/*
 * close.handle_gone: after close() the descriptor no longer refers to the
 * socket: recv(), send() and shutdown() on it fail with EBADF.  (Nothing is
 * opened between the close() and the calls, so the number is not reused.)
 *
 * Timeline:  local: close() ; recv() == -1 EBADF ; send() == -1 EBADF ;
 *            shutdown() == -1 EBADF
 */
#include "sockconf.h"

static void closed_descriptor_is_unusable(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";
	char buf[16];

	/* were the socket still there, these calls must fail now rather than block */
	check_call(set_nonblocking(c.local, 1));
	check_call(close(c.local));
	check_fails(recv(c.local, buf, sizeof buf, 0), EBADF);
	check_fails(send(c.local, data, sizeof data, MSG_NOSIGNAL), EBADF);
	check_fails(shutdown(c.local, SHUT_RDWR), EBADF);
}

SOCKCONF_CASE(
	.id = "close.handle_gone",
	.claim = "After close(), recv(), send() and shutdown() on the closed descriptor fail with EBADF.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 close(): \"The close() function shall deallocate the file descriptor indicated by fildes.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/close.html"},
		{"POSIX.1-2017 recv(): \"[EBADF] The socket argument is not a valid file descriptor.\" (send() and shutdown() say the same)",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
		{"Winsock, Graceful Shutdown, Linger Options, and Socket Closure: \"Closing a socket ... causes the socket handle to become deallocated so that the application can no longer reference or use the socket in any manner.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
		{"Winsock closesocket(): the descriptor \"may immediately be reused by the system\", so a later call is not reliably failed with WSAENOTSOCK",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
	},
	.run = closed_descriptor_is_unusable,
);
