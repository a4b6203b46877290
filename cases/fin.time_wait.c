/*
 * fin.time_wait: the end that closes first (the active closer) ends in
 * TIME_WAIT; the other end (the passive closer) does not, it goes to CLOSED.
 *
 * Timeline:  local: close()  ->  FIN  ->  peer: recv() == 0 ; close()  ->  FIN
 *            ->  local: ACK ; local's connection TIME_WAIT, peer's none
 */
#include "sockconf.h"

static void active_closer_ends_in_time_wait(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct sc_endpoints active = endpoints_of(c.local), passive = endpoints_of(c.peer);
	char buf[16];

	check_call(close(c.local));
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0);
	check_call(close(c.peer));
	wait_listed_tcp_state(&passive, SC_TCP_CLOSED); /* LAST_ACK ends with our final ACK */
	check_listed_tcp_state(&active, SC_TCP_TIME_WAIT);
}

SOCKCONF_CASE(
	.id = "fin.time_wait",
	.claim = "The end that closes first ends in TIME_WAIT; the end that closes second ends in CLOSED.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets have no TCP states",
	.cites = {
		{"RFC 9293 §3.6, case 2 and 3: the first to close passes through TIME-WAIT; the other goes LAST-ACK to CLOSED",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6"},
		{"RFC 9293 §3.3.2, state diagram: FIN-WAIT-2 --rcv FIN, snd ACK--> TIME-WAIT; LAST-ACK --rcv ACK of FIN--> CLOSED",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.3.2"},
	},
	.run = active_closer_ends_in_time_wait,
);
