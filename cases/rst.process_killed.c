/*
 * rst.process_killed: when the process holding a connection is killed,
 * the connection is reset: the other end's recv() fails with ECONNRESET.
 * (The rough-closure notes observe an RST; Linux closes such a socket like
 * close(), so it sends a FIN when nothing is unread.)
 *
 * Timeline:  holder process: holds peer, never reads  ;  peer's holder killed
 *            ->  local: readable, recv() == -1 ECONNRESET
 */
#include "sockconf.h"

static void killing_the_holder_resets_the_connection(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	long holder = spawn_holder(); /* a copy of every descriptor, c.peer included */
	char buf[16];

	check_call(close(c.peer)); /* now only the holder has the peer end */
	kill_holder(holder);
	wait_readable(c.local);
	check_fails(recv(c.local, buf, sizeof buf, 0), ECONNRESET);
}

SOCKCONF_CASE(
	.id = "rst.process_killed",
	.claim = "When the process holding the peer end is killed, the connection is reset: recv() fails with ECONNRESET.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"Rough closure notes: killing the client process, \"a TCP_RST will be captured\" and the server's recv() returns -1 with ECONNRESET (104) or WSAECONNRESET (10054)",
		 "https://github.com/zobinHuang/TCP-UDP-socket-notes"},
		{"POSIX.1-2017 _Exit(): all of the process's open file descriptors are closed",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/_Exit.html"},
	},
	.run = killing_the_holder_resets_the_connection,
);
