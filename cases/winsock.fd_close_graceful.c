/*
 * winsock.fd_close_graceful: a socket selected for FD_CLOSE with
 * WSAEventSelect records FD_CLOSE when the peer closes gracefully, and
 * its error code, iErrorCode[FD_CLOSE_BIT], is 0: no error, the close was
 * graceful (an abortive one carries WSAECONNRESET: winsock.fd_close_abortive).
 *
 * Timeline:  local: WSAEventSelect(FD_CLOSE) ;
 *            peer: close()  ->  FIN  ->  local: event set,
 *            WSAEnumNetworkEvents: FD_CLOSE, iErrorCode[FD_CLOSE_BIT] == 0
 */
#include "sockconf.h"
#include "winsock.h"

static void graceful_close_records_fd_close_without_error(enum sc_family family)
{
	struct sc_conn c = open_connection(family);

	watch_fd_close(c.local);
	check_call(close(c.peer)); /* nothing unread at either end: a FIN */
	check_call(wait_fd_close(c.local)); /* FD_CLOSE came, its error code 0 */
}

SOCKCONF_CASE(
	.id = "winsock.fd_close_graceful",
	.claim = "After the peer closes gracefully, WSAEventSelect records FD_CLOSE with iErrorCode[FD_CLOSE_BIT] 0.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock WSAEventSelect(): \"If the error code is zero, then the close was graceful; if the error code is WSAECONNRESET, then the socket's virtual circuit was reset.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaeventselect"},
		{"Winsock WSAEnumNetworkEvents(), Event: FD_CLOSE: its error codes are failures, \"WSAECONNRESET The connection was reset by the remote side.\" and \"WSAECONNABORTED The connection was terminated due to a time-out or other failure.\"; a graceful close has none",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsaenumnetworkevents"},
		{"Winsock Graceful Shutdown, Linger Options, and Socket Closure: shutdown(s, SD_SEND) on one side, and the other side \"(2) Receives FD_CLOSE, indicating graceful shutdown in progress and that all data has been received.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
		{"MFC CAsyncSocket::OnClose, FD_CLOSE's error code: \"0 The function executed successfully.\"",
		 "https://learn.microsoft.com/en-us/previous-versions/visualstudio/visual-studio-2010/6654eb41(v=vs.100)"},
		{"Wine's ws2_32 tests, run on Windows too: test_close_events, after the peer's closesocket(client) (line 6777), check_events(ctx, FD_CLOSE, 0, 200): FD_CLOSE with error code 0 (line 6779)",
		 "https://gitlab.winehq.org/wine/wine/-/blob/wine-8.0/dlls/ws2_32/tests/sock.c#L6777"},
	},
	.run = graceful_close_records_fd_close_without_error,
);
