/*
 * shutrdwr.both: shutdown(SHUT_RDWR) shuts down both directions: a FIN is
 * sent (the peer reads end of file), our send() fails with EPIPE, and our
 * recv() returns 0.
 *
 * Timeline:  local: shutdown(SHUT_RDWR)  ->  FIN  ->  peer: recv() == 0 ;
 *            local: send() == -1 EPIPE ; recv() == 0 (non-blocking)
 */
#include "sockconf.h"

static void shut_rdwr_shuts_both_directions(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	static const char data[] = "late";
	char buf[16];

	check_call(shutdown(c.local, SHUT_RDWR));
	wait_readable(c.peer);
	check_int(recv(c.peer, buf, sizeof buf, 0), ==, 0); /* the FIN went out */
	/* MSG_NOSIGNAL: the SIGPIPE is shutwr.sigpipe's claim, not this one's */
	check_fails(send(c.local, data, sizeof data, MSG_NOSIGNAL), EPIPE);
	check_call(set_nonblocking(c.local, 1)); /* 0 now, not a recv() that blocks */
	check_int(recv(c.local, buf, sizeof buf, 0), ==, 0);
}

SOCKCONF_CASE(
	.id = "shutrdwr.both",
	.claim = "After shutdown(SHUT_RDWR), the peer reads end of file, send() fails with EPIPE and recv() returns 0.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 shutdown(): \"SHUT_RDWR Disables further send and receive operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
		{"POSIX.1-2017 send(): \"[EPIPE] The socket is shut down for writing\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/send.html"},
		{"Winsock shutdown(): \"SD_BOTH ... Shutdown both send and receive operations.\"",
		 "https://learn.microsoft.com/en-us/windows/win32/api/winsock/nf-winsock-shutdown"},
		{"Read/write on a closed TCP connection (zh): SHUT_RD: \"所有的read都会返回0\" (every read returns 0); SHUT_WR: \"subsequent write requests will fail. Furthermore, a FIN packet will be sent\"",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
	},
	.asserts = {
		{SC_STATE_SEND_AFTER_SHUT_WR, "EPIPE"},
		{SC_STATE_RECV_AFTER_SHUT_RD, "0"},
	},
	.run = shut_rdwr_shuts_both_directions,
);
