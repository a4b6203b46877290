/*
 * path.h: what lib knows of the path a connection takes (lib internal).
 * Over loopback a round trip is microseconds; over a real link (a tap to
 * lwIP, a board, netem) it is milliseconds, and segments are lost.  Quiet
 * windows and waits scale with the round-trip time measured on the
 * family's connections, and a wire check that lost its evidence to the
 * link says so rather than fail the stack.
 */
#ifndef SOCKCONF_PATH_H
#define SOCKCONF_PATH_H

#include "sockconf.h"

/* The stack's own view of fd's path (TCP_INFO), where it shows one. */
struct sc_path {
	double rtt_ms, rttvar_ms; /* smoothed round-trip time and its variation; 0 when not measured */
	long retransmits;         /* segments this end sent again; -1 when not shown */
	long lost;                /* segments it counts as lost now; -1 when not shown */
	long probes;              /* keepalive (or window) probes sent unanswered; -1 when not shown */
};
/* 0 with *p filled, or -1 where fd's stack shows nothing (path_posix.c, path_win.c). */
int sc_path_of(int fd, struct sc_path *p);

/*
 * Have fd's stack probe its peer soon (a TCP keepalive after a second's
 * idleness): a peer whose connection is gone answers with an RST, in
 * place of one the link lost.  0, or -1 where the stack cannot.  The
 * probes go SC_PROBE_MS after the connection's last segment and as far
 * apart (keepalive's least idle time is a second).
 */
#define SC_PROBE_MS 1000
int sc_path_ask_peer(int fd);

/*
 * The family's round-trip time: the largest measured on its connections
 * so far (a handshake's time as connect() took it, TCP_INFO's tcpi_rtt
 * when read), cleared when the family ends.  sc_quiet_ms() and
 * sc_wait_bound_ms() grow with it (wait.c).
 */
void sc_link_measured(double rtt_ms, double rttvar_ms, const char *source);
/* A connection's handshake took ms: TCP_INFO's sample where the stack has one, else this (connection.c). */
void sc_link_handshake(int fd, double ms);
/* Read fd's TCP_INFO into the family's figure (fd may be closed: nothing then). */
void sc_link_refresh(int fd);
/* "80 ms (4 × rtt 15.0 ms + 4 × rttvar 5.0 ms)", or "20 ms" where the default governs. */
const char *sc_quiet_text(void);
/* "2000 ms", or "4000 ms (100 × rtt 40.0 ms)". */
const char *sc_wait_text(void);

/*
 * connect() that returns within the wait bound: non-blocking, then poll for
 * the handshake's end; fd is left blocking, as socket() made it.  0, or -1 with
 * errno set (ETIMEDOUT when the bound passed); *ms is how long it took.
 */
int sc_connect_bounded(int fd, const struct sockaddr *addr, socklen_t len, double *ms);
/*
 * After sc_connect_bounded's ETIMEDOUT on fd: an inconclusive SKIP where the
 * stack sent its SYN again (the link lost it or its answer), else a
 * failure.  `what` names the connect ("connect() to the listener").
 */
SC_NORETURN void sc_connect_timed_out(int fd, const char *what);
/*
 * Wait (bounded) for the listener to queue a connection whose connect()
 * has completed: past the bound, the link lost the handshake's last ACK
 * and the family is inconclusive.  `family` is an enum sc_family.
 */
void sc_wait_queued(int listener, enum sc_family family);

/*
 * open_connection() in two steps, for a capture that must be watching
 * before the handshake (wire_pcap.c): a listener on the family's loopback
 * address (*addr: where it listens), then the connection to it, made with
 * sc_connect_bounded and accepted.  The listener stays open.
 */
int sc_tcp_listener(enum sc_family family, struct sockaddr_storage *addr, socklen_t *len);
struct sc_conn sc_tcp_connect_to(enum sc_family family, int listener,
				 const struct sockaddr_storage *addr, socklen_t len);

#endif
