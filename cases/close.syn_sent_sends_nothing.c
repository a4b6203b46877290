/*
 * close.syn_sent_sends_nothing: close() of a socket whose connect() is
 * still in SYN_SENT sends nothing: no RST, no FIN.  RFC 9293's CLOSE in
 * SYN-SENT only deletes the TCB; there is no connection to reset yet.
 *
 * The listener's accept queue is full, so it drops the client's SYN and
 * the client stays in SYN_SENT for as long as the case needs.
 *
 * Timeline:  (capture on loopback)  client: connect() -> SYN, unanswered ; SYN_SENT
 *            client: close()  ;  nothing from the client
 */
#include "sockconf.h"

static void close_in_syn_sent_sends_nothing(enum sc_family family)
{
	int listener = open_full_listener(family);
	int client = open_client(listener);
	struct sc_conn c = {.local = client, .peer = listener};
	struct sc_wire *w = wire_watch(&c);
	unsigned mark;

	connect_nonblocking(client, listener);
	wire_wait(w, client, SC_SYN);
	check_held_in_syn_sent(client);
	mark = wire_mark(w);
	check_call(close(client));
	wire_check_quiet(w, client, mark, "close() in SYN_SENT sends no RST and no FIN");
}

SOCKCONF_CASE(
	.id = "close.syn_sent_sends_nothing",
	.claim = "close() of a socket in SYN_SENT (its SYN unanswered) sends nothing: no RST, no FIN.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX connect() has no handshake and puts nothing on a wire",
	.cites = {
		{"RFC 9293 §3.10.4 CLOSE, SYN-SENT STATE: \"Delete the TCB and return \"error: closing\" responses to any queued SENDs, or RECEIVEs.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
		{"RFC 9293 §3.5.2: a reset answers a segment that is not for the current connection; none has arrived, so none is due",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.5.2"},
		{"Linux tcp_close(): new_state[] \"[TCP_SYN_SENT] = TCP_CLOSE\", no TCP_ACTION_FIN; tcp_need_reset() leaves SYN_SENT out",
		 "https://elixir.bootlin.com/linux/v6.18/source/net/ipv4/tcp.c"},
	},
	.run = close_in_syn_sent_sends_nothing,
);
