/*
 * shutrd.blocked_recv_wakes: shutdown(SHUT_RD) ends a recv() already
 * blocked in another thread: it returns 0.
 *
 * Timeline:  thread: recv() blocks  ;  local: shutdown(SHUT_RD)  ->  thread: recv() == 0
 */
#include "sockconf.h"

static void shut_rd_wakes_a_blocked_recv(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct sc_blocked *blocked = start_blocked_recv(c.local);

	check_call(shutdown(c.local, SHUT_RD));
	check_int(blocked_call_result(blocked), ==, 0);
}

SOCKCONF_CASE(
	.id = "shutrd.blocked_recv_wakes",
	.claim = "shutdown(SHUT_RD) makes a recv() blocked in another thread return 0.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"Read/write on a closed TCP connection (zh), SHUT_RD: \"Any pending and subsequent read requests (regardless whichever thread they are in) will then returned with zero sized result.\"",
		 "https://sheny1xuan.github.io/tcp%E8%BF%9E%E6%8E%A5%E8%AF%BB%E5%86%99%E6%B5%8B%E8%AF%95"},
		{"POSIX.1-2017 shutdown(): \"SHUT_RD Disables further receive operations.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/shutdown.html"},
	},
	.asserts = {
		{SC_STATE_RECV_AFTER_SHUT_RD, "0"},
	},
	.run = shut_rd_wakes_a_blocked_recv,
);
