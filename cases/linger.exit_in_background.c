/*
 * linger.exit_in_background: a process that exits holding the last
 * descriptor of a TCP socket with SO_LINGER {1, N} and data the peer has
 * not taken does not wait for it: its exit completes at once, and the
 * socket lingers in the background, where the data is still delivered,
 * then the FIN.
 *
 * POSIX ties the linger wait to close() ("shall block the calling thread
 * during close()"); _Exit() only says the descriptors are closed.  Linux's
 * socket(7) says what a close made by exit does: "it always lingers in the
 * background".  The holder calls _exit() itself: a SIGKILL would cut any
 * wait short and so show nothing.
 *
 * Timeline:  local: setsockopt(SO_LINGER {1, 30}) ; send until the stack
 *            takes no more (the peer does not read) ;
 *            holder process: holds local ; local: close() (the holder's
 *            copy is the last) ; holder: _exit(0)  -- gone at once ;
 *            peer: recv() .. every byte, checked, then recv() == 0
 */
#include "sockconf.h"

#define LINGER_S 30 /* far beyond the wait bound: an exit that lingers is caught by it */

static void exit_with_linger_set_does_not_wait(enum sc_family family)
{
	struct sc_conn c = open_connection(family);
	struct linger thirty_seconds = {1, LINGER_S}, in_force = {0, 0};
	socklen_t len = sizeof in_force;
	size_t queued, received = 0;
	long long exit_ms;
	long holder;

	check_call(setsockopt(c.local, SOL_SOCKET, SO_LINGER, (const void *)&thirty_seconds, sizeof thirty_seconds));
	check_call(getsockopt(c.local, SOL_SOCKET, SO_LINGER, (void *)&in_force, &len));
	check(in_force.l_onoff != 0 && in_force.l_linger == LINGER_S); /* the linger the exit could wait for */
	queued = send_pattern_until_full(c.local); /* untransmitted until the peer reads */
	note("queued", "%lu bytes", (unsigned long)queued);

	holder = spawn_exiting_holder(); /* a copy of every descriptor, c.local included */
	check_call(close(c.local)); /* not the last descriptor: returns at once */
	exit_ms = exit_holder(holder); /* fails, got "exiting", if the process is not gone within the wait bound */
	note("exit_ms", "%lld", exit_ms);
	check_int(exit_ms, <, LINGER_S * 1000); /* the exit did not wait out the linger time */

	/* the socket lives on without its process: all of the data, then the FIN */
	check_int(recv_pattern_until_eof(c.peer, &received), ==, queued);
}

SOCKCONF_CASE(
	.id = "linger.exit_in_background",
	.claim = "A process that exits holding the last descriptor of a socket with SO_LINGER {1, N} and undelivered data exits at once; the socket lingers in the background and the peer still receives all the data, then end of file.",
	.families = SC_TCP,
	.unix_note = "SO_LINGER governs untransmitted data at close(); an AF_UNIX send() puts data straight into the peer's receive queue, so there is never any to linger on",
	.cites = {
		{"Linux socket(7), SO_LINGER: \"When the socket is closed as part of exit(2), it always lingers in the background.\"",
		 "https://man7.org/linux/man-pages/man7/socket.7.html"},
		{"POSIX.1-2017 setsockopt(), SO_LINGER: \"If SO_LINGER is set, the system shall block the calling thread during close() until it can transmit the data or until the time expires.\" (a wait of close(), the call)",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/setsockopt.html"},
		{"POSIX.1-2017 _Exit(): \"All of the file descriptors, directory streams, conversion descriptors, and message catalog descriptors open in the calling process shall be closed.\"",
		 "https://pubs.opengroup.org/onlinepubs/9699919799/functions/_Exit.html"},
		{"RFC 9293 §3.10.4, CLOSE in ESTABLISHED: \"Queue this until all preceding SENDs have been segmentized, then form a FIN segment and send it.\"",
		 "https://www.rfc-editor.org/rfc/rfc9293#section-3.10.4"},
	},
	.run = exit_with_linger_set_does_not_wait,
);
