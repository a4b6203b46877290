/*
 * link.h: --link, a slow or lossy link between a case's two ends.
 *
 *   --link delay=MS,jitter=MS,loss=PCT,reorder=PCT   (any subset, each once)
 *
 * The cases connect over 127.0.0.1 and ::1 within one process, so the link
 * is tc netem on the loopback interface of a network namespace of the run's
 * own: every inet and inet6 segment leaves lo once, each direction is
 * delayed once, and the round trip is twice the delay.  lo rather than a
 * veth pair because that is where the cases' traffic already goes: a
 * capture on lo still sees each segment once per direction, and both
 * families cross the same link.  AF_UNIX crosses no link at all.
 *
 * link.c (portable) parses and names it; link_posix.c makes the namespace
 * and runs tc; link_win.c says Windows has none.
 */
#ifndef RUNNER_LINK_H
#define RUNNER_LINK_H

#include <stddef.h>

struct identity;

#define LINK_MAX_MS 10000u /* a delay or jitter above 10 s is no link the waits can cross */

struct link {
	int set;                   /* 0: no --link, loopback as it is */
	int has_delay, has_jitter, has_loss, has_reorder;
	unsigned delay_ms, jitter_ms;
	unsigned loss_milli, reorder_milli; /* percent, in thousandths: 2.5% is 2500 */
};

/* Parse "delay=20ms,loss=2%" strictly: 0, or -1 with a one-line message in err. */
int link_parse(const char *text, struct link *l, char *err, size_t errsize);
/* "delay=20ms,jitter=5ms,loss=2%,reorder=25%": what --link takes back, and the TAP header. */
void link_describe(const struct link *l, char *out, size_t size);
/* "d20ms-j5ms-l2pct-r25pct": the label's suffix after "-link-". */
void link_tag(const struct link *l, char *out, size_t size);
/* "delay 20ms 5ms loss 2% reorder 25%": what follows `tc qdisc add dev lo root netem`. */
void link_netem_args(const struct link *l, char *out, size_t size);

/*
 * Put this runner, and so every case it starts, behind the link: a network
 * namespace of its own whose lo runs netem (link_posix.c).  Nothing when
 * !l->set.  On success id records the link, and its label names it unless
 * label_given.  0, or -1 with a one-line message in err (the caller exits 2).
 */
int link_prepare(const struct link *l, struct identity *id, int label_given, const char *scratch,
		 char *err, size_t errsize);
/* link_posix.c: tc, on PATH or in /usr/sbin or /sbin.  0, or -1 when there is none. */
int link_find_tc(char *out, size_t size);

#endif
