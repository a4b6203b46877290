/*
 * winsock.recv_disconnect_eshutdown: WSARecvDisconnect is
 * shutdown(SD_RECEIVE) that also takes the peer's disconnect data, and TCP
 * has none: after the peer's FIN it succeeds with no disconnect data (or
 * says WSAENOPROTOOPT, which a TCP without disconnect data need not), and
 * a later recv() fails with WSAESHUTDOWN.
 *
 * "No disconnect data" is what can be seen of it: nothing is written into
 * the buffer, whose length comes back 0 or as it was given (the page does
 * not say whether the call sets it when there is no data).
 *
 * Timeline:  peer: shutdown(SHUT_WR)  ->  FIN  ->  local: readable ;
 *            WSARecvDisconnect(buf) == 0, nothing in buf ;
 *            recv() == -1 WSAESHUTDOWN
 */
#include "sockconf.h"
#include "winsock.h"

#include <string.h>

#define UNWRITTEN 0xa5 /* what the disconnect-data buffer holds until something is copied into it */

static int buffer_untouched(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != UNWRITTEN)
			return 0;
	return 1;
}

static void recv_disconnect_ends_reception(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	unsigned char data[64];
	char buf[16];
	size_t len = sizeof data;

	memset(data, UNWRITTEN, sizeof data);
	check_call(shutdown(c.peer, SHUT_WR));
	wait_readable(c.local); /* the close indication: how the docs say to learn of it */
	if (check_one_of(recv_disconnect(c.local, data, &len), "0|ENOPROTOOPT") == 0) {
		note("disconnect data", "length %lu", (unsigned long)len);
		check(len == 0 || len == sizeof data); /* none reported */
		check(buffer_untouched(data, sizeof data)); /* none copied: TCP carried none */
	} else
		check_call(recv_disconnect(c.local, NULL, NULL)); /* no buffer: reception off, nothing more asked */
	check_fails(recv(c.local, buf, sizeof buf, 0), ESHUTDOWN);
}

SOCKCONF_CASE(
	.id = "winsock.recv_disconnect_eshutdown",
	.claim = "On TCP, WSARecvDisconnect after the peer's FIN takes no disconnect data (it returns 0 with none, or WSAENOPROTOOPT), and a later recv() fails with WSAESHUTDOWN.",
	.families = SC_TCP,
	.unix_note = "a Winsock behaviour, run over TCP: Windows's AF_UNIX is no stack of this suite",
	.cites = {
		{"Winsock WSARecvDisconnect(): \"After this function has been successfully issued, subsequent receives on the socket will be disallowed.\"; \"The native implementation of TCP/IP on Windows does not support disconnect data.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsarecvdisconnect"},
		{"Winsock WSARecvDisconnect(): WSAENOPROTOOPT \"The disconnect data is not supported by the indicated protocol family. Note that implementations of TCP/IP that do not support disconnect data are not required to return the WSAENOPROTOOPT error code.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock2/nf-winsock2-wsarecvdisconnect"},
		{"Winsock recv(): \"WSAESHUTDOWN The socket has been shut down; it is not possible to receive on a socket after shutdown has been invoked with how set to SD_RECEIVE or SD_BOTH.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-recv"},
		{"Wine's ws2_32 tests, run on Windows too: test_shutdown, shutdown(server, SD_RECEIVE) (line 9003), then recv() == -1 with WSAGetLastError() == WSAESHUTDOWN (lines 9008-9010)",
		 "https://gitlab.winehq.org/wine/wine/-/blob/wine-8.0/dlls/ws2_32/tests/sock.c#L9003"},
	},
	.run = recv_disconnect_ends_reception,
);
