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
 *
 * The texts a case printed (its claim, cites, skip reasons, diagnostics)
 * live in one allocation sized to them, owned by the case_tap: a runner
 * keeps a few hundred bytes per case it has reported, not the ~140 KB of
 * fixed-size buffers each case once took (issue 14).
 */
#ifndef RUNNER_CASE_TAP_H
#define RUNNER_CASE_TAP_H

#include <stddef.h>

#define MAX_POINTS 8
#define MAX_DIAG 16
#define MAX_CITES 8
/* The most of each text that is kept, with its NUL: a longer one is cut. */
#define CASE_TAP_ID_SIZE 128
#define CASE_TAP_CLAIM_SIZE 512
#define CASE_TAP_CITE_SIZE 512
#define CASE_TAP_FAMILY_SIZE 32 /* a longer family name is malformed */
#define CASE_TAP_SKIP_SIZE 256
#define CASE_TAP_KEY_SIZE 32
#define CASE_TAP_VALUE_SIZE 1024

struct diag_pair {
	const char *key;
	const char *value;
};

struct point {
	int ok;
	int skip;
	char family[CASE_TAP_FAMILY_SIZE];
	const char *skip_reason;      /* "" when none */
	const struct diag_pair *diag; /* ndiag pairs, in the order printed */
	unsigned ndiag;
};

struct case_tap_text; /* the texts' storage (case_tap.c) */

struct case_tap {
	char id[CASE_TAP_ID_SIZE];
	const char *claim; /* "" when none; NULL in a case_tap nothing was parsed into */
	const char *cites[MAX_CITES];
	unsigned ncites;
	int have_plan;
	unsigned planned;
	struct point points[MAX_POINTS];
	unsigned npoints;
	unsigned quiet_ms, nquiet; /* negative windows: total time, count */
	char error[512]; /* why the output does not parse; "" when it does */
	struct case_tap_text *text; /* owns every string and diag array above */
};

/*
 * Parse len bytes of output.  0 when well formed, -1 with out->error set;
 * either way what was read is kept, until case_tap_free(out).  out holds
 * no text when called: it is new, or was freed.
 */
int case_tap_parse(const char *text, size_t len, struct case_tap *out);
/* A point's diagnostic value, or NULL. */
const char *point_diag(const struct point *p, const char *key);
/*
 * Free t's texts.  What is not text stays (the id, the families, the
 * counts, the error); the claim, cites, skip reasons and diagnostics are
 * gone.  A zeroed case_tap, or one freed already, is left as it is.
 */
void case_tap_free(struct case_tap *t);
/* into keeps from's texts (points copied from it stay valid) and frees them with its own. */
void case_tap_adopt(struct case_tap *into, struct case_tap *from);

#endif
