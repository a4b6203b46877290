/*
 * wire_pcap.c: the segments of one connection, as a packet capture sees
 * them on the loopback interface (or where the stacks say, below):
 * libpcap's, or on Linux a plain packet socket where libpcap cannot
 * capture (gVisor has no PACKET_RX_RING, which libpcap needs).  Only
 * this connection's segments are kept (by its two ports); what they say,
 * over a link that delays, loses and reorders, is segments.c's: numbers
 * relative to each end's ISN from the handshake (open_watched_connection
 * has the capture watch before it connects), retransmissions counted
 * once, RSTs that answer late segments told apart.
 *
 * An RST is sent once and never again: where a wait for one runs out on a
 * connection that shows loss (retransmissions in the capture, or the
 * stack's own count in TCP_INFO), the evidence was lost on the link, not
 * withheld by the stack, and the family is a SKIP "inconclusive: ...".
 *
 * Wire evidence is additive.  Where nothing can be captured the wire is
 * "blind": wire_wait and wire_check_quiet let the case go on to its socket
 * checks and note that the wire part was skipped and why; the queries whose
 * value a case asserts (wire_count, wire_bytes, wire_find) skip the family.
 *
 * A capture is trusted only when it is seen to see: each family's watch
 * opens a probe connection and needs its SYN and SYN-ACK in the capture
 * first.  And it must see everything: a capture that dropped packets since
 * the watch began fails the family with "capture dropped N packets" rather
 * than let a count say nothing was sent.
 *
 * Opening and closing a capture costs the kernel an RCU grace period each
 * (~15-25 ms), so a case opens one capture and keeps it for every family,
 * and where the runner lends it one (SOCKCONF_WIRE_FD: a packet socket on
 * the loopback that the runner keeps for the run, runner/
 * capture_pool_posix.c), the case opens none: it sets its own filter on
 * the runner's socket, as libpcap would on its own, and leaves the close
 * to the runner.
 *
 * Where to watch is the stacks' to say (stack.h), the case's own end's
 * first, then the peer's: a device of the platform that their segments
 * cross (wire_device: lwIP's tap), or the stack's own feed of the IP
 * packets it takes in (observe: lwIP's in-process loopback, which no
 * capture sees), or else the platform's loopback.  A feed fills a ring
 * from the stack's thread and drain() empties it, a full ring counting
 * drops as a capture's buffer does.  The probe crosses the same path as
 * the case's connection: its listener on the peer's stack, its client on
 * the case's.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"
#include "path.h"
#include "segments.h"

#include <pcap/pcap.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/filter.h>
#include <net/if.h>
#include <fcntl.h>
#include <limits.h>
#define SC_PACKET_SOCKET 1
#endif

#define MAX_SEGMENTS 4096
#define SNAPLEN 128 /* headers are all we read */
#define PROBE_SYN 1
#define PROBE_SYNACK 2
/* how long a count is read again for a sure one while other traffic keeps packets on their way */
#define SURE_WAIT_MS 500

/* The process's one capture, opened on the first watch and kept for every family. */
static struct {
	int tried;
	const char *blind;     /* why nothing can be captured; NULL once a capture is open */
	char why[320];
	pcap_t *pcap;          /* libpcap's capture, or NULL ... */
	int packet_fd;         /* ... for a packet socket (Linux), or -1 ... */
	int observed;          /* ... or the stack's own feed into `ring` */
	pcap_t *compiler;      /* a packet socket lent by the runner: its filters are compiled for it */
	int on_loopback;       /* the device is the loopback, where a packet socket sees each packet twice */
	const char *dev;       /* the device captured on (for SOCKCONF_WIRE_TRACE) */
	int link;              /* DLT_EN10MB (Linux lo, a tap), DLT_NULL/LOOP (BSD lo0), DLT_RAW (a feed) */
	/* a packet socket's drop count where it has no PACKET_STATISTICS: the stack's own count
	 * of segments sent (Tcp OutSegs) against the TCP packets seen arriving on loopback */
	int counts_out_segs;
	long out_segs_base;
	unsigned long tcp_seen;
	unsigned long stat_drops; /* PACKET_STATISTICS' tp_drops, summed (reading resets it) */
	unsigned fake_drops;      /* SOCKCONF_WIRE_FAKE_DROPS: a test hook, see sockconf.h */
	unsigned long drops_settled; /* the count at the last family's watch */
	unsigned long drops_sure;    /* the last count read with nothing on its way: drops at least */
} cap = {.packet_fd = -1};

/*
 * A stack's feed: the packets of the watched ports, as the stack's thread
 * hands them over (observed_packet), until drain() takes them in.
 */
#define RING_SLOTS 4096
static struct {
	pthread_mutex_t lock;
	pthread_cond_t arrived;      /* on CLOCK_MONOTONIC */
	uint16_t ports[3];           /* kept: TCP to or from these (network order; 0 none) */
	unsigned first, count;
	unsigned long dropped;       /* the ring was full */
	struct {
		size_t len;
		unsigned char bytes[SNAPLEN];
	} slot[RING_SLOTS];
} ring = {.lock = PTHREAD_MUTEX_INITIALIZER};

struct sc_wire {
	const char *blind;         /* why this family's wire cannot be seen, or NULL */
	int passed_over;           /* a wire check was skipped ... */
	unsigned checks_then;      /* ... when the family had made this many checks */
	int local_fd, peer_fd;
	struct sockaddr_storage addr[2]; /* the peer's [0] and the local end's [1] address and port */
	uint16_t local_port, peer_port, probe_port; /* network order */
	unsigned probe_seen;       /* PROBE_SYN | PROBE_SYNACK */
	struct sc_captured raw[MAX_SEGMENTS]; /* as captured ... */
	struct sc_segment seg[MAX_SEGMENTS];  /* ... and as segments.c reads them */
	unsigned nseg, overflow;   /* segments kept, and those beyond MAX_SEGMENTS */
	unsigned analysed;         /* seg[] holds the analysis of raw[0..analysed) */
	unsigned retransmissions;  /* seen in the capture */
	struct sc_isn isn;
	unsigned long drops_at_watch;
	char text[1024];           /* what was seen, for diagnostics */
};

static uint16_t port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (sc_getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		sc_fail(NULL, "getsockname() failed on fd %d", fd);
	return ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					: ((struct sockaddr_in *)&ss)->sin_port;
}

/*
 * The TCP header of an IP packet ip[0..n), or NULL (not TCP, or cut short);
 * *is_tcp says whether it was TCP at all, *hl and *ip_total the IP
 * header's length and the packet's.
 */
static const u_char *tcp_header(const u_char *ip, size_t n, int *is_tcp, unsigned *hl, size_t *ip_total)
{
	*is_tcp = 0;
	if (n < 20)
		return NULL;
	if (ip[0] >> 4 == 4) {
		*hl = (ip[0] & 15u) * 4u;
		if (ip[9] != IPPROTO_TCP)
			return NULL;
		*ip_total = (size_t)ip[2] << 8 | ip[3];
	} else if (ip[0] >> 4 == 6) {
		*hl = 40;
		if (ip[6] != IPPROTO_TCP)
			return NULL; /* extension headers do not occur on our connections */
		*ip_total = 40 + ((size_t)ip[4] << 8 | ip[5]);
	} else {
		return NULL;
	}
	*is_tcp = 1;
	if (n < *hl + 20 || *ip_total < *hl + 20)
		return NULL;
	return ip + *hl;
}

/* One captured frame: a segment of ours, of the probe's, or nothing we keep. */
static void on_frame(struct sc_wire *w, const u_char *p, size_t n)
{
	size_t off;
	const u_char *tcp;
	unsigned hl;
	int is_tcp;
	size_t ip_total, payload;
	uint16_t sport, dport;
	struct sc_captured *s;
	int from_local;

	if (cap.link == DLT_EN10MB)
		off = 14;
	else if (cap.link == DLT_NULL || cap.link == DLT_LOOP)
		off = 4;
	else if (cap.link == DLT_RAW)
		off = 0;
	else
		return;
	if (n < off)
		return;
	tcp = tcp_header(p + off, n - off, &is_tcp, &hl, &ip_total);
	cap.tcp_seen += (unsigned long)is_tcp;
	if (!tcp)
		return;
	memcpy(&sport, tcp, 2);
	memcpy(&dport, tcp + 2, 2);
	if (w->probe_port && (sport == w->probe_port || dport == w->probe_port)) {
		unsigned flags = tcp[13] & 0x1f;
		if (dport == w->probe_port && flags == SC_SYN)
			w->probe_seen |= PROBE_SYN;
		if (sport == w->probe_port && flags == (SC_SYN | SC_ACK))
			w->probe_seen |= PROBE_SYNACK;
		return;
	}
	if (sport != w->local_port && sport != w->peer_port)
		return; /* captured under an earlier family's filter, or another connection's */
	if (dport != w->local_port && dport != w->peer_port)
		return;
	if (!w->local_port || !w->peer_port)
		return; /* the connection's ports are not known yet */
	from_local = sport == w->local_port;
	if (w->nseg == MAX_SEGMENTS) {
		w->overflow++; /* not kept: counted as a drop */
		return;
	}
	payload = ip_total - hl - (size_t)(tcp[12] >> 4) * 4u;
	s = &w->raw[w->nseg++];
	s->from_local = from_local;
	s->flags = tcp[13] & 0x1f;
	s->seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
	s->ack = (uint32_t)tcp[8] << 24 | (uint32_t)tcp[9] << 16 | (uint32_t)tcp[10] << 8 | tcp[11];
	s->len = (uint32_t)payload;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *p)
{
	on_frame((struct sc_wire *)user, p, h->caplen);
}

/* ---- a packet socket, where libpcap cannot capture (Linux) ----------------- */

#ifdef SC_PACKET_SOCKET
/* The stack's count of TCP segments sent (/proc/net/snmp "Tcp: ... OutSegs"), or -1. */
static long tcp_out_segs(void)
{
	char head[1024], values[1024], *hs, *vs, *h, *v;
	FILE *f = fopen("/proc/net/snmp", "r");
	long n = -1;

	if (!f)
		return -1;
	while (n == -1 && fgets(head, sizeof head, f) && fgets(values, sizeof values, f)) {
		if (strncmp(head, "Tcp:", 4) != 0 || strncmp(values, "Tcp:", 4) != 0)
			continue;
		h = strtok_r(head, " \n", &hs), v = strtok_r(values, " \n", &vs);
		for (; h && v; h = strtok_r(NULL, " \n", &hs), v = strtok_r(NULL, " \n", &vs))
			if (strcmp(h, "OutSegs") == 0)
				n = strtol(v, NULL, 10);
	}
	fclose(f);
	return n;
}

static int read_packet_stats(unsigned long *drops)
{
	struct tpacket_stats st;
	socklen_t len = sizeof st;

	if (getsockopt(cap.packet_fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == -1)
		return -1;
	cap.stat_drops += st.tp_drops; /* each read resets the kernel's counters */
	*drops = cap.stat_drops;
	return 0;
}

/*
 * OutSegs once the packet socket has taken in every segment counted before
 * it: read it, take in (and pass over) what is queued, read it again, until
 * the two readings agree: no segment was sent in between, and the stack
 * counts a segment before it hands it to lo.  The stack may carry other
 * processes' traffic (a gVisor sandbox that runs the whole run): where it
 * never rests within SURE_WAIT_MS, the first reading of the last try, so
 * that a segment sent in between and passed over counts as a drop, which
 * errs toward a failed check, never toward a passed one.  -1: no count.
 */
static long quiet_out_segs(int fd)
{
	unsigned char frame[SNAPLEN];
	double deadline = now_ms() + SURE_WAIT_MS;
	long before, after;

	do {
		before = tcp_out_segs();
		while (recv(fd, frame, sizeof frame, MSG_TRUNC) != -1)
			;
		after = tcp_out_segs();
	} while ((before < 0 || before != after) && after >= 0 && now_ms() < deadline);
	return before < 0 || after < 0 ? -1 : before;
}

/* A packet socket on the loopback device: NULL, or why there is none. */
static const char *open_packet_socket(const char *dev)
{
	static char why[200];
	struct sockaddr_ll sll;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	int rcvbuf = 8 << 20; /* a case's whole exchange, so that nothing is dropped */
	unsigned long drops;

	if (fd == -1) {
		snprintf(why, sizeof why, "a packet socket: %s", strerror(errno));
		return why;
	}
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(dev);
	if (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof sll) == -1) {
		snprintf(why, sizeof why, "a packet socket on %s: %s", dev, strerror(errno));
		close(fd);
		return why;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	cap.packet_fd = fd;
	cap.link = DLT_EN10MB; /* Linux and gVisor give lo an Ethernet header; checked per frame */
	if (read_packet_stats(&drops) == 0)
		return NULL;
	/*
	 * No PACKET_STATISTICS (gVisor): count the drops as segments the stack
	 * says it sent (Tcp OutSegs) that never arrived here, every TCP packet on
	 * lo, whoever's: a gVisor sandbox has its traffic all on lo; traffic
	 * elsewhere would only make the count err toward drops.
	 */
	cap.out_segs_base = quiet_out_segs(fd);
	cap.counts_out_segs = cap.out_segs_base >= 0;
	if (cap.counts_out_segs)
		return NULL;
	close(fd);
	cap.packet_fd = -1;
	return "a packet socket that cannot count what it drops (no PACKET_STATISTICS, no /proc/net/snmp)";
}

static void drain_packet_socket(struct sc_wire *w)
{
	unsigned char frame[SNAPLEN];
	struct sockaddr_ll from;
	socklen_t len;
	ssize_t n;

	for (;;) {
		len = sizeof from;
		n = recvfrom(cap.packet_fd, frame, sizeof frame, MSG_TRUNC, (struct sockaddr *)&from, &len);
		if (n == -1)
			return; /* EAGAIN: all taken in */
		if (from.sll_pkttype == PACKET_OUTGOING && cap.on_loopback)
			continue; /* loopback shows each packet leaving and arriving: count it once */
		/* an Ethernet header (Linux's lo; gVisor's says hatype 0 but a 6-byte address) */
		if (from.sll_hatype != ARPHRD_ETHER && from.sll_hatype != ARPHRD_LOOPBACK &&
		    from.sll_halen != 6)
			continue;
		on_frame(w, frame, (size_t)n < sizeof frame ? (size_t)n : sizeof frame);
	}
}

/*
 * The packet socket the runner lent this case (SOCKCONF_WIRE_FD; runner/
 * capture_pool_posix.c): NULL once it is this case's capture, or why it
 * is not (the case then opens a capture of its own).  It must be what the
 * runner makes: a raw packet socket bound to the loopback for every
 * protocol, with PACKET_STATISTICS.  It comes taking in nothing (a filter
 * that keeps no packet); its drop count is reset here, and each family's
 * watch sets a filter for its ports (set_filter), whose first drain reads
 * away what an earlier case left (by port, as any other connection's).
 * The case never closes it: the runner's descriptor is the last, and only
 * the last close waits for a grace period.
 */
static const char *adopt_lent_socket(const char *value)
{
	static char why[160];
	struct sockaddr_ll sll;
	socklen_t len;
	unsigned long drops;
	char *end;
	long n = strtol(value, &end, 10);
	int fd, type, flags;
	pcap_t *compiler;

	if (*end || end == value || n < 0 || n > INT_MAX) {
		snprintf(why, sizeof why, "SOCKCONF_WIRE_FD=%.40s is not a descriptor number", value);
		return why;
	}
	fd = (int)n;
	len = sizeof type;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1) {
		snprintf(why, sizeof why, "descriptor %d: %s", fd, strerror(errno));
		return why;
	}
	len = sizeof sll;
	if (getsockname(fd, (struct sockaddr *)&sll, &len) == -1 || sll.sll_family != AF_PACKET || type != SOCK_RAW) {
		snprintf(why, sizeof why, "descriptor %d is not a raw packet socket", fd);
		return why;
	}
	if (sll.sll_protocol != htons(ETH_P_ALL) || sll.sll_hatype != ARPHRD_LOOPBACK) {
		snprintf(why, sizeof why, "descriptor %d is not bound to the loopback for every protocol", fd);
		return why;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags == -1 || (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		snprintf(why, sizeof why, "descriptor %d: fcntl: %s", fd, strerror(errno));
		return why;
	}
	if (!(compiler = pcap_open_dead(DLT_EN10MB, SNAPLEN))) /* Linux gives lo an Ethernet header */
		return "libpcap has no filter compiler for Ethernet (pcap_open_dead)";
	cap.packet_fd = fd;
	if (read_packet_stats(&drops) == -1) {
		cap.packet_fd = -1;
		pcap_close(compiler);
		snprintf(why, sizeof why, "descriptor %d cannot count what it drops (no PACKET_STATISTICS)", fd);
		return why;
	}
	cap.stat_drops = 0; /* the read reset the kernel's count: an earlier case's drops are not ours */
	cap.compiler = compiler;
	cap.link = DLT_EN10MB;
	cap.on_loopback = 1;
	return NULL;
}

/* A compiled filter on the lent socket: 0, or -1 with errno. */
static int attach_filter(const struct bpf_program *prog)
{
	struct sock_fprog fprog = {(unsigned short)prog->bf_len, (struct sock_filter *)prog->bf_insns};

	return setsockopt(cap.packet_fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
}
#endif

/* ---- a stack's own feed (observe) ------------------------------------------------ */

/* In the stack's thread, which waits for it: a copy of the headers, and away. */
static void observed_packet(const unsigned char *ip, size_t len, void *unused)
{
	const u_char *tcp;
	int is_tcp;
	unsigned hl;
	size_t total;
	uint16_t sport, dport;

	(void)unused;
	pthread_mutex_lock(&ring.lock);
	tcp = tcp_header(ip, len, &is_tcp, &hl, &total);
	if (tcp) {
		memcpy(&sport, tcp, 2);
		memcpy(&dport, tcp + 2, 2);
		for (int i = 0; i < 3; i++) {
			if (!ring.ports[i] || (sport != ring.ports[i] && dport != ring.ports[i]))
				continue;
			if (ring.count == RING_SLOTS) {
				ring.dropped++;
			} else {
				unsigned at = (ring.first + ring.count++) % RING_SLOTS;
				ring.slot[at].len = len < SNAPLEN ? len : SNAPLEN;
				memcpy(ring.slot[at].bytes, ip, ring.slot[at].len);
				pthread_cond_signal(&ring.arrived);
			}
			break;
		}
	}
	pthread_mutex_unlock(&ring.lock);
}

/* The feed keeps what the capture's filter would: TCP to or from these ports. */
static void observe_ports(uint16_t a, uint16_t b, uint16_t c)
{
	pthread_mutex_lock(&ring.lock);
	ring.ports[0] = a, ring.ports[1] = b, ring.ports[2] = c;
	pthread_mutex_unlock(&ring.lock);
}

/* The stack's feed into the ring: NULL, or why there is none. */
static const char *open_feed(const struct sc_stack *s)
{
	static char why[200];
	pthread_condattr_t attr;

	if (pthread_condattr_init(&attr) != 0 || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&ring.arrived, &attr) != 0) {
		snprintf(why, sizeof why, "no condition variable on CLOCK_MONOTONIC for the %s stack's feed", s->name);
		return why;
	}
	pthread_condattr_destroy(&attr);
	if (s->observe(observed_packet, NULL) == -1) {
		snprintf(why, sizeof why, "the %s stack does not show its packets here: %s", s->name, strerror(errno));
		return why;
	}
	cap.observed = 1;
	cap.link = DLT_RAW;
	return NULL;
}

static void drain_feed(struct sc_wire *w)
{
	pthread_mutex_lock(&ring.lock);
	for (; ring.count; ring.count--, ring.first = (ring.first + 1) % RING_SLOTS)
		on_frame(w, ring.slot[ring.first].bytes, ring.slot[ring.first].len);
	pthread_mutex_unlock(&ring.lock);
}

/* Until the feed has something, or timeout_ms have passed. */
static void wait_feed(int timeout_ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&ring.lock);
	while (!ring.count && pthread_cond_timedwait(&ring.arrived, &ring.lock, &until) == 0)
		;
	pthread_mutex_unlock(&ring.lock);
}

/* ---- the capture ----------------------------------------------------------------- */

/* Take in everything captured so far, and read it anew when there is more. */
static void drain(struct sc_wire *w)
{
	if (cap.pcap) {
		while (pcap_dispatch(cap.pcap, -1, on_packet, (u_char *)w) > 0)
			;
	}
	else if (cap.observed)
		drain_feed(w);
#ifdef SC_PACKET_SOCKET
	else if (cap.packet_fd != -1)
		drain_packet_socket(w);
#endif
	if (w->analysed != w->nseg) {
		w->retransmissions = sc_segments_analyse(w->raw, w->nseg, w->seg, &w->isn);
		w->analysed = w->nseg;
	}
}

/*
 * Packets the capture has dropped since it was opened, w's taken in first:
 * at least that many.  *sure when no packet can have been on its way, so
 * that there were no fewer drops either.  Without PACKET_STATISTICS the
 * count is OutSegs' growth less the TCP packets seen: it is read before and
 * after the packets are taken in, and only two equal readings (nothing sent
 * in between) make it sure; the later one counts, so a packet sent while
 * the others were taken in is a drop until a later reading.  (gVisor counts
 * a segment and hands it to lo in one call: only a sender held up between
 * the two for a whole reading would make a sure count high by its packet.)
 */
static unsigned long capture_drops(struct sc_wire *w, int *sure)
{
	unsigned long n = 0;

	*sure = 1;
	if (cap.pcap) {
		struct pcap_stat st;
		drain(w);
		if (pcap_stats(cap.pcap, &st) == 0)
			n += (unsigned long)st.ps_drop + st.ps_ifdrop;
	} else if (cap.observed) {
		drain(w);
		pthread_mutex_lock(&ring.lock);
		n += ring.dropped;
		pthread_mutex_unlock(&ring.lock);
	}
#ifdef SC_PACKET_SOCKET
	else if (cap.packet_fd != -1 && !cap.counts_out_segs) {
		unsigned long drops;
		drain(w);
		if (read_packet_stats(&drops) == 0)
			n += drops;
	} else if (cap.packet_fd != -1) {
		long before = tcp_out_segs(), sent;
		drain(w);
		sent = tcp_out_segs();
		if (before < 0 || sent < 0) { /* OutSegs unreadable: every packet counts as lost */
			*sure = 0;
			n = LONG_MAX;
		} else {
			*sure = before == sent;
			if ((unsigned long)(sent - cap.out_segs_base) > cap.tcp_seen)
				n += (unsigned long)(sent - cap.out_segs_base) - cap.tcp_seen;
		}
	}
#endif
	else
		drain(w);
	if (*sure)
		cap.drops_sure = n;
	return n;
}

static void wait_capture(int timeout_ms)
{
	struct pollfd p = {.fd = -1, .events = POLLIN, .revents = 0};

	if (cap.observed) {
		wait_feed(timeout_ms);
		return;
	}
	if (cap.pcap)
		p.fd = pcap_get_selectable_fd(cap.pcap);
#ifdef SC_PACKET_SOCKET
	else
		p.fd = cap.packet_fd;
#endif
	poll(&p, 1, timeout_ms); /* wakes when packets arrive */
}

/*
 * The capture's drops once what is on its way has come in: a packet the
 * stack has counted may still be on its way to a packet socket, so a
 * count above `floor` (or, want_sure, one not sure) is read again, for the
 * quiet window, or for SURE_WAIT_MS while other traffic keeps packets on
 * their way (no reading sure yet), before it is believed; at least the
 * count returned were dropped.
 */
static unsigned long settled_drops(struct sc_wire *w, unsigned long floor, int want_sure)
{
	double start = now_ms();
	unsigned long n;
	int sure;

	while (((n = capture_drops(w, &sure) + w->overflow) > floor || (want_sure && !sure)) &&
	       now_ms() < start + (sure ? sc_quiet_ms() : SURE_WAIT_MS))
		wait_capture(1);
	return n;
}

/* Drops since the family's watch began, the made-up ones of the test hook included. */
static unsigned long drops_since_watch(struct sc_wire *w)
{
	unsigned long n = settled_drops(w, w->drops_at_watch, 0);

	return (n > w->drops_at_watch ? n - w->drops_at_watch : 0) + cap.fake_drops;
}

static const char *drop_text(unsigned long drops)
{
	static char text[200];

	snprintf(text, sizeof text, "capture dropped %lu packet%s", drops, drops == 1 ? "" : "s");
	if (cap.fake_drops)
		snprintf(text + strlen(text), sizeof text - strlen(text),
			 " (%u of them made up by the test hook SOCKCONF_WIRE_FAKE_DROPS)", cap.fake_drops);
	return text;
}

static const char *loopback_device(char *errbuf)
{
	static char name[64];
	pcap_if_t *all, *d;

	if (name[0])
		return name;
	if (pcap_findalldevs(&all, errbuf) == -1)
		return NULL;
	for (d = all; d; d = d->next)
		if (d->flags & PCAP_IF_LOOPBACK) {
			snprintf(name, sizeof name, "%s", d->name);
			break;
		}
	pcap_freealldevs(all);
	return name[0] ? name : NULL;
}

/* Nothing can be captured here: why, and the tool's own words when there are any. */
static void blind(const char *why, const char *detail)
{
	snprintf(cap.why, sizeof cap.why, "%s%s%s%s", why, detail ? " (" : "", detail ? detail : "",
		 detail ? ")" : "");
	cap.blind = cap.why;
}

/*
 * The stack that says where the wire is: the case's own end's, else the
 * peer's (the case's end on the kernel, its peer on lwIP over a tap);
 * NULL: neither says, and the wire is the platform's loopback.
 */
static const struct sc_stack *wire_stack(void)
{
	const enum sc_end ends[2] = {SC_END_LOCAL, SC_END_PEER};

	for (int i = 0; i < 2; i++) {
		const struct sc_stack *s = sc_stack_at(ends[i]);
		if ((s->wire_device && s->wire_device()) || s->observe)
			return s;
	}
	return NULL;
}

/* open_capture's: a lent socket's refusal in *refused. */
static void open_a_capture(const char **refused)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *dev;
	const struct sc_stack *stack;
	pcap_t *p;
	int rc;

	stack = wire_stack();
	dev = stack && stack->wire_device ? stack->wire_device() : NULL;
	if (!dev && stack) { /* the stack carries its segments itself, and shows them */
		const char *no_feed = open_feed(stack);
		if (no_feed)
			blind(no_feed, NULL);
		return;
	}
	if (!dev) {
#ifdef SC_PACKET_SOCKET
		const char *lent = getenv("SOCKCONF_WIRE_FD");
		if (lent && *lent && !(*refused = adopt_lent_socket(lent)))
			return;
#else
		(void)refused;
#endif
		dev = loopback_device(errbuf);
		cap.on_loopback = 1;
	}
	cap.dev = dev;
	if (!dev) {
		blind("packet capture: no loopback interface visible to libpcap", NULL);
		return;
	}
	p = pcap_create(dev, errbuf);
	if (!p) {
		blind("packet capture is not possible here", errbuf);
		return;
	}
	pcap_set_snaplen(p, SNAPLEN);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, 1 << 20);
	rc = pcap_activate(p);
	if (rc == PCAP_ERROR_NO_SUCH_DEVICE && !cap.on_loopback) {
		char msg[160];
		pcap_close(p);
		snprintf(msg, sizeof msg, "packet capture: no device %s here (the %s stack's wire)", dev, stack->name);
		blind(msg, NULL);
		return;
	}
	if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_NO_SUCH_DEVICE) {
		pcap_close(p);
		blind("packet capture is not permitted here (needs CAP_NET_RAW)", NULL);
		return;
	}
	if (rc < 0) {
		char msg[PCAP_ERRBUF_SIZE + 64];
		snprintf(msg, sizeof msg, "pcap_activate(%s): %s", dev, pcap_geterr(p));
		pcap_close(p);
#ifdef SC_PACKET_SOCKET
		{
			const char *no_socket = open_packet_socket(dev);
			if (!no_socket)
				return; /* libpcap cannot, a packet socket can */
			snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "; %s", no_socket);
		}
#endif
		blind("packet capture is not possible here", msg);
		return;
	}
	if (pcap_setnonblock(p, 1, errbuf) == -1) {
		pcap_close(p);
		blind("packet capture is not possible here", errbuf);
		return;
	}
	cap.link = pcap_datalink(p);
	cap.pcap = p;
}

/*
 * SOCKCONF_WIRE_TRACE=FILE: the capture the case opened, a line appended
 * (for the suite's own tests: which capture, and why a lent socket was
 * refused).
 */
static void trace_capture(const char *refused)
{
	const char *path = getenv("SOCKCONF_WIRE_TRACE");
	char line[640];
	size_t n;
	FILE *f;

	if (!path || !*path)
		return;
	n = (size_t)snprintf(line, sizeof line, "pid %ld: ", (long)getpid());
	if (cap.blind)
		snprintf(line + n, sizeof line - n, "blind: %s", cap.blind);
	else if (cap.compiler)
		snprintf(line + n, sizeof line - n, "the runner's packet socket (descriptor %d)", cap.packet_fd);
	else if (cap.pcap)
		snprintf(line + n, sizeof line - n, "libpcap on %s", cap.dev);
	else if (cap.packet_fd != -1)
		snprintf(line + n, sizeof line - n, "a packet socket of its own on %s", cap.dev);
	else
		snprintf(line + n, sizeof line - n, "the stack's own feed");
	n = strlen(line);
	if (refused)
		snprintf(line + n, sizeof line - n, " (the runner's socket refused: %s)", refused);
	if ((f = fopen(path, "a")) != NULL) { /* one write of one line, appended: cases at once do not mix */
		fprintf(f, "%s\n", line);
		fclose(f);
	}
}

/* The capture, opened on first use; cap.blind says why where it cannot be. */
static void open_capture(void)
{
	const char *fake = getenv("SOCKCONF_WIRE_FAKE_DROPS"), *refused = NULL;

	if (cap.tried)
		return;
	cap.tried = 1;
	if (fake && *fake)
		cap.fake_drops = (unsigned)strtoul(fake, NULL, 10);
	open_a_capture(&refused);
	trace_capture(refused);
}

/*
 * The kernel keeps the family's ports for the capture: libpcap's filter,
 * or the same program on the runner's lent socket (where nothing else
 * would keep other cases' packets out of its queue and its drop count).
 */
static void set_filter(const struct sc_wire *w)
{
	char filter[160];
	struct bpf_program prog;
	pcap_t *p = cap.pcap ? cap.pcap : cap.compiler;
	int set;

	if (!p)
		return;
	if (w->local_port) /* watching a connection made already */
		snprintf(filter, sizeof filter, "(tcp port %u and tcp port %u) or tcp port %u",
			 ntohs(w->local_port), ntohs(w->peer_port), ntohs(w->probe_port));
	else /* the listener's port, for a connection still to be made */
		snprintf(filter, sizeof filter, "tcp port %u or tcp port %u", ntohs(w->peer_port),
			 ntohs(w->probe_port));
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1)
		sc_fail(NULL, "pcap filter '%s': %s", filter, pcap_geterr(p));
	if (cap.pcap) {
		set = pcap_setfilter(cap.pcap, &prog);
		pcap_freecode(&prog);
		if (set == -1)
			sc_fail(NULL, "pcap filter '%s': %s", filter, pcap_geterr(cap.pcap));
		return;
	}
#ifdef SC_PACKET_SOCKET
	set = attach_filter(&prog);
	pcap_freecode(&prog);
	if (set == -1)
		sc_fail(NULL, "filter '%s' on the runner's packet socket: %s", filter, strerror(errno));
#endif
}

/*
 * The probe: a connection of the family's own, made while the capture
 * watches, along the case's connection's path: from the case's end's
 * stack to a listener on the peer's.  Its SYN and SYN-ACK must be seen
 * before the capture's silence can mean anything.  Returns 0, or -1 with
 * the reason in w->blind.
 */
static int probe_capture(struct sc_wire *w, int domain)
{
	static char why[200];
	enum sc_family family = domain == AF_INET6 ? SC_INET6 : SC_INET;
	struct sockaddr_storage addr;
	socklen_t len, alen;
	int listener = sc_open_on(SC_END_PEER, family), client = -1;
	double deadline = now_ms() + sc_wait_bound_ms();
	int ok = -1;

	sc_end_address(SC_END_PEER, family, &addr, &len);
	if (domain == AF_INET6)
		((struct sockaddr_in6 *)&addr)->sin6_port = 0;
	else
		((struct sockaddr_in *)&addr)->sin_port = 0;
	alen = sizeof addr;
	if (sc_bind(listener, (struct sockaddr *)&addr, len) == -1 || sc_listen(listener, 1) == -1 ||
	    sc_getsockname(listener, (struct sockaddr *)&addr, &alen) == -1)
		sc_fail(NULL, "the capture's probe connection could not listen");
	w->probe_port = domain == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
					   : ((struct sockaddr_in *)&addr)->sin_port;
	if (cap.observed)
		observe_ports(w->peer_port, w->local_port, w->probe_port);
	set_filter(w);
	drain(w); /* what an earlier filter let through is dropped by port */
	client = sc_open_on(SC_END_LOCAL, family);
	{
		double ms;
		if (sc_connect_bounded(client, (struct sockaddr *)&addr, alen, &ms) == -1) {
			if (errno == ETIMEDOUT)
				sc_connect_timed_out(client, "the capture's probe connection");
			sc_fail(NULL, "the capture's probe connection could not connect");
		}
	}
	sc_current_step = "the capture to see a probe connection's SYN and SYN-ACK";
	for (;;) {
		double left = deadline - now_ms();
		drain(w);
		if (w->probe_seen == (PROBE_SYN | PROBE_SYNACK)) {
			ok = 0;
			break;
		}
		if (left <= 0)
			break;
		wait_capture((int)left + 1);
	}
	sc_close(client);
	sc_close(listener);
	if (ok == -1) {
		snprintf(why, sizeof why,
			 "the capture saw %s of a probe connection's handshake within %d ms",
			 w->probe_seen ? "only part" : "nothing", sc_wait_bound_ms());
		w->blind = why;
	}
	w->probe_port = 0; /* the probe's later segments are nobody's */
	return ok;
}

/*
 * The family's end.  A family that passed with no check made since its last
 * skipped wire check ended on the wire: its claim rests there, and it is a
 * SKIP with the reason, not a pass.  (Earlier checks only set the scene.)
 */
static void close_wire(void *arg)
{
	struct sc_wire *w = arg;

	if (w->passed_over && sc_outcome.status == SC_PASS && sc_checks_made() == w->checks_then) {
		sc_outcome.status = SC_SKIP;
		snprintf(sc_outcome.message, sizeof sc_outcome.message, "%s", w->blind);
	}
	free(w);
}

/* Both ends' addresses, for a probe sent after one of them is closed. */
static void remember_addresses(struct sc_wire *w)
{
	int fds[2] = {w->peer_fd, w->local_fd};

	for (int i = 0; i < 2; i++) {
		socklen_t len = sizeof w->addr[i];
		if (sc_getsockname(fds[i], (struct sockaddr *)&w->addr[i], &len) == -1)
			sc_fail(NULL, "getsockname() failed on fd %d", fds[i]);
	}
}

static struct sc_wire *new_watch(void)
{
	struct sc_wire *w = calloc(1, sizeof *w);

	if (!w)
		sc_fail(NULL, "out of memory");
	sc_at_family_end(close_wire, w);
	return w;
}

/* The capture, trusted by its probe, keeps only what comes from now on. */
static void start_watch(struct sc_wire *w)
{
	w->nseg = 0;
	w->analysed = 0;
	w->overflow = 0;
	w->retransmissions = 0;
	settled_drops(w, cap.drops_settled, 1); /* the probe's last segments in */
	/* the count it surely reached: a packet then on its way is no drop before the watch */
	w->drops_at_watch = cap.drops_sure;
	cap.drops_settled = w->drops_at_watch;
}

struct sc_wire *wire_watch(const struct sc_conn *c)
{
	struct sc_wire *w;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (sc_getsockname(c->local, (struct sockaddr *)&ss, &len) == -1 || ss.ss_family == AF_UNIX)
		skip("AF_UNIX sockets put nothing on a wire");
	w = new_watch();
	w->local_fd = c->local;
	w->peer_fd = c->peer;
	open_capture();
	if (cap.blind) {
		w->blind = cap.blind;
		return w;
	}
	w->local_port = port_of(c->local);
	w->peer_port = port_of(c->peer);
	remember_addresses(w);
	if (probe_capture(w, ss.ss_family) == -1)
		return w;
	start_watch(w);
	return w;
}

struct sc_conn open_watched_connection(enum sc_family family, struct sc_wire **watch)
{
	struct sockaddr_storage addr;
	socklen_t len;
	struct sc_conn c;
	struct sc_wire *w;
	int listener, watching = 0;

	if (family == SC_UNIX)
		skip("AF_UNIX sockets put nothing on a wire");
	listener = sc_tcp_listener(family, &addr, &len);
	w = new_watch();
	open_capture();
	if (cap.blind) {
		w->blind = cap.blind;
	} else {
		w->peer_port = port_of(listener); /* the accepted end shares the listener's port */
		watching = probe_capture(w, addr.ss_family) == 0;
		if (watching)
			start_watch(w);
	}
	c = sc_tcp_connect_to(family, listener, &addr, len);
	sc_close(listener);
	w->local_fd = c.local;
	w->peer_fd = c.peer;
	if (watching) {
		w->local_port = port_of(c.local); /* set before the first drain: the SYN is kept */
		remember_addresses(w);
		if (cap.observed) /* the feed keeps the peer's port already: the SYN is in */
			observe_ports(w->peer_port, w->local_port, 0);
	}
	*watch = w;
	return c;
}

/* ---- a wire that cannot be seen ------------------------------------------------ */

/* A wire check passed over: the family goes on, and its diagnostics say what was not seen. */
static void unchecked(struct sc_wire *w, const char *what)
{
	static char list[256];
	const char *had = NULL;

	for (unsigned i = 0; i < sc_outcome.nnotes; i++)
		if (strcmp(sc_outcome.note_key[i], "unchecked") == 0)
			had = sc_outcome.note_val[i];
	w->passed_over = 1;
	w->checks_then = sc_checks_made();
	if (had && strstr(had, what))
		return;
	snprintf(list, sizeof list, "%s%s%s", had ? had : "", had ? "; " : "", what);
	note("partial", "wire checks skipped: %s", w->blind);
	note("unchecked", "%s", list);
}

/* A value the case would assert: without a wire there is none, and the family skips. */
static void no_value(const struct sc_wire *w)
{
	if (w->blind)
		skip(w->blind);
}

/* ---- what was seen ------------------------------------------------------------- */

static void describe(struct sc_wire *w)
{
	size_t n = 0;

	w->text[0] = '\0';
	for (unsigned i = 0; i < w->nseg && n < sizeof w->text - 48; i++) {
		const struct sc_segment *s = &w->seg[i];
		/* a SYN is numbered -1: 0 is the first byte after it */
		n += (size_t)snprintf(w->text + n, sizeof w->text - n, "%s%s [%s%s%s%s%s] seq %ld len %u%s%s",
				      i ? "; " : "", s->from_local ? "local>peer" : "peer>local",
				      s->flags & SC_SYN ? "S" : "", s->flags & SC_FIN ? "F" : "",
				      s->flags & SC_RST ? "R" : "", s->flags & SC_PSH ? "P" : "",
				      s->flags & SC_ACK ? "." : "", (long)(int32_t)s->seq, s->len,
				      s->retransmitted ? " (again)" : "",
				      s->answers_late ? " (answers a late segment)" : "");
	}
	note("wire", "%s", w->nseg ? w->text : "no segments seen");
}

/* All that was sent is in the capture, or the family fails saying what was lost. */
static void require_complete(struct sc_wire *w)
{
	unsigned long drops = drops_since_watch(w);

	describe(w);
	if (drops)
		sc_fail(NULL, "%s: what it saw is not all that was sent", drop_text(drops));
}

/* A segment of that end with those flags, sent for the first time and not a late segment's answer. */
static int matches(const struct sc_wire *w, const struct sc_segment *s, int from_fd, unsigned flags)
{
	return s->from_local == (from_fd == w->local_fd) && (s->flags & flags) == flags &&
	       sc_segment_counts(s);
}

static const struct sc_segment *first_match(struct sc_wire *w, int from_fd, unsigned flags)
{
	for (unsigned i = 0; i < w->nseg; i++)
		if (matches(w, &w->seg[i], from_fd, flags))
			return &w->seg[i];
	return NULL;
}

unsigned wire_count(struct sc_wire *w, int from_fd, unsigned flags)
{
	unsigned n = 0;

	no_value(w);
	require_complete(w);
	for (unsigned i = 0; i < w->nseg; i++)
		n += matches(w, &w->seg[i], from_fd, flags);
	return n;
}

unsigned long wire_bytes(struct sc_wire *w, int from_fd)
{
	unsigned long n = 0;

	no_value(w);
	require_complete(w);
	for (unsigned i = 0; i < w->nseg; i++)
		if (matches(w, &w->seg[i], from_fd, 0))
			n += w->seg[i].len;
	return n;
}

const struct sc_segment *wire_find(struct sc_wire *w, int from_fd, unsigned flags)
{
	no_value(w);
	require_complete(w); /* a dropped segment may have been the first */
	return first_match(w, from_fd, flags);
}

/* "an RST segment", "a FIN ACK segment": what a wait awaits, in words. */
static const char *segment_text(unsigned flags)
{
	static char buf[48];
	/* the article goes with the first flag named: "a FIN", "an RST", "a SYN", "an ACK" */
	int an = !(flags & SC_FIN) && ((flags & SC_RST) || (!(flags & SC_SYN) && (flags & SC_ACK)));

	snprintf(buf, sizeof buf, "%s %s%s%s%ssegment", an ? "an" : "a", flags & SC_FIN ? "FIN " : "",
		 flags & SC_RST ? "RST " : "", flags & SC_SYN ? "SYN " : "", flags & SC_ACK ? "ACK " : "");
	return buf;
}

static const char *end_name(const struct sc_wire *w, int fd)
{
	return fd == w->local_fd ? "local" : "peer";
}

/*
 * What the link lost on this connection, in words, or NULL where nothing
 * shows loss: segments the capture saw sent again, and the stack's own
 * count (TCP_INFO) on whichever end is still open.
 */
static const char *link_loss(struct sc_wire *w)
{
	static char text[200];
	long stack_retransmits = 0, stack_lost = 0;
	int fds[2] = {w->local_fd, w->peer_fd};

	for (int i = 0; i < 2; i++) {
		struct sc_path p;
		if (sc_path_of(fds[i], &p) == 0) {
			stack_retransmits += p.retransmits > 0 ? p.retransmits : 0;
			stack_lost += p.lost > 0 ? p.lost : 0;
		}
	}
	if (!w->retransmissions && !stack_retransmits && !stack_lost)
		return NULL;
	snprintf(text, sizeof text, "the link lost segments (%u retransmission%s on the wire", w->retransmissions,
		 w->retransmissions == 1 ? "" : "s");
	if (stack_retransmits || stack_lost)
		snprintf(text + strlen(text), sizeof text - strlen(text), "; TCP_INFO: %ld retransmitted, %ld lost",
			 stack_retransmits, stack_lost);
	snprintf(text + strlen(text), sizeof text - strlen(text), ")");
	return text;
}

static uint32_t sum16(uint32_t sum, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	return sum;
}

/*
 * Ask the end that should have reset whether its connection is still
 * there: a bare ACK in the other end's name (a raw socket of the other
 * end's stack, from its address and port), numbered where that end's next
 * segment would be.  A connection that is gone answers it
 * <SEQ=SEG.ACK><CTL=RST> (RFC 9293 §3.10.7.1); one that lives answers an
 * ACK, or nothing.  0 once sent, -1 where no raw socket can send it.
 */
static int ask_closed_end(struct sc_wire *w, int from_local)
{
	const struct sockaddr_storage *to = &w->addr[from_local], *from = &w->addr[!from_local];
	int v6 = to->ss_family == AF_INET6;
	const unsigned char *src = v6 ? (const unsigned char *)&((const struct sockaddr_in6 *)from)->sin6_addr
				      : (const unsigned char *)&((const struct sockaddr_in *)from)->sin_addr;
	const unsigned char *dst = v6 ? (const unsigned char *)&((const struct sockaddr_in6 *)to)->sin6_addr
				      : (const unsigned char *)&((const struct sockaddr_in *)to)->sin_addr;
	size_t alen = v6 ? 16 : 4;
	uint32_t next[2] = {w->isn.isn[0] + 1, w->isn.isn[1] + 1}, sum = 0;
	unsigned char tcp[20] = {0}, pseudo[8] = {0};
	uint16_t sport = ((const struct sockaddr_in *)from)->sin_port; /* same offset in sockaddr_in6 */
	uint16_t dport = ((const struct sockaddr_in *)to)->sin_port;
	int fd, ok;

	for (unsigned i = 0; i < w->nseg; i++) { /* each end's next sequence number, as on the wire */
		const struct sc_captured *c = &w->raw[i];
		uint32_t end = c->seq + c->len + ((c->flags & (SC_SYN | SC_FIN)) ? 1 : 0);
		if (!(c->flags & SC_RST) && (int32_t)(end - next[c->from_local]) > 0)
			next[c->from_local] = end;
	}
	memcpy(tcp, &sport, 2);
	memcpy(tcp + 2, &dport, 2);
	for (int i = 0; i < 4; i++) {
		tcp[4 + i] = (unsigned char)(next[!from_local] >> (24 - 8 * i));
		tcp[8 + i] = (unsigned char)(next[from_local] >> (24 - 8 * i));
	}
	tcp[12] = 5 << 4;
	tcp[13] = SC_ACK;
	tcp[14] = tcp[15] = 0xff;
	/* the checksum over the pseudo-header: RFC 9293 §3.1, RFC 8200 §8.1 */
	sum = sum16(sum16(0, src, alen), dst, alen);
	pseudo[v6 ? 7 : 1] = IPPROTO_TCP;
	pseudo[3] = sizeof tcp; /* the length's low byte, in either form */
	sum = sum16(sum16(sum, pseudo, v6 ? 8 : 4), tcp, sizeof tcp);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	tcp[16] = (unsigned char)(~sum >> 8), tcp[17] = (unsigned char)~sum;
	fd = sc_socket_on(sc_stack_at(from_local ? SC_END_PEER : SC_END_LOCAL), to->ss_family, SOCK_RAW,
			  IPPROTO_TCP);
	if (fd == -1)
		return -1;
	ok = sc_connect(fd, (const struct sockaddr *)to, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == 0 &&
	     sc_send(fd, tcp, sizeof tcp, 0) == (ssize_t)sizeof tcp;
	sc_close(fd);
	return ok ? 0 : -1;
}

/*
 * The end sent no RST that the capture saw: does its connection answer a
 * probe with one (bounded by a quiet window)?  A stack that kept the
 * connection answers an ACK or nothing, and fails the wait as before.
 */
static int answers_with_rst(struct sc_wire *w, int from_fd)
{
	int from_local = from_fd == w->local_fd;
	unsigned mark = w->nseg;
	double deadline;

	if (ask_closed_end(w, from_local) == -1)
		return 0;
	deadline = now_ms() + sc_quiet_ms() + 4 * (sc_wait_bound_ms() / 100);
	sc_current_step = "an RST answering the probe";
	for (;;) {
		double left;
		drain(w);
		for (unsigned i = mark; i < w->nseg; i++)
			if (w->raw[i].from_local == from_local && (w->raw[i].flags & SC_RST))
				return 1;
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		wait_capture((int)left + 1);
	}
}

void wire_wait(struct sc_wire *w, int from_fd, unsigned flags)
{
	double deadline;
	const char *within;
	char what[64];

	snprintf(what, sizeof what, "%s from %s", segment_text(flags), end_name(w, from_fd));
	if (w->blind) {
		unchecked(w, what);
		return;
	}
	sc_link_refresh(w->local_fd);
	sc_link_refresh(w->peer_fd);
	deadline = now_ms() + sc_bound_or_recorded_ms("none", what);
	within = sc_bound_or_recorded_text("none");
	sc_current_step = "a segment on the wire";
	for (;;) {
		double left;

		drain(w);
		if (first_match(w, from_fd, flags)) {
			describe(w);
			return; /* seen: drops elsewhere do not undo it */
		}
		left = deadline - now_ms();
		if (left <= 0)
			break;
		wait_capture((int)left + 1);
	}
	{
		unsigned long drops = drops_since_watch(w);
		const char *lost = (flags & SC_RST) ? link_loss(w) : NULL;
		describe(w);
		if (drops)
			sc_fail(NULL, "timed out after %s waiting for %s from %s, and the %s", within,
				segment_text(flags), end_name(w, from_fd), drop_text(drops));
		if (lost) { /* TCP never sends an RST again: one the link lost is gone */
			char why[400];
			snprintf(why, sizeof why, "inconclusive: no RST seen from %s within %s; %s",
				 end_name(w, from_fd), within, lost);
			skip(why);
		}
		if ((flags & SC_RST) && answers_with_rst(w, from_fd)) {
			char why[400];
			snprintf(why, sizeof why, "inconclusive: no RST seen from %s within %s, but its connection "
				 "is gone (a probe sent to it since was answered with an RST): the link lost the first",
				 end_name(w, from_fd), within);
			skip(why);
		}
		snprintf(sc_outcome.got, sizeof sc_outcome.got, "none"); /* a value a record can name */
		sc_fail(NULL, "timed out after %s waiting for %s from %s", within, segment_text(flags),
			end_name(w, from_fd));
	}
}

unsigned wire_mark(struct sc_wire *w)
{
	if (w->blind)
		return 0;
	drain(w);
	return w->nseg;
}

/* Segments from that end after the mark. */
static unsigned count_since(struct sc_wire *w, int from_fd, unsigned mark)
{
	unsigned n = 0;

	drain(w);
	/* a retransmission of what was sent before the mark is not new (RFC 9293: "the first
	 * FIN may be retransmitted"); anything else is */
	for (unsigned i = mark; i < w->nseg; i++)
		n += w->seg[i].from_local == (from_fd == w->local_fd) && !w->seg[i].retransmitted;
	return n;
}

void wire_check_quiet(struct sc_wire *w, int from_fd, unsigned since_mark, const char *why)
{
	double deadline;
	double left;

	if (w->blind) { /* no window, and no check made: nothing would be seen */
		char what[200];
		snprintf(what, sizeof what, "nothing from %s: %s", end_name(w, from_fd), why);
		unchecked(w, what);
		return;
	}
	sc_link_refresh(w->local_fd);
	sc_link_refresh(w->peer_fd);
	deadline = now_ms() + sc_quiet_ms();
	sc_announce_quiet(why);
	sc_current_step = why;
	do {
		if (count_since(w, from_fd, since_mark)) {
			describe(w);
			sc_fail(NULL, "a segment from %s was sent within the %s window: %s",
				end_name(w, from_fd), sc_quiet_text(), why);
		}
		left = deadline - now_ms();
		if (left > 0)
			wait_capture((int)left + 1);
	} while (left > 0);
	require_complete(w); /* silence counts only if nothing was lost */
}
