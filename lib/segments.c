/*
 * segments.c: what a capture's list of segments says, whatever the link
 * did to them.  Over a real link segments arrive late, twice, or out of
 * order, so nothing here trusts capture order where TCP does not:
 *
 * - Sequence numbers count from each end's ISN, taken from its SYN (the
 *   local end's SYN, the peer's SYN-ACK), not from the first segment seen,
 *   which under reordering need not be the first sent.
 * - A segment sent again (same end, seq, length and flags) is a
 *   retransmission: counted once, so a resent FIN is not a second FIN.
 * - An RST can answer a segment that arrived after the end's connection
 *   was over: RFC 9293 §3.10.7.1 has a closed end answer a segment with
 *   ACK by <SEQ=SEG.ACK><CTL=RST>.  Such an RST is the stack doing what
 *   it must, not the RST a case asks about, and is marked so.
 */
#include "segments.h"

#define NEVER ((unsigned)-1)

/* a is before b in sequence space (RFC 9293 §3.4's modular comparison) */
static int seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static int occupies_sequence_space(const struct sc_captured *c)
{
	return c->len > 0 || (c->flags & (SC_SYN | SC_FIN));
}

/* b repeats a: a retransmission, or (for an RST, a bare ACK) the same segment sent again */
static int repeats(const struct sc_captured *a, const struct sc_captured *b)
{
	unsigned mask = ~(unsigned)SC_PSH; /* a resend may set PSH where the first did not */

	if (a->from_local != b->from_local || (a->flags & mask) != (b->flags & mask) ||
	    a->seq != b->seq || a->len != b->len)
		return 0;
	/* a bare ACK is new when it acknowledges more; an RST has no meaningful ack */
	return occupies_sequence_space(a) || (a->flags & SC_RST) || a->ack == b->ack;
}

/* The end's ISN: from its SYN, from the other's ACK of it, or the lowest number seen. */
static uint32_t isn_of(const struct sc_captured *in, unsigned n, int end, int *from_handshake)
{
	uint32_t low = 0;
	int have = 0;

	*from_handshake = 1;
	for (unsigned i = 0; i < n; i++)
		if (in[i].from_local == end && (in[i].flags & SC_SYN))
			return in[i].seq;
	for (unsigned i = 0; i < n; i++) /* its SYN lost, the SYN-ACK (or SYN's ACK) says what it was */
		if (in[i].from_local != end && (in[i].flags & (SC_SYN | SC_ACK)) == (SC_SYN | SC_ACK) &&
		    end == 1)
			return in[i].ack - 1;
	*from_handshake = 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t at;
		if (in[i].from_local == end)
			at = in[i].seq;
		else if (in[i].flags & SC_ACK)
			at = in[i].ack;
		else
			continue;
		if (!have || seq_before(at, low))
			low = at;
		have = 1;
	}
	return low - 1;
}

unsigned sc_segments_analyse(const struct sc_captured *in, unsigned n, struct sc_segment *out,
			     struct sc_isn *isn)
{
	/* from which segment on each end's connection is known to be over: it reset, or
	 * both FINs were seen and its own was acknowledged (CLOSED after LAST_ACK, or TIME_WAIT) */
	unsigned gone_from[2] = {NEVER, NEVER};
	int fin_seen[2] = {0, 0};
	uint32_t after_fin[2] = {0, 0};
	unsigned retransmissions = 0;

	for (int end = 0; end < 2; end++)
		isn->isn[end] = isn_of(in, n, end, &isn->from_handshake[end]);
	for (unsigned i = 0; i < n; i++) {
		const struct sc_captured *s = &in[i];
		int x = s->from_local ? 1 : 0, y = !x;
		struct sc_segment *o = &out[i];

		o->from_local = x;
		o->flags = s->flags;
		o->len = s->len;
		o->seq = s->seq - isn->isn[x] - 1;
		o->ack = (s->flags & SC_ACK) ? s->ack - isn->isn[y] - 1 : 0;
		o->retransmitted = 0;
		o->answers_late = 0;
		for (unsigned j = 0; j < i && !o->retransmitted; j++)
			o->retransmitted = repeats(&in[j], s);
		if (o->retransmitted && occupies_sequence_space(s))
			retransmissions++;

		if ((s->flags & SC_RST) && !o->retransmitted) {
			/* <SEQ=SEG.ACK><CTL=RST>: the answer to a segment from y that came once x was gone
			 * (lwIP sets ACK on it too, tcp_rst(); its sequence number still names the segment) */
			for (unsigned j = 0; j < i && gone_from[x] != NEVER; j++)
				if (in[j].from_local == y && (in[j].flags & SC_ACK) && in[j].ack == s->seq &&
				    j > gone_from[x])
					o->answers_late = 1;
			if (!o->answers_late) { /* an RST ends both ends' connection */
				if (gone_from[x] == NEVER)
					gone_from[x] = i;
				if (gone_from[y] == NEVER)
					gone_from[y] = i;
			}
		}
		if (s->flags & SC_FIN) {
			fin_seen[x] = 1;
			after_fin[x] = s->seq + s->len + 1;
		}
		if ((s->flags & SC_ACK) && fin_seen[x] && fin_seen[y] && !seq_before(s->ack, after_fin[y]) &&
		    gone_from[y] == NEVER)
			gone_from[y] = i;
	}
	return retransmissions;
}

int sc_segment_counts(const struct sc_segment *s)
{
	return !s->retransmitted && !s->answers_late;
}
