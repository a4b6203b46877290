/*
 * shutrd.then_shutwr_peer_data: after shutdown(SHUT_RD) and then
 * shutdown(SHUT_WR), the application can no longer read and has closed
 * its sending side (the RFCs' CLOSE: our FIN).  Data the peer sends then
 * can never be delivered: the stack answers it with an RST, and the
 * peer's connection is reset.
 *
 * RFC 1122 §4.2.2.13 asks for that RST of a host whose application, having
 * called CLOSE, "cannot continue to read data"; Winsock documents a reset
 * for data arriving after SD_RECEIVE.  POSIX says only that receives are
 * disabled.  (FreeBSD's source discards such data silently; no FreeBSD
 * document says so.)
 *
 * Timeline:  local: shutdown(SHUT_RD) ; shutdown(SHUT_WR)  ->  FIN  ->
 *            peer: recv() == 0 ; send("late") == 5  ->  data  ->  RST  ->
 *            peer: error pending, CLOSED ; local: recv() returns no data
 */
#include "sockconf.h"

static void data_after_shut_rd_and_shut_wr_is_reset(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";
	char buf[16];
	ssize_t n;

	check_call(shutdown(c.local, SHUT_RD));
	check_call(shutdown(c.local, SHUT_WR)); /* our FIN: the CLOSE of RFC 793 §3.5 */
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0); /* the peer has our FIN; it may still send */
	check_int(send(c.peer, data, sizeof data, 0), ==, sizeof data);
	wait_error_pending(c.peer); /* the data drew a reset */
	check_tcp_state(c.peer, SC_TCP_CLOSED);
	check_call(set_nonblocking(c.local, 1)); /* an answer now, not a recv() that blocks */
	n = recv(c.local, buf, sizeof buf, 0);
	note("local_recv", "%s", n == -1 ? errno_text(sc_plat_socket_errno()) : n == 0 ? "0" : "data");
	check_int(n, <=, 0); /* never the data: 0, or an error that names the reset */
}

SOCKCONF_CASE(
	.id = "shutrd.then_shutwr_peer_data",
	.claim = "After shutdown(SHUT_RD) and then shutdown(SHUT_WR), data from the peer is answered with an RST: the peer's connection is reset (CLOSED), and recv() never returns the data.",
	.families = SC_TCP,
	.unix_note = "the claim is about TCP segments and the RST; AF_UNIX has neither",
	.cites = {
		{"RFC 1122 §4.2.2.13: \"A host MAY implement a 'half-duplex' TCP close sequence, so that an application that has called CLOSE cannot continue to read data from the connection. If such a host issues a CLOSE call while received data is still pending in TCP, or if new data is received after CLOSE is called, its TCP SHOULD send a RST to show that data was lost.\"",
		 "https://www.rfc-editor.org/rfc/rfc1122#section-4.2.2.13"},
		{"RFC 9293 §3.6.1: \"if new data is received after CLOSE is called, its TCP implementation SHOULD send a RST to show that data was lost (SHLD-3)\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.6.1"},
		{"Winsock shutdown(), SD_RECEIVE: \"For TCP sockets, if there is still data queued on the socket waiting to be received, or data arrives subsequently, the connection is reset, since the data cannot be delivered to the user.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
		{"POSIX.1-2017 shutdown(): \"SHUT_RD Disables further receive operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"RFC 9293 §3.10.7.4, RST in CLOSE-WAIT: \"any outstanding RECEIVEs and SEND should receive 'reset' responses ... Enter the CLOSED state, delete the TCB, and return.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.7.4"},
		{"linux-man and netdev, \"shutdown(2) is underdocumented\" (2023): Linux \"replies with a RST to data received after a shutdown(SHUT_WR)\" once shutdown(SHUT_RD) has been called, resting on RFC 1122 §4.2.2.13",
		 "https://lore.kernel.org/r/20230722153131.1156360-1-mattlloydhouse@gmail.com"},
	},
	.run = data_after_shut_rd_and_shut_wr_is_reset,
);
