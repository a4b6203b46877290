/*
 * linger.roundtrip: what setsockopt(SO_LINGER) stores, getsockopt() gives
 * back: {1, 7} reads back as on with 7 seconds, {0, 0} as off.
 *
 * SO_LINGER is a socket-level (SOL_SOCKET) option, which POSIX defines for
 * every socket with no limit of family, so the value is stored on AF_UNIX
 * sockets too, where close() has no transmission to wait for.  This case
 * checks the storage, not the effect.
 *
 * Timeline:  local: setsockopt(SO_LINGER {1, 7}) ; getsockopt() -> on, 7
 *            local: setsockopt(SO_LINGER {0, 0}) ; getsockopt() -> off
 */
#include "sockconf.h"

static struct linger get_linger(int fd)
{
	struct linger lg = {0, 0};
	socklen_t len = sizeof lg;

	check_call(getsockopt(fd, SOL_SOCKET, SO_LINGER, (void *)&lg, &len));
	return lg;
}

static void linger_reads_back_as_set(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger on = {1, 7}, off = {0, 0}, got;

	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&on, sizeof on));
	got = get_linger(c.local);
	check_int(got.l_onoff, !=, 0);
	check_int(got.l_linger, ==, 7);

	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&off, sizeof off));
	got = get_linger(c.local);
	check_int(got.l_onoff, ==, 0);
}

SOCKCONF_CASE(
	.id = "linger.roundtrip",
	.claim = "getsockopt(SO_LINGER) returns what setsockopt(SO_LINGER) set, on TCP and AF_UNIX sockets alike: {1, 7} reads back as on with l_linger 7, and {0, 0} as off.",
	.families = SC_ALL_FAMILIES,
	.cites = {
		{"POSIX.1-2017 setsockopt(), SO_LINGER: \"This option takes a linger structure ... to specify the state of the option and linger interval.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/setsockopt.html"},
		{"POSIX.1-2017 getsockopt(), SO_LINGER: \"Reports whether the socket lingers on close() if data is present ... This option shall store a linger structure.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/getsockopt.html"},
		{"POSIX.1-2017 <sys/socket.h>: SOL_SOCKET \"Options to be accessed at socket level, not protocol level\", among them SO_LINGER \"Linger on close if data present\" (no domain is excepted)",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/sys_socket.h.html"},
		{"Linux socket(7), SO_LINGER: \"Sets or gets the SO_LINGER option. The argument is a linger structure.\" (a generic socket option; unix(7) lists no exception)",
		 "https://man7.org/linux/man-pages/man7/socket.7.html"},
		{"FreeBSD sosetopt()/sogetopt(): SO_LINGER is handled at the socket layer for every protocol (so_linger and the SO_LINGER flag)",
		 "https://github.com/freebsd/freebsd-src/blob/main/sys/kern/uipc_socket.c"},
	},
	.run = linger_reads_back_as_set,
);
