/*
 * divergence.h: recorded divergences, the expectation data.
 *
 * Cases assert what the documents say.  Where a platform is known to do
 * otherwise, a record says so, with the reason and a source:
 *
 *     shutrd.data_dropped
 *         on:     linux-*                   a glob over the run's label
 *         family: inet inet6                optional; default every family
 *         kind:   divergence                documented or divergence
 *         got:    5                         optional; what the case observes
 *         when:   sometimes                 optional; the departure depends on timing
 *         why:    Linux keeps ...
 *         source: https://...               one or more
 *
 * The kind says whose word the outcome has.  `documented`: the platform's
 * own reference specifies it (the case follows other documents), so at
 * least one source is a page of that reference (see own_documents in
 * divergence.c: man7.org or kernel.org for Linux and gVisor, Microsoft
 * Learn for Windows, ...); `divergence`: the platform departs from the
 * documents with none of its own.
 *
 * A family whose failure a record matches is reported as TODO with what it
 * did, in the record's kind; a failure no record matches fails; a record
 * whose family conforms is reported as no longer holding, unless it says
 * `when: sometimes` (the departure shows only when segments meet a call at
 * one moment, and its why says which): then a conforming run is a pass.
 */
#ifndef RUNNER_DIVERGENCE_H
#define RUNNER_DIVERGENCE_H

#include <stddef.h>

#define MAX_SOURCES 4

enum record_kind {
	KIND_UNSET,      /* only while parsing: every record has a kind */
	KIND_DIVERGENCE, /* departs from the documents, with none of its own */
	KIND_DOCUMENTED, /* the platform's own reference specifies this outcome */
};

struct divergence {
	char id[128];
	char on[128];
	unsigned families; /* bit per family name (see family_bit); 0: all */
	enum record_kind kind;
	int has_got;
	char got[256];
	int sometimes;     /* when: sometimes: a conforming run of it is no news */
	char why[1024];
	char sources[MAX_SOURCES][512];
	unsigned nsources;
	char where[300]; /* file:line of the record, for messages */
};

struct divergences {
	struct divergence *items;
	size_t n;
};

/*
 * Parse one file's text, appending.  0, or -1 with "file:line: problem" in
 * err, its control characters shown as \xNN.  A record that could match the
 * same failure as one before it (the same case, a family in common, on:
 * globs some label matches both) is a problem: which applied would be chance.
 */
int divergences_parse(struct divergences *d, const char *text, const char *filename, char *err,
		      size_t errsize);
/* Load every *.txt in dir (in name order, each at most 1 MiB).  0, or -1 with a message. */
int divergences_load(struct divergences *d, const char *dir, char *err, size_t errsize);
/* The record for this label, case and family, or NULL.  A run of a platform
 * that implements another (wine-* implements windows-*) also takes the
 * other's records, where it has none of its own (divergence.c). */
const struct divergence *divergence_find(const struct divergences *d, const char *label,
					 const char *id, const char *family);
/*
 * For a case's processes: "SOCKCONF_RECORDED_GOT=inet:none,inet6:none", the
 * one-word got of each family's record on this label (lib/recorded.c: a
 * wait that would yield it is a quiet window instead), leaving out
 * `when: sometimes` records.  An empty out where there is none.
 */
void divergence_recorded_got_env(const struct divergences *d, const char *label, const char *id,
				 char *out, size_t outsize);
/* "documented" or "divergence". */
const char *record_kind_name(enum record_kind k);
/* 1, 2, 4 for inet, inet6, unix; 0 for anything else. */
unsigned family_bit(const char *family);
void divergences_free(struct divergences *d);

#endif
