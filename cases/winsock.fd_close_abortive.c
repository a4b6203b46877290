/*
 * winsock.fd_close_abortive: a socket selected for FD_CLOSE with
 * WSAEventSelect records FD_CLOSE when the peer resets the connection, and
 * its error code, iErrorCode[FD_CLOSE_BIT], says so: WSAECONNRESET (reset
 * by the remote side), or WSAECONNABORTED (terminated by a failure).
 *
 * Timeline:  local: WSAEventSelect(FD_CLOSE) ;
 *            peer: SO_LINGER {1, 0} ; close()  ->  RST  ->  local: event set,
 *            WSAEnumNetworkEvents: FD_CLOSE, iErrorCode[FD_CLOSE_BIT] WSAECONNRESET
 */
#include "sockconf.h"
#include "winsock.h"

static void reset_records_fd_close_with_the_error(enum sc_family family)
{
	struct sc_conn c = open_connection(family);

	watch_fd_close(c.local);
	peer_resets(c); /* SO_LINGER {1, 0} and close(), with a byte of ours unread there */
	check_one_of(wait_fd_close(c.local), "ECONNRESET|ECONNABORTED");
}

SOCKCONF_CASE(
	.id = "winsock.fd_close_abortive",
	.claim = "After the peer resets the connection, WSAEventSelect records FD_CLOSE with iErrorCode[FD_CLOSE_BIT] WSAECONNRESET or WSAECONNABORTED.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock WSAEnumNetworkEvents(), Event: FD_CLOSE: \"WSAECONNRESET The connection was reset by the remote side.\", \"WSAECONNABORTED The connection was terminated due to a time-out or other failure.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaenumnetworkevents"},
		{"Winsock closesocket(): l_onoff non-zero and l_linger zero \"is called a hard or abortive close, because the socket's virtual circuit is reset immediately\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-closesocket"},
		{"Wine's ws2_32 tests, run on Windows too: test_close_events, \"Trigger RST.\": close_with_rst(client), then FD_CLOSE with WSAECONNABORTED (check_events_todo_msg(ctx, MAKELONG(FD_CLOSE, WSAECONNABORTED), 0, 200), line 6893)",
		 "https://gitlab.winehq.org/wine/wine/-/blob/wine-8.0/dlls/ws2_32/tests/sock.c#L6891"},
	},
	.run = reset_records_fd_close_with_the_error,
);
