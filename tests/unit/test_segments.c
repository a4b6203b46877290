/*
 * test_segments.c: what a capture's segments say when the link delays,
 * loses and reorders them (lib/segments.c).  Each test feeds the sequence
 * a real link made of a connection; the numbers are chosen near 2^32 so
 * that modular arithmetic is exercised too.
 */
#include "segments.h"
#include "path.h"
#include "outcome.h"
#include "suites.h"

#include <string.h>

#define LOCAL_ISN 0xfffffff0u /* the local end's numbers wrap within the exchange */
#define PEER_ISN 0x12345678u
#define MAX 32

static struct sc_captured in[MAX];
static struct sc_segment out[MAX];
static struct sc_isn isn;
static unsigned n;

/* A segment from that end, numbered relative to the ISNs above (0: the first byte after the SYN). */
static void sent(int from_local, unsigned flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct sc_captured *c = &in[n++];

	c->from_local = from_local;
	c->flags = flags;
	c->seq = (from_local ? LOCAL_ISN : PEER_ISN) + 1 + seq;
	c->ack = (flags & SC_ACK) ? (from_local ? PEER_ISN : LOCAL_ISN) + 1 + ack : 0;
	c->len = len;
}
#define LOCAL 1
#define PEER 0

static void handshake(void)
{
	n = 0;
	memset(in, 0, sizeof in);
	sent(LOCAL, SC_SYN, (uint32_t)-1, 0, 0);
	sent(PEER, SC_SYN | SC_ACK, (uint32_t)-1, 0, 0);
	sent(LOCAL, SC_ACK, 0, 0, 0);
}

static unsigned analyse(void)
{
	return sc_segments_analyse(in, n, out, &isn);
}

/* Segments from that end with those flags that the claim is about. */
static unsigned counted(int from_local, unsigned flags)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		k += out[i].from_local == from_local && (out[i].flags & flags) == flags &&
		     sc_segment_counts(&out[i]);
	return k;
}

static void test_isn_comes_from_the_handshake(void)
{
	handshake();
	analyse();
	ASSERT_INT_EQ(isn.isn[LOCAL], LOCAL_ISN);
	ASSERT_INT_EQ(isn.isn[PEER], PEER_ISN);
	CU_ASSERT(isn.from_handshake[LOCAL] && isn.from_handshake[PEER]);
	ASSERT_INT_EQ(out[2].seq, 0);
	ASSERT_INT_EQ(out[2].ack, 0);
}

/* Reordered: the FIN and the second data segment arrive before the first; the numbers do not move. */
static void test_reordered_fin_is_numbered_after_the_last_data_byte(void)
{
	handshake();
	sent(LOCAL, SC_FIN | SC_ACK, 1000, 0, 0);
	sent(LOCAL, SC_PSH | SC_ACK, 500, 0, 500);
	sent(LOCAL, SC_ACK, 0, 0, 500);
	sent(PEER, SC_ACK, 0, 1001, 0);
	ASSERT_INT_EQ(analyse(), 0);
	ASSERT_INT_EQ(out[3].seq + out[3].len, 1000);
	ASSERT_INT_EQ(out[4].seq, 500);
	ASSERT_INT_EQ(out[5].seq, 0);
	ASSERT_INT_EQ(out[6].ack, 1001);
}

/* The first captured segment is not the first sent: numbers count from the handshake still. */
static void test_first_captured_segment_is_not_the_base(void)
{
	struct sc_captured syn;

	handshake();
	syn = in[0], in[0] = in[2], in[2] = syn; /* the handshake's final ACK captured first */
	analyse();
	ASSERT_INT_EQ(isn.isn[LOCAL], LOCAL_ISN);
	ASSERT_INT_EQ(out[0].seq, 0);
}

static void test_retransmitted_fin_counts_once(void)
{
	handshake();
	sent(LOCAL, SC_FIN | SC_ACK, 0, 0, 0);
	sent(LOCAL, SC_FIN | SC_ACK, 0, 0, 0); /* its ACK was lost: sent again */
	sent(PEER, SC_ACK, 0, 1, 0);
	ASSERT_INT_EQ(analyse(), 1);
	ASSERT_INT_EQ(counted(LOCAL, SC_FIN), 1);
	CU_ASSERT(out[4].retransmitted);
}

/* A data segment sent again, PSH set the second time, is the same segment. */
static void test_retransmitted_data_counts_once_whatever_its_psh(void)
{
	handshake();
	sent(LOCAL, SC_ACK, 0, 0, 100);
	sent(LOCAL, SC_PSH | SC_ACK, 0, 0, 100);
	ASSERT_INT_EQ(analyse(), 1);
	CU_ASSERT(out[4].retransmitted);
}

/* Bare ACKs that acknowledge more are new; a repeated one is no loss evidence. */
static void test_bare_acks_are_no_retransmissions(void)
{
	handshake();
	sent(PEER, SC_ACK, 0, 100, 0);
	sent(PEER, SC_ACK, 0, 200, 0);
	sent(PEER, SC_ACK, 0, 200, 0); /* a duplicate ACK */
	ASSERT_INT_EQ(analyse(), 0);
	CU_ASSERT(!out[4].retransmitted);
	CU_ASSERT(out[5].retransmitted);
}

/*
 * fin.graceful_sequence_no_rst under reordering: the server (peer) has
 * closed and its FIN is acknowledged; then an older ACK of the client's
 * arrives late and the closed server answers <SEQ=SEG.ACK><CTL=RST>.
 */
static void test_rst_answering_a_late_ack_after_close_is_not_counted(void)
{
	handshake();
	sent(LOCAL, SC_FIN | SC_ACK, 0, 0, 0);         /* (1) */
	sent(PEER, SC_ACK, 0, 1, 0);
	sent(PEER, SC_ACK, 0, 1, 1000);                 /* (3) */
	sent(PEER, SC_FIN | SC_ACK, 1000, 1, 0);        /* (4) */
	sent(LOCAL, SC_ACK, 1, 1001, 0);                /* (5): the server is CLOSED */
	sent(LOCAL, SC_ACK, 1, 500, 0);                 /* an older ACK, reordered */
	sent(PEER, SC_RST, 500, 0, 0);                  /* the closed end answers it */
	analyse();
	CU_ASSERT(out[9].answers_late);
	ASSERT_INT_EQ(counted(PEER, SC_RST), 0);
}

/* The same RST before the server's connection was over is the stack's own: counted. */
static void test_rst_before_the_connection_is_over_is_counted(void)
{
	handshake();
	sent(LOCAL, SC_FIN | SC_ACK, 0, 0, 0);
	sent(PEER, SC_ACK, 0, 1, 1000);
	sent(LOCAL, SC_ACK, 1, 500, 0);
	sent(PEER, SC_RST, 500, 0, 0); /* no FIN of its own yet: a reset, not an answer */
	analyse();
	CU_ASSERT(!out[6].answers_late);
	ASSERT_INT_EQ(counted(PEER, SC_RST), 1);
}

/* An RST that ends the final ACK's own exchange is no answer to a late segment. */
static void test_rst_to_the_ack_that_ends_last_ack_is_counted(void)
{
	handshake();
	sent(LOCAL, SC_FIN | SC_ACK, 0, 0, 0);
	sent(PEER, SC_FIN | SC_ACK, 0, 1, 0);
	sent(LOCAL, SC_ACK, 1, 1, 0);
	sent(PEER, SC_RST, 1, 0, 0);
	analyse();
	CU_ASSERT(!out[6].answers_late);
	ASSERT_INT_EQ(counted(PEER, SC_RST), 1);
}

/* After the RST under test, the closed end answers the other's late data: one RST counted. */
static void test_rsts_after_the_reset_under_test_are_answers(void)
{
	handshake();
	sent(LOCAL, SC_PSH | SC_ACK, 0, 0, 6);
	sent(PEER, SC_RST | SC_ACK, 0, 6, 0); /* close() with unread data */
	sent(LOCAL, SC_PSH | SC_ACK, 6, 0, 6); /* on its way before the RST came */
	sent(PEER, SC_RST, 0, 0, 0);          /* <SEQ=SEG.ACK>: an answer */
	analyse();
	CU_ASSERT(!out[4].answers_late);
	CU_ASSERT(out[6].answers_late);
	ASSERT_INT_EQ(counted(PEER, SC_RST), 1);
}

/*
 * lwIP answers a late duplicate of the final ACK with RST and ACK set
 * (tcp_rst() always sets ACK); its SEQ is still SEG.ACK: an answer too.
 */
static void test_rst_with_ack_answering_a_late_segment_is_an_answer(void)
{
	handshake();
	sent(LOCAL, SC_FIN | SC_ACK, 0, 0, 0);
	sent(PEER, SC_FIN | SC_ACK, 0, 1, 0);
	sent(LOCAL, SC_ACK, 1, 1, 0);
	sent(LOCAL, SC_ACK, 1, 1, 0);
	sent(PEER, SC_RST | SC_ACK, 1, 1, 0);
	analyse();
	CU_ASSERT(out[7].answers_late);
	ASSERT_INT_EQ(counted(PEER, SC_RST), 0);
}

/* An RST whose number answers no late segment is the stack's own, ACK or not. */
static void test_rst_with_ack_that_answers_nothing_is_counted(void)
{
	handshake();
	sent(LOCAL, SC_FIN | SC_ACK, 0, 0, 0);
	sent(PEER, SC_FIN | SC_ACK, 0, 1, 0);
	sent(LOCAL, SC_ACK, 1, 1, 0);
	sent(LOCAL, SC_ACK, 1, 1, 0);
	sent(PEER, SC_RST | SC_ACK, 7, 1, 0);
	analyse();
	CU_ASSERT(!out[7].answers_late);
	ASSERT_INT_EQ(counted(PEER, SC_RST), 1);
}

/* Watched after the handshake: each end's numbers count from the lowest seen, whatever the order. */
static void test_without_a_handshake_the_lowest_number_is_the_base(void)
{
	n = 0;
	sent(LOCAL, SC_FIN | SC_ACK, 100, 0, 0);
	sent(LOCAL, SC_ACK, 0, 0, 100);
	sent(PEER, SC_ACK, 0, 101, 0);
	analyse();
	CU_ASSERT(!isn.from_handshake[LOCAL]);
	ASSERT_INT_EQ(isn.isn[LOCAL], LOCAL_ISN);
	ASSERT_INT_EQ(out[0].seq, 100);
	ASSERT_INT_EQ(out[1].seq, 0);
}

/* The local SYN lost on the capture: the SYN-ACK's ACK says what it was. */
static void test_syn_ack_gives_the_isn_of_a_syn_not_seen(void)
{
	handshake();
	in[0] = in[1], in[1] = in[2];
	n = 2;
	analyse();
	CU_ASSERT(isn.from_handshake[LOCAL]);
	ASSERT_INT_EQ(isn.isn[LOCAL], LOCAL_ISN);
}

/* Windows grow with the family's round trip, and say by what (lib/wait.c). */
static void test_quiet_window_and_wait_bound_scale_with_the_rtt(void)
{
	ASSERT_STR_EQ(sc_quiet_text(), "20 ms"); /* loopback: the defaults govern */
	sc_link_measured(0.05, 0.02, "rtt");
	ASSERT_INT_EQ(sc_quiet_ms(), 20);
	sc_link_measured(20.1, 0, "rtt");
	ASSERT_INT_EQ(sc_quiet_ms(), 81);
	ASSERT_STR_EQ(sc_quiet_text(), "81 ms (4 × rtt 20.1 ms)");
	ASSERT_STR_EQ(sc_wait_text(), "2010 ms (100 × rtt 20.1 ms)");
	sc_link_measured(5, 1, "rtt"); /* a smaller figure later does not shorten the window */
	ASSERT_INT_EQ(sc_quiet_ms(), 81);
	sc_run_family_end(); /* the next family measures its own */
	ASSERT_INT_EQ(sc_quiet_ms(), 20);
	ASSERT_INT_EQ(sc_wait_bound_ms(), 2000);
}

static void test_handshake_time_is_named_where_it_is_the_figure(void)
{
	sc_link_measured(30, 0, "handshake");
	ASSERT_STR_EQ(sc_quiet_text(), "120 ms (4 × handshake 30.0 ms)");
	sc_link_measured(25, 10, "rtt");
	ASSERT_STR_EQ(sc_quiet_text(), "140 ms (4 × rtt 25.0 ms + 4 × rttvar 10.0 ms)");
	sc_run_family_end();
}

static const struct unit_test tests[] = {
	UNIT_TEST(test_isn_comes_from_the_handshake),
	UNIT_TEST(test_reordered_fin_is_numbered_after_the_last_data_byte),
	UNIT_TEST(test_first_captured_segment_is_not_the_base),
	UNIT_TEST(test_retransmitted_fin_counts_once),
	UNIT_TEST(test_retransmitted_data_counts_once_whatever_its_psh),
	UNIT_TEST(test_bare_acks_are_no_retransmissions),
	UNIT_TEST(test_rst_answering_a_late_ack_after_close_is_not_counted),
	UNIT_TEST(test_rst_before_the_connection_is_over_is_counted),
	UNIT_TEST(test_rst_to_the_ack_that_ends_last_ack_is_counted),
	UNIT_TEST(test_rsts_after_the_reset_under_test_are_answers),
	UNIT_TEST(test_rst_with_ack_answering_a_late_segment_is_an_answer),
	UNIT_TEST(test_rst_with_ack_that_answers_nothing_is_counted),
	UNIT_TEST(test_without_a_handshake_the_lowest_number_is_the_base),
	UNIT_TEST(test_syn_ack_gives_the_isn_of_a_syn_not_seen),
	UNIT_TEST(test_quiet_window_and_wait_bound_scale_with_the_rtt),
	UNIT_TEST(test_handshake_time_is_named_where_it_is_the_figure),
};

void register_segments_tests(void)
{
	ADD_SUITE("segments", tests);
}
