/*
 * winsock.wsapoll_abortive_close: after the peer resets the connection,
 * WSAPoll reports the stream aborted: POLLHUP.  (Whether POLLERR comes
 * with it is noted, not asserted: the page names no event for a reset but
 * POLLHUP's "aborted".)
 *
 * Timeline:  peer: SO_LINGER {1, 0} ; close()  ->  RST  ->
 *            local: WSAPoll({POLLRDNORM|POLLWRNORM}, 0): POLLHUP set
 */
#include "sockconf.h"
#include "winsock.h"

static void reset_is_pollhup(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	int revents;

	peer_resets(c); /* SO_LINGER {1, 0} and close(), with a byte of ours unread there */
	wait_error_pending(c.local);
	revents = check_call(wsapoll_revents(c.local, POLLRDNORM | POLLWRNORM));
	note("revents", "0x%x%s%s%s%s", (unsigned)revents, revents & POLLRDNORM ? " POLLRDNORM" : "",
	     revents & POLLWRNORM ? " POLLWRNORM" : "", revents & POLLHUP ? " POLLHUP" : "",
	     revents & POLLERR ? " POLLERR" : "");
	check_int(revents & POLLHUP, ==, POLLHUP);
}

SOCKCONF_CASE(
	.id = "winsock.wsapoll_abortive_close",
	.claim = "After the peer resets the connection, WSAPoll reports POLLHUP.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock WSAPOLLFD revents: \"POLLHUP A stream-oriented connection was either disconnected or aborted.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/ns-winsock2-wsapollfd"},
		{"Winsock closesocket(): l_onoff non-zero and l_linger zero \"is called a hard or abortive close, because the socket's virtual circuit is reset immediately\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
	},
	.run = reset_is_pollhup,
);
