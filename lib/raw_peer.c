/*
 * raw_peer.c: a TCP peer played with a raw IP socket, for what no socket
 * API makes a real peer do on cue (a SYN-ACK that comes late).  It reads
 * the segments the client sends to the listener's port, and sends segments
 * of its own from that port.
 *
 * The raw socket is the peer's stack's (stacks.c), where the listener
 * lives.  A raw IPPROTO_TCP socket gets a copy of every TCP segment the
 * stack takes in, whatever its TCP does with it: with the IP header for
 * IPv4; for IPv6 without it on Linux, with it on lwIP (ip6_input hands
 * raw_input() the packet from its IPv6 header on).  The client's are
 * picked out by their ports.  What it sends, the stack wraps in an IP
 * header; the TCP checksum is ours.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sc_raw_peer {
	int fd;
	int ipv6;
	struct sockaddr_storage client, server; /* addresses and ports, network order */
	unsigned ignored;                        /* client segments read and passed over */
	unsigned char last[20];                  /* the segment sent last, for a resend */
	unsigned resent;                         /* how often it went again */
};

static SC_NORETURN void call_failed(const char *what)
{
	char err[64];

	sc_format_errno(err, sizeof err, sc_socket_errno());
	sc_fail(NULL, "raw peer: %s failed: %s", what, err);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
					 : ((const struct sockaddr_in *)ss)->sin_port;
}

static const unsigned char *address_of(const struct sockaddr_storage *ss, size_t *len)
{
	if (ss->ss_family == AF_INET6) {
		*len = 16;
		return (const unsigned char *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	}
	*len = 4;
	return (const unsigned char *)&((const struct sockaddr_in *)ss)->sin_addr;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t sum16(uint32_t sum, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* The TCP checksum over the pseudo-header (RFC 9293 §3.1; RFC 8200 §8.1 for IPv6). */
static uint16_t tcp_checksum(const struct sc_raw_peer *p, const unsigned char *tcp, size_t len)
{
	unsigned char proto_len[8] = {0};
	size_t alen;
	const unsigned char *from = address_of(&p->server, &alen), *to = address_of(&p->client, &alen);
	uint32_t sum = 0;

	sum = sum16(sum, from, alen);
	sum = sum16(sum, to, alen);
	if (p->ipv6) {
		put32(proto_len, (uint32_t)len);
		proto_len[7] = IPPROTO_TCP;
	} else {
		proto_len[1] = IPPROTO_TCP;
		proto_len[2] = (unsigned char)(len >> 8), proto_len[3] = (unsigned char)len;
	}
	sum = sum16(sum, proto_len, p->ipv6 ? 8 : 4);
	sum = sum16(sum, tcp, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void close_raw_peer(void *arg)
{
	struct sc_raw_peer *p = arg;

	if (p->fd != -1)
		sc_close(p->fd);
	free(p);
}

struct sc_raw_peer *raw_peer_open(int client, int listener)
{
	struct sc_raw_peer *p = calloc(1, sizeof *p);
	socklen_t len = sizeof p->client;
	struct sockaddr_storage to;
	const struct sc_stack *peer;
	char why[128];

	if (!p)
		sc_fail(NULL, "out of memory");
	p->fd = -1;
	sc_at_family_end(close_raw_peer, p);
	if (sc_getsockname(client, (struct sockaddr *)&p->client, &len) == -1)
		call_failed("getsockname() on the client");
	len = sizeof p->server;
	if (sc_getsockname(listener, (struct sockaddr *)&p->server, &len) == -1)
		call_failed("getsockname() on the listener");
	if (p->client.ss_family == AF_UNIX)
		skip("AF_UNIX sockets put nothing on a wire");
	p->ipv6 = p->client.ss_family == AF_INET6;
	peer = sc_stack_at(SC_END_PEER);
	p->fd = sc_socket_on(peer, p->client.ss_family, SOCK_RAW, IPPROTO_TCP);
	if (p->fd == -1 && (errno == EPERM || errno == EACCES))
		skip("a raw IP socket is not permitted here (needs CAP_NET_RAW)");
	if (p->fd == -1 && (errno == EPROTONOSUPPORT || errno == EAFNOSUPPORT || errno == EINVAL ||
			    errno == ESOCKTNOSUPPORT || errno == EOPNOTSUPP)) {
		snprintf(why, sizeof why, "the peer's stack (%s) has no raw IP sockets for TCP", peer->name);
		skip(why);
	}
	if (p->fd == -1)
		call_failed("socket(SOCK_RAW, IPPROTO_TCP)");
	/* A raw socket's "port" is its protocol: the ports live in our TCP header. */
	memcpy(&to, &p->client, sizeof to);
	if (p->ipv6)
		((struct sockaddr_in6 *)&to)->sin6_port = 0;
	else
		((struct sockaddr_in *)&to)->sin_port = 0;
	if (sc_connect(p->fd, (struct sockaddr *)&to, len) == -1)
		call_failed("connect() of the raw socket to the client's address");
	if (set_nonblocking(p->fd, 1) == -1)
		call_failed("making the raw socket non-blocking");
	return p;
}

/*
 * pkt[0..n) starts with the IPv6 header of a client segment to the server
 * (lwIP's raw sockets keep it): version 6, next header TCP, the length
 * that is left, the client's and the server's addresses.  A TCP header
 * that began so would need those 32 bytes of addresses in its own.
 */
static int has_ipv6_header(const struct sc_raw_peer *p, const unsigned char *pkt, size_t n)
{
	size_t alen;
	const unsigned char *from = address_of(&p->client, &alen), *to = address_of(&p->server, &alen);

	return n >= 60 && pkt[0] >> 4 == 6 && pkt[6] == IPPROTO_TCP &&
	       ((size_t)pkt[4] << 8 | pkt[5]) == n - 40 && memcmp(pkt + 8, from, 16) == 0 &&
	       memcmp(pkt + 24, to, 16) == 0;
}

/* One segment read from the raw socket, if it is the client's to the listener's port: 1. */
static int read_client_segment(struct sc_raw_peer *p, struct sc_raw_segment *seg)
{
	unsigned char pkt[2048];
	const unsigned char *tcp = pkt;
	ssize_t n = sc_recv(p->fd, pkt, sizeof pkt, 0);
	size_t hl = 0;
	uint16_t sport, dport;

	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return -1;
	/* Winsock refuses a datagram longer than the buffer (WSAEMSGSIZE) where
	 * POSIX stacks cut it short: either way it is another connection's data,
	 * longer than any handshake or reset segment waited for here */
	if (n == -1 && errno == EMSGSIZE)
		return 0;
	if (n == -1)
		call_failed("recv() on the raw socket");
	if (!p->ipv6) { /* IPv4 raw sockets deliver the IP header too */
		if (n < 20 || pkt[0] >> 4 != 4)
			return 0;
		hl = (pkt[0] & 15u) * 4u;
		tcp = pkt + hl;
	} else if (has_ipv6_header(p, pkt, (size_t)n)) {
		hl = 40;
		tcp = pkt + hl;
	}
	if ((size_t)n < hl + 20)
		return 0;
	memcpy(&sport, tcp, 2);
	memcpy(&dport, tcp + 2, 2);
	if (sport != port_of(&p->client) || dport != port_of(&p->server))
		return 0; /* another connection's, or our own segment coming back */
	seg->flags = tcp[13] & 0x1f;
	seg->seq = get32(tcp + 4);
	seg->ack = get32(tcp + 8);
	return 1;
}

/*
 * Everything the raw socket holds now is passed over: it came before.  The
 * socket sees every connection's segments, so under load the reading stops
 * at a bound rather than at an empty queue that may never come.
 */
static void pass_over_queued(struct sc_raw_peer *p)
{
	struct sc_raw_segment seg;
	int r, n = 0;

	while (n++ < 4096 && (r = read_client_segment(p, &seg)) != -1)
		p->ignored += (unsigned)r;
}

/*
 * Waits for a client segment with `flags`.  With `resend`, the segment sent
 * last goes again whenever the link could have lost it or its answer, as
 * a real peer's retransmission timer would send it (RFC 9293 §3.8.1): from
 * a quiet window on, doubling.  The stack is asked the same question again;
 * only its answer is judged.
 */
static struct sc_raw_segment wait_client_segment(struct sc_raw_peer *p, unsigned flags, int resend,
						  const char *awaited)
{
	double deadline = now_ms() + sc_wait_bound_ms();
	double interval = sc_quiet_ms(), resend_at = now_ms() + interval;
	struct sc_raw_segment seg;

	sc_current_step = awaited;
	for (;;) {
		struct pollfd pfd = {.fd = p->fd, .events = POLLIN, .revents = 0};
		double now = now_ms(), left = deadline - now;
		int r;

		while ((r = read_client_segment(p, &seg)) != -1)
			if (r == 1 && (seg.flags & flags) == flags)
				return seg;
		if (left <= 0)
			sc_fail(NULL, "timed out after %s waiting for %s%s", sc_wait_text(), awaited,
				resend ? " (our segment was sent again while we waited)" : "");
		if (resend && now >= resend_at) {
			if (sc_send(p->fd, p->last, sizeof p->last, 0) != (ssize_t)sizeof p->last)
				call_failed("send() on the raw socket");
			p->resent++;
			interval *= 2;
			resend_at = now + interval;
		}
		if (resend && resend_at - now < left)
			left = resend_at - now;
		sc_poll(&pfd, 1, (int)left + 1);
	}
}

struct sc_raw_segment raw_peer_wait(struct sc_raw_peer *p, unsigned flags)
{
	/* A stack that hands raw sockets no TCP segments (the BSDs, Windows) never shows one. */
	return wait_client_segment(p, flags, 0, "the client's segment to reach the raw socket");
}

void raw_peer_send(struct sc_raw_peer *p, unsigned flags, uint32_t seq, uint32_t ack)
{
	unsigned char tcp[20] = {0};
	uint16_t sport = port_of(&p->server), dport = port_of(&p->client), sum;

	pass_over_queued(p); /* so that raw_peer_reply() sees only what answers this */
	memcpy(tcp, &sport, 2);
	memcpy(tcp + 2, &dport, 2);
	put32(tcp + 4, seq);
	put32(tcp + 8, ack);
	tcp[12] = 5 << 4; /* 20 bytes, no options */
	tcp[13] = (unsigned char)flags;
	tcp[14] = 0xff, tcp[15] = 0xff; /* window 65535 */
	sum = tcp_checksum(p, tcp, sizeof tcp);
	tcp[16] = (unsigned char)(sum >> 8), tcp[17] = (unsigned char)sum;
	memcpy(p->last, tcp, sizeof tcp);
	p->resent = 0;
	if (sc_send(p->fd, tcp, sizeof tcp, 0) != (ssize_t)sizeof tcp)
		call_failed("send() on the raw socket");
}

struct sc_raw_segment raw_peer_reply(struct sc_raw_peer *p)
{
	struct sc_raw_segment seg = wait_client_segment(p, 0, 1, "the client's answer to our segment");

	note("raw_peer_reply", "flags 0x%02x seq %u ack %u (%u earlier client segments passed over; ours sent again %u time%s)",
	     seg.flags, (unsigned)seg.seq, (unsigned)seg.ack, p->ignored, p->resent, p->resent == 1 ? "" : "s");
	return seg;
}
