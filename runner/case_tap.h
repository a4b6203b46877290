/*
 * case_tap.h: reading what one case program printed.  The grammar is the
 * small TAP subset lib/case_main.c writes, read strictly: anything else is
 * reported as unparseable output, with the line.
 *
 *   # id: ID / # claim: TEXT / # cite: TEXT <URL>   metadata
 *   # quiet: N ms WHY                               a negative window the case waited out
 *   1..N                                            the plan (once)
 *   ok N - FAMILY [# SKIP reason] | not ok N - FAMILY
 *     ---  key: "value" ...  ...                    YAML after a point
 */
#ifndef RUNNER_CASE_TAP_H
#define RUNNER_CASE_TAP_H

#include <stddef.h>

#define MAX_POINTS 8
#define MAX_DIAG 16
#define MAX_CITES 8

struct diag_pair {
	char key[32];
	char value[1024];
};

struct point {
	int ok;
	int skip;
	char family[32];
	char skip_reason[256];
	struct diag_pair diag[MAX_DIAG];
	unsigned ndiag;
};

struct case_tap {
	char id[128];
	char claim[512];
	char cites[MAX_CITES][512];
	unsigned ncites;
	int have_plan;
	unsigned planned;
	struct point points[MAX_POINTS];
	unsigned npoints;
	unsigned quiet_ms, nquiet; /* negative windows: total time, count */
	char error[512]; /* why the output does not parse; "" when it does */
};

/* Parse len bytes of output.  0 when well formed, -1 with out->error set. */
int case_tap_parse(const char *text, size_t len, struct case_tap *out);
/* A point's diagnostic value, or NULL. */
const char *point_diag(const struct point *p, const char *key);

#endif
