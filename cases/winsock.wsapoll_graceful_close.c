/*
 * winsock.wsapoll_graceful_close: after the peer's graceful close,
 * WSAPoll reports the stream disconnected, POLLHUP, and no error (no
 * POLLERR).  (poll(2) reports POLLIN here: fin.poll_readable; WSAPoll is
 * asked as lib's poll() would not ask it, and its answer taken as it is.)
 *
 * Timeline:  peer: close()  ->  FIN  ->  local: WSAPoll({POLLRDNORM|POLLWRNORM}, 0):
 *            POLLHUP set, POLLERR clear
 */
#include "sockconf.h"
#include "winsock.h"

static void graceful_close_is_pollhup(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	int revents;

	check_call(close(c.peer));
	wait_readable(c.local); /* the FIN is here */
	revents = check_call(wsapoll_revents(c.local, POLLRDNORM | POLLWRNORM));
	note("revents", "0x%x%s%s%s%s", (unsigned)revents, revents & POLLRDNORM ? " POLLRDNORM" : "",
	     revents & POLLWRNORM ? " POLLWRNORM" : "", revents & POLLHUP ? " POLLHUP" : "",
	     revents & POLLERR ? " POLLERR" : "");
	check_int(revents & POLLHUP, ==, POLLHUP);
	check_int(revents & POLLERR, ==, 0);
}

SOCKCONF_CASE(
	.id = "winsock.wsapoll_graceful_close",
	.claim = "After the peer closes gracefully, WSAPoll reports POLLHUP and no POLLERR.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock WSAPOLLFD revents: \"POLLHUP A stream-oriented connection was either disconnected or aborted.\"; \"POLLERR An error has occurred.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/ns-winsock2-wsapollfd"},
		{"Winsock Terminating a Connection: \"If the termination was graceful, then any recv() calls made after all data has been received will return the value zero\" (no error)",
		 "https://library.thedatadungeon.com/msdn-1998-06/conf/html/SA8ED.content.HTM"},
		{"Wine's ws2_32 tests, run on Windows too: test_WSAPoll, \"Test shutdown via closesocket().\": after the peer's closesocket(client), check_poll(server, POLLWRNORM | POLLHUP) (line 8023)",
		 "https://gitlab.winehq.org/wine/wine/-/blob/wine-8.0/dlls/ws2_32/tests/sock.c#L8020"},
	},
	.run = graceful_close_is_pollhup,
);
