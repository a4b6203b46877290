/*
 * segments.h: the analysis of one connection's captured segments (lib
 * internal; segments.c).  Pure functions over a list, so that a unit test
 * can feed them what a slow, lossy or reordering link makes of a
 * connection: wire_pcap.c only parses frames into this list.
 */
#ifndef SOCKCONF_SEGMENTS_H
#define SOCKCONF_SEGMENTS_H

#include "sockconf.h"

/* One segment as the capture saw it: sequence and acknowledgement numbers as on the wire. */
struct sc_captured {
	int from_local; /* sent by the end under test (else by the peer) */
	unsigned flags; /* SC_FIN | ... */
	uint32_t seq, ack, len;
};

/* Each end's initial sequence number: [0] the peer's, [1] the local end's. */
struct sc_isn {
	uint32_t isn[2];
	int from_handshake[2]; /* seen in its SYN; else inferred from the lowest number seen */
};

/*
 * in[0..n) in capture order becomes out[0..n): numbers relative to each
 * end's ISN (0 is the first byte after the SYN), retransmissions and RSTs
 * that answer late segments marked.  Returns the number of retransmissions
 * (segments that occupy sequence space sent again), the link's loss as the
 * capture shows it.
 */
unsigned sc_segments_analyse(const struct sc_captured *in, unsigned n, struct sc_segment *out,
			     struct sc_isn *isn);

/* The segments the claim is about: no retransmission, no RST answering a late segment. */
int sc_segment_counts(const struct sc_segment *s);

#endif
