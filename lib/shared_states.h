/*
 * shared_states.h: the states whose outcome more than one case asserts.
 *
 * Two cases that check one state must accept the same outcomes, or no
 * stack can pass both.  A case names each such state in its .asserts with
 * the outcomes it accepts there; `make claims-check` (tests/claims-check.sh)
 * reads every case's --describe and fails when two cases give one state
 * different outcome sets, or name a state that is not listed here.
 * A case declares the states its claim is about, not every step on the way.
 *
 * Outcomes: alternatives between '|', no spaces.  An errno name: the call
 * fails with -1 and that errno.  A number: the call returns it.  A word for
 * the rest: "success" (the call does what was asked: send() takes all the
 * bytes), "raised" and "none" (a signal).  The string a case declares is the
 * string it checks with check_one_of() where it can, so the two cannot part.
 */
#ifndef SOCKCONF_SHARED_STATES_H
#define SOCKCONF_SHARED_STATES_H

/* ---- send() -------------------------------------------------------------- */

/* Our end has read the peer's FIN (the peer closed); no RST has come yet. */
#define SC_STATE_SEND_AFTER_PEER_CLOSED \
	"send() after the peer has closed, before any RST"
/* Our data reached a peer that had closed, and its RST has come back (we are in CLOSE_WAIT). */
#define SC_STATE_SEND_AFTER_RST_IN_CLOSE_WAIT \
	"send() after an RST that arrived in CLOSE_WAIT"
/* The peer reset an ESTABLISHED connection (no FIN came first); its error is still pending. */
#define SC_STATE_SEND_AFTER_RST_IN_ESTABLISHED \
	"send() after an RST that arrived in ESTABLISHED"
/* shutdown(SHUT_WR) or shutdown(SHUT_RDWR) on our end. */
#define SC_STATE_SEND_AFTER_SHUT_WR \
	"send() on a socket shut down for writing"
/* The other end has called shutdown(SHUT_RD); the sender has shut down nothing. */
#define SC_STATE_PEER_SEND_AFTER_SHUT_RD \
	"send() to an end that has shut down reading"

/* ---- SIGPIPE ------------------------------------------------------------- */

#define SC_STATE_SIGPIPE_ON_EPIPE \
	"SIGPIPE from a send() without MSG_NOSIGNAL that fails with EPIPE"
#define SC_STATE_SIGPIPE_ON_ECONNRESET \
	"SIGPIPE from a send() that fails with ECONNRESET"
#define SC_STATE_SIGPIPE_WITH_MSG_NOSIGNAL \
	"SIGPIPE from a send() with MSG_NOSIGNAL that fails"

/* ---- recv() -------------------------------------------------------------- */

/* The peer's FIN has arrived (close, shutdown(SHUT_WR), or its process's exit); all data before it was read. */
#define SC_STATE_RECV_AFTER_FIN \
	"recv() after the peer's FIN, nothing unread"
/* The peer reset the connection (an RST in TCP; AF_UNIX: closed with data unread); nothing is left to read. */
#define SC_STATE_RECV_AFTER_RESET \
	"recv() after the peer reset the connection, nothing unread"
/* Our end has called shutdown(SHUT_RD); nothing was received before or after. */
#define SC_STATE_RECV_AFTER_SHUT_RD \
	"recv() after shutdown(SHUT_RD), nothing received"
/* Our end has called shutdown(SHUT_RD); data came, before the call or after it. */
#define SC_STATE_RECV_AFTER_SHUT_RD_WITH_DATA \
	"recv() after shutdown(SHUT_RD), with data received before or after it"

#endif
