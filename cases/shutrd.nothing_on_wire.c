/*
 * shutrd.nothing_on_wire: shutdown(SHUT_RD) is local: it sends nothing to
 * the peer, and both ends stay ESTABLISHED.
 *
 * Timeline:  (capture on loopback)  local: shutdown(SHUT_RD)  ;  nothing from local ;
 *            local: ESTABLISHED ; peer: ESTABLISHED
 */
#include "sockconf.h"

static void shut_rd_sends_nothing(enum sc_family family)
{
	struct sc_wire *w;
	struct sc_conn c = open_watched_connection(family, &w);
	unsigned mark = wire_mark(w);

	check_call(shutdown(c.local, SHUT_RD));
	wire_check_quiet(w, c.local, mark, "shutdown(SHUT_RD) sends nothing");
	check_tcp_state(c.local, SC_TCP_ESTABLISHED);
	check_tcp_state(c.peer, SC_TCP_ESTABLISHED);
}

SOCKCONF_CASE(
	.id = "shutrd.nothing_on_wire",
	.claim = "shutdown(SHUT_RD) sends nothing to the peer, and both ends stay ESTABLISHED.",
	.families = SC_TCP,
	.unix_note = "AF_UNIX sockets put nothing on a wire and have no TCP states",
	.cites = {
		{"Read/write on a closed TCP connection (zh), SHUT_RD: \"But that is all, no packages will be sent to the other side.\"; the peer having shut down only reading, \"此时双方仍都处于ESTABLISHED\" (both ends are still ESTABLISHED)",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"Winsock shutdown(): \"If the how parameter is SD_RECEIVE, subsequent calls to the recv function on the socket will be disallowed. This has no effect on the lower protocol layers.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
		{"RFC 9293 §3.3.2: only a CLOSE (send side) moves ESTABLISHED to FIN-WAIT-1; TCP has no call that closes the receive side",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.3.2"},
	},
	.run = shut_rd_sends_nothing,
);
