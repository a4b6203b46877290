/*
 * wire_pcap.c: the segments of one connection, as libpcap sees them on the
 * loopback interface.  Only this connection's segments are kept (a filter
 * on its two ports); sequence numbers are made relative to the first
 * segment seen from each end, which the capture sees before the case acts.
 *
 * Opening and closing a capture costs the kernel an RCU grace period each
 * (~15-25 ms), so a case opens one capture and keeps it for every family.
 */
#define SC_LIB_INTERNAL
#include "sockconf.h"
#include "outcome.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 4096

static pcap_t *capture; /* the process's one capture, kept for every family */
static int capture_link;

struct sc_wire {
	pcap_t *pcap;
	int link;                  /* DLT_EN10MB (Linux lo) or DLT_NULL/LOOP (BSD lo0) */
	int local_fd, peer_fd;
	uint16_t local_port, peer_port; /* network order */
	uint32_t base[2];          /* first seq seen from peer [0] and local [1], minus 1 */
	int have_base[2];
	struct sc_segment seg[MAX_SEGMENTS];
	unsigned nseg;
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

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *p)
{
	struct sc_wire *w = (struct sc_wire *)user;
	size_t off, n = h->caplen;
	const u_char *tcp;
	unsigned ipver, hl;
	size_t ip_total, payload;
	uint16_t sport;
	uint32_t seq;
	struct sc_segment *s;
	int from_local;

	if (w->link == DLT_EN10MB)
		off = 14;
	else if (w->link == DLT_NULL || w->link == DLT_LOOP)
		off = 4;
	else
		return;
	if (n < off + 20)
		return;
	ipver = p[off] >> 4;
	if (ipver == 4) {
		hl = (p[off] & 15u) * 4u;
		if (p[off + 9] != IPPROTO_TCP)
			return;
		ip_total = (size_t)p[off + 2] << 8 | p[off + 3];
	} else if (ipver == 6) {
		hl = 40;
		if (p[off + 6] != IPPROTO_TCP)
			return; /* extension headers do not occur on our loopback connections */
		ip_total = 40 + ((size_t)p[off + 4] << 8 | p[off + 5]);
	} else {
		return;
	}
	if (n < off + hl + 20 || ip_total < hl + 20)
		return;
	tcp = p + off + hl;
	memcpy(&sport, tcp, 2);
	seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
	payload = ip_total - hl - (size_t)(tcp[12] >> 4) * 4u;
	if (sport != w->local_port && sport != w->peer_port)
		return; /* captured under an earlier family's filter */
	from_local = sport == w->local_port;
	if (w->nseg == MAX_SEGMENTS)
		return;
	if (!w->have_base[from_local]) {
		w->base[from_local] = seq - 1;
		w->have_base[from_local] = 1;
	}
	s = &w->seg[w->nseg++];
	s->from_local = from_local;
	s->flags = tcp[13] & 0x1f;
	s->seq = seq - w->base[from_local] - 1;
	s->len = (uint32_t)payload;
}

/* Take in everything captured so far. */
static void drain(struct sc_wire *w)
{
	while (pcap_dispatch(w->pcap, -1, on_packet, (u_char *)w) > 0)
		;
}

static void describe(struct sc_wire *w)
{
	size_t n = 0;

	w->text[0] = '\0';
	for (unsigned i = 0; i < w->nseg && n < sizeof w->text - 48; i++) {
		const struct sc_segment *s = &w->seg[i];
		n += (size_t)snprintf(w->text + n, sizeof w->text - n, "%s%s [%s%s%s%s%s] seq %u len %u",
				      i ? "; " : "", s->from_local ? "local>peer" : "peer>local",
				      s->flags & SC_SYN ? "S" : "", s->flags & SC_FIN ? "F" : "",
				      s->flags & SC_RST ? "R" : "", s->flags & SC_PSH ? "P" : "",
				      s->flags & SC_ACK ? "." : "", s->seq, s->len);
	}
	note("wire", "%s", w->nseg ? w->text : "no segments seen");
}

static void close_wire(void *arg)
{
	free(arg);
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

/* The loopback capture, opened on first use; skip() where it cannot be. */
static pcap_t *open_capture(void)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	const char *dev;
	pcap_t *p;
	int rc;

	if (capture)
		return capture;
	dev = loopback_device(errbuf);
	if (!dev)
		skip("packet capture: no loopback interface visible to libpcap");
	p = pcap_create(dev, errbuf);
	if (!p)
		skip("packet capture is not possible here (pcap_create failed)");
	pcap_set_snaplen(p, 128); /* headers are all we read */
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, 1 << 20);
	rc = pcap_activate(p);
	if (rc == PCAP_ERROR_PERM_DENIED || rc == PCAP_ERROR_NO_SUCH_DEVICE) {
		pcap_close(p);
		skip("packet capture is not permitted here (needs CAP_NET_RAW)");
	}
	if (rc < 0)
		sc_fail(NULL, "pcap_activate(%s): %s", dev, pcap_geterr(p));
	if (pcap_setnonblock(p, 1, errbuf) == -1)
		sc_fail(NULL, "pcap_setnonblock: %s", errbuf);
	capture_link = pcap_datalink(p);
	capture = p;
	return capture;
}

struct sc_wire *wire_watch(const struct sc_conn *c)
{
	char filter[128];
	struct bpf_program prog;
	struct sc_wire *w;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	pcap_t *p;

	if (sc_getsockname(c->local, (struct sockaddr *)&ss, &len) == -1 || ss.ss_family == AF_UNIX)
		skip("AF_UNIX sockets put nothing on a wire");
	p = open_capture();
	w = calloc(1, sizeof *w);
	if (!w)
		sc_fail(NULL, "out of memory");
	sc_at_family_end(close_wire, w);
	w->pcap = p;
	w->link = capture_link;
	w->local_fd = c->local;
	w->peer_fd = c->peer;
	w->local_port = port_of(c->local);
	w->peer_port = port_of(c->peer);
	snprintf(filter, sizeof filter, "tcp port %u and tcp port %u", ntohs(w->local_port),
		 ntohs(w->peer_port));
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1 || pcap_setfilter(p, &prog) == -1)
		sc_fail(NULL, "pcap filter '%s': %s", filter, pcap_geterr(p));
	pcap_freecode(&prog);
	drain(w); /* what an earlier filter let through is dropped by port */
	w->nseg = 0;
	return w;
}

static int matches(const struct sc_wire *w, const struct sc_segment *s, int from_fd, unsigned flags)
{
	return s->from_local == (from_fd == w->local_fd) && (s->flags & flags) == flags;
}

unsigned wire_count(struct sc_wire *w, int from_fd, unsigned flags)
{
	unsigned n = 0;

	drain(w);
	for (unsigned i = 0; i < w->nseg; i++)
		n += matches(w, &w->seg[i], from_fd, flags);
	describe(w);
	return n;
}

unsigned long wire_bytes(struct sc_wire *w, int from_fd)
{
	unsigned long n = 0;

	drain(w);
	for (unsigned i = 0; i < w->nseg; i++)
		if (matches(w, &w->seg[i], from_fd, 0))
			n += w->seg[i].len;
	describe(w);
	return n;
}

const struct sc_segment *wire_find(struct sc_wire *w, int from_fd, unsigned flags)
{
	drain(w);
	describe(w);
	for (unsigned i = 0; i < w->nseg; i++)
		if (matches(w, &w->seg[i], from_fd, flags))
			return &w->seg[i];
	return NULL;
}

static const char *flag_names(unsigned flags)
{
	static char buf[32];

	snprintf(buf, sizeof buf, "%s%s%s%s", flags & SC_FIN ? "FIN " : "", flags & SC_RST ? "RST " : "",
		 flags & SC_SYN ? "SYN " : "", flags & SC_ACK ? "ACK " : "");
	return buf;
}

/* poll() on the capture's descriptor: wakes when segments arrive. */
static void wait_capture(struct sc_wire *w, int timeout_ms)
{
	struct pollfd p = {.fd = pcap_get_selectable_fd(w->pcap), .events = POLLIN, .revents = 0};

	poll(&p, 1, timeout_ms);
}

void wire_wait(struct sc_wire *w, int from_fd, unsigned flags)
{
	double deadline = now_ms() + sc_wait_bound_ms();

	sc_current_step = "a segment on the wire";
	while (!wire_find(w, from_fd, flags)) {
		double left = deadline - now_ms();
		if (left <= 0)
			sc_fail(NULL, "timed out after %d ms waiting for a %ssegment from %s", sc_wait_bound_ms(),
				flag_names(flags), from_fd == w->local_fd ? "local" : "peer");
		wait_capture(w, (int)left + 1);
	}
}

unsigned wire_mark(struct sc_wire *w)
{
	drain(w);
	return w->nseg;
}

/* Segments from that end after the mark. */
static unsigned count_since(struct sc_wire *w, int from_fd, unsigned mark)
{
	unsigned n = 0;

	drain(w);
	describe(w);
	for (unsigned i = mark; i < w->nseg; i++)
		n += matches(w, &w->seg[i], from_fd, 0);
	return n;
}

void wire_check_quiet(struct sc_wire *w, int from_fd, unsigned since_mark, const char *why)
{
	double deadline = now_ms() + sc_quiet_ms();
	double left;

	sc_announce_quiet(why);
	sc_current_step = why;
	do {
		if (count_since(w, from_fd, since_mark))
			sc_fail(NULL, "a segment from %s was sent within the %d ms window: %s",
				from_fd == w->local_fd ? "local" : "peer", sc_quiet_ms(), why);
		left = deadline - now_ms();
		if (left > 0)
			wait_capture(w, (int)left + 1);
	} while (left > 0);
}
