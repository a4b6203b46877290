/*
 * path_posix.c: a connection's round-trip time and retransmissions, from
 * TCP_INFO where the system has one (Linux, FreeBSD).
 */
#define SC_LIB_INTERNAL
#include "path.h"

#include <string.h>

#if defined(__linux__) || defined(__FreeBSD__)
#include <netinet/tcp.h>
#endif

int sc_path_of(int fd, struct sc_path *p)
{
#if defined(__linux__) || defined(__FreeBSD__)
	struct tcp_info info;
	socklen_t len = sizeof info;
	sc_handle h;

	if (!sc_stack_of(fd, &h)->getsockopt)
		return -1; /* a stack that answers no options */
	memset(&info, 0, sizeof info);
	if (sc_getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == -1)
		return -1;
	p->rtt_ms = info.tcpi_rtt / 1000.0; /* both systems count microseconds */
	p->rttvar_ms = info.tcpi_rttvar / 1000.0;
#if defined(__linux__)
	p->retransmits = (long)info.tcpi_total_retrans;
	p->lost = (long)info.tcpi_lost;
	p->probes = (long)info.tcpi_probes;
#else
	p->retransmits = (long)info.tcpi_snd_rexmitpack;
	p->lost = -1;
	p->probes = -1;
#endif
	return 0;
#else
	(void)fd, (void)p;
	return -1; /* no TCP_INFO: the handshake's time is the figure */
#endif
}

int sc_path_ask_peer(int fd)
{
#if defined(__linux__) || defined(__FreeBSD__)
	int on = 1, apart_s = SC_PROBE_MS / 1000;

	if (sc_setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on) == -1)
		return -1;
	/* after SO_KEEPALIVE: the idle time counts from the connection's last segment; the
	 * next probes follow as far apart (TCP never resends a lost RST, but a probe, yes) */
	if (sc_setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &apart_s, sizeof apart_s) == -1)
		return -1;
	return sc_setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &apart_s, sizeof apart_s) == -1 ? -1 : 0;
#else
	(void)fd;
	return -1;
#endif
}
