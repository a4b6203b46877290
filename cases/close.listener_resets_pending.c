/*
 * close.listener_resets_pending: closing a listener resets the connections
 * still waiting in its accept queue: the client, whose connect() succeeded,
 * has its connection reset, and its recv() fails with ECONNRESET.
 *
 * No normative document says what becomes of a queued connection: RFC 9293
 * §3.10.4 (CLOSE in LISTEN) speaks only of the listener's own TCB, and
 * POSIX close() and listen() say nothing of pending connections.  The claim
 * rests on what the implementations do: Linux disconnects each queued child
 * (a reset for an established one), FreeBSD aborts each (tcp_drop: RST).
 *
 * Timeline:  client: connect() -> ESTABLISHED, queued, never accepted
 *            listener: close()  ->  RST  ->  client: readable, recv() == -1 ECONNRESET
 */
#include "sockconf.h"

static void closing_the_listener_resets_the_queued_connection(enum sc_family family)
{
	int listener = open_listener(family, 1);
	int client = open_client(listener);
	char buf[16];

	connect_blocking(client, listener);
	wait_readable(listener); /* the connection is in the accept queue */
	check_call(close(listener));
	wait_readable(client);
	check_fails(recv(client, buf, sizeof buf, 0), ECONNRESET);
}

SOCKCONF_CASE(
	.id = "close.listener_resets_pending",
	.claim = "close() of a listener resets the connections still in its accept queue: the client's recv() fails with ECONNRESET. (No normative document covers queued connections: the claim rests on the Linux and FreeBSD sources.)",
	.families = SC_TCP,
	.unix_note = "the reset is TCP's (an RST segment); what an AF_UNIX client left in a closed listener's queue gets is not covered here",
	.cites = {
		{"RFC 9293 §3.10.4 CLOSE, LISTEN STATE: \"Any outstanding RECEIVEs are returned with \"error: closing\" responses. Delete TCB, enter CLOSED state, and return.\" (silent on connections not yet accepted)",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
		{"Linux inet_csk_listen_stop() -> inet_child_forget(): \"sk->sk_prot->disconnect(child, O_NONBLOCK);\" for each queued child",
		 "https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/inet_connection_sock.c"},
		{"Linux tcp_disconnect(): for an ESTABLISHED child (tcp_need_reset()), \"tcp_send_active_reset(...)\" and sk_err ECONNRESET",
		 "https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/tcp.c"},
		{"FreeBSD soclose() of a listening socket: soabort() on each socket still in its queues; tcp_usr_abort() -> tcp_drop() sends the RST",
		 "https://github.com/freebsd/freebsd-src/blob/main/sys/kern/uipc_socket.c"},
		{"POSIX.1-2017 recv(): \"[ECONNRESET] A connection was forcibly closed by a peer.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/recv.html"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_RESET, "ECONNRESET"},
	},
	.run = closing_the_listener_resets_the_queued_connection,
);
