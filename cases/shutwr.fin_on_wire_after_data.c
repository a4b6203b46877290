/*
 * shutwr.fin_on_wire_after_data: on the wire, the FIN that shutdown(SHUT_WR)
 * sends takes the sequence number after the last data byte: with N bytes
 * sent (relative sequence numbers 0 .. N-1), the FIN is sequence number N.
 *
 * Timeline:  (capture on loopback)  local: send(N pattern bytes) ; shutdown(SHUT_WR)
 *            ->  local>peer data 0..N-1, then [F.] at seq N
 */
#include "sockconf.h"

#define N 1000

static void fin_is_numbered_after_the_last_data_byte(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	unsigned char data[N];
	const struct sc_segment *fin;

	pattern_fill(data, sizeof data, 0);
	check_int(send(c.local, data, sizeof data, 0), ==, N);
	check_call(shutdown(c.local, SHUT_WR));
	wire_wait(w, c.local, SC_FIN);
	fin = wire_find(w, c.local, SC_FIN);
	check(fin != NULL);
	/* a FIN may ride on the last data segment: it is numbered after that segment's payload */
	check_int(fin->seq + fin->len, ==, N);
}

SOCKCONF_CASE(
	.id = "shutwr.fin_on_wire_after_data",
	.claim = "The FIN sent by shutdown(SHUT_WR) after N bytes of data has sequence number N (relative): it comes after the last data byte.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets put nothing on a wire",
	.cites = {
		{"RFC 9293 §3.10.4, CLOSE call in ESTABLISHED state: \"Queue this until all preceding SENDs have been segmentized, then form a FIN segment and send it.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
		{"RFC 9293 §3.4: \"For sequence number purposes, ... the FIN is considered to occur after the last actual data octet in a segment in which it occurs.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.4"},
		{"Winsock shutdown(): \"For TCP sockets, a FIN will be sent after all data is sent and acknowledged by the receiver.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.run = fin_is_numbered_after_the_last_data_byte,
);
