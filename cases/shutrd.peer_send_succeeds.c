/*
 * shutrd.peer_send_succeeds: our shutdown(SHUT_RD) does not close the
 * connection for the peer: its later send() succeeds, since its socket is
 * neither shut down for writing nor disconnected.
 *
 * Timeline:  local: shutdown(SHUT_RD) (nothing on the wire: the peer stays
 *            unreadable for a quiet window, so a reset sent by the call would
 *            have arrived over any link)  ;  peer: send(5 pattern bytes) == 5
 */
#include "sockconf.h"

static void peer_can_still_send_after_shut_rd(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	unsigned char data[5];

	check_call(shutdown(c.local, SHUT_RD));
	check_stays_unreadable(c.peer, "shutdown(SHUT_RD) sends the peer nothing: no FIN, no RST");
	pattern_fill(data, sizeof data, 0);
	/* MSG_NOSIGNAL: a stack that fails the send with EPIPE reports it, rather than killing the case */
	check_int(send(c.peer, data, sizeof data, MSG_NOSIGNAL), ==, sizeof data);
}

SOCKCONF_CASE(
	.id = "shutrd.peer_send_succeeds",
	.claim = "After the other end's shutdown(SHUT_RD), send() still succeeds.",
	.families = SC_ALL_FAMILIES, /* POSIX's send() EPIPE conditions are about the sender's own socket, in every domain */
	.cites = {
		{"POSIX.1-2017 send(): \"[EPIPE] The socket is shut down for writing, or the socket is connection-mode and is no longer connected.\": neither holds for the sender after the other end's SHUT_RD",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"Read/write on a closed TCP connection (zh): the peer having shut down only reading, \"此时双方仍都处于ESTABLISHED。对端操作系统仍然会收到发送的报文，但是这些报文会被丢弃\" (both ends stay ESTABLISHED; the peer's OS still receives what is sent, and drops it)",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"Winsock shutdown(): SD_RECEIVE \"has no effect on the lower protocol layers\"; data that arrives afterwards resets the connection, so the send itself is accepted",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
	},
	.asserts = {
		{SC_STATE_PEER_SEND_AFTER_SHUT_RD, "success"},
	},
	.run = peer_can_still_send_after_shut_rd,
);
