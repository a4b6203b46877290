/*
 * fin.graceful_sequence_no_rst: the client-initiated graceful shutdown of
 * "Graceful Shutdown, Linger Options, and Socket Closure", seen on the
 * wire: once both ends are closed and the server's side of the connection
 * is gone, neither end has sent an RST.  (c.local is the client, c.peer
 * the server; fin.graceful_sequence checks the data.)
 *
 * Timeline:  (capture on loopback)
 *            client: send(64 KiB request) ; (1) shutdown(SHUT_WR)
 *            server: (2) recv() .. the whole request, then 0
 *            server: (3) send(1 MiB response) ; (4) shutdown(SHUT_WR) ; (4') close()
 *            client: (5') recv() .. the whole response, (5) then 0 ; (6) close()
 *            server's connection CLOSED (the client's last ACK arrived) ; no RST from either end
 */
#include "sockconf.h"

#define REQUEST (64 * 1024)
#define RESPONSE (1024 * 1024)

static void graceful_shutdown_sends_no_reset(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	struct sc_endpoints server_side = endpoints_of(c.peer);
	int client = c.local, server = c.peer;
	size_t at_server = 0, at_client = 0;

	send_pattern_draining(client, server, REQUEST, &at_server);
	check_call(shutdown(client, SHUT_WR));                               /* (1) */
	check_int(recv_pattern_until_eof(server, &at_server), ==, REQUEST);  /* (2) */
	send_pattern_draining(server, client, RESPONSE, &at_client);         /* (3) */
	check_call(shutdown(server, SHUT_WR));                               /* (4) */
	check_call(close(server));                                           /* (4') */
	check_int(recv_pattern_until_eof(client, &at_client), ==, RESPONSE); /* (5'), (5) */
	check_call(close(client));                                           /* (6) */

	wait_listed_tcp_state(&server_side, SC_TCP_CLOSED); /* LAST_ACK is over: the exchange is complete */
	check_int(wire_count(w, client, SC_RST), ==, 0);
	check_int(wire_count(w, server, SC_RST), ==, 0);
}

SOCKCONF_CASE(
	.id = "fin.graceful_sequence_no_rst",
	.claim = "The client-initiated graceful shutdown sequence ends without an RST from either end.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets put nothing on a wire",
	.cites = {
		{"Winsock, Graceful Shutdown, Linger Options, and Socket Closure: the client-initiated sequence (1) to (6) is a graceful shutdown; \"In an abortive shutdown, any unsent data is lost\"",
		 "https://learn.microsoft.com/en-us/windows/win32/winsock/graceful-shutdown-linger-options-and-socket-closure-2"},
		{"RFC 9293 §3.6, case 1 and 2: each side's CLOSE sends a FIN; the connection is closed once both FINs are acknowledged",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6"},
		{"RFC 1122 §4.2.2.13: an RST is for a CLOSE while received data is still pending; otherwise the close is graceful",
		 "https://www.rfc-editor.org/rfc/rfc1122#section-4.2.2.13"},
	},
	.run = graceful_shutdown_sends_no_reset,
);
