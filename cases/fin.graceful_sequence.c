/*
 * fin.graceful_sequence: the client-initiated graceful shutdown of
 * "Graceful Shutdown, Linger Options, and Socket Closure", step by step.
 * Nothing is lost in either direction and both ends see an orderly end of
 * file, never a reset.  (c.local is the client, c.peer the server.)
 *
 * Timeline:  client: send(64 KiB request) ; (1) shutdown(SHUT_WR)
 *            server: (2) recv() .. the whole request, checked, then 0
 *            server: (3) send(1 MiB response) ; (4) shutdown(SHUT_WR) ; (4') close()
 *            client: (5') recv() .. the whole response, checked, (5) then 0 ; (6) close()
 */
#include "sockconf.h"

#define REQUEST (64 * 1024)
#define RESPONSE (1024 * 1024) /* more than the buffers hold: still in flight when the server closes */

static void client_initiated_graceful_shutdown(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	int client = c.local, server = c.peer;
	size_t at_server = 0, at_client = 0;

	send_pattern_draining(client, server, REQUEST, &at_server);
	check_call(shutdown(client, SHUT_WR));                               /* (1) no more data from the client */
	check_int(recv_pattern_until_eof(server, &at_server), ==, REQUEST);  /* (2) all of it, then end of file */
	send_pattern_draining(server, client, RESPONSE, &at_client);         /* (3) the rest of the response */
	check_call(shutdown(server, SHUT_WR));                               /* (4) no more data from the server */
	check_call(close(server));                                           /* (4') */
	check_int(recv_pattern_until_eof(client, &at_client), ==, RESPONSE); /* (5') all of it, (5) then end of file */
	check_call(close(client));                                           /* (6) */
}

SOCKCONF_CASE(
	.id = "fin.graceful_sequence",
	.claim = "In the client-initiated graceful shutdown (client shutdown(send), server reads 0, sends the rest, shuts down sending and closes, client reads all then 0 and closes), no data is lost in either direction.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"Winsock, Graceful Shutdown, Linger Options, and Socket Closure: the table of steps (1) to (6) for a client-initiated graceful shutdown",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
		{"RFC 9293 §3.6: \"A TCP implementation will reliably deliver all buffers SENT before the connection was CLOSED\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6"},
		{"POSIX.1-2017 recv(): \"If no messages are available ... and the peer has performed an orderly shutdown, recv() shall return 0\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
	},
	.run = client_initiated_graceful_shutdown,
);
